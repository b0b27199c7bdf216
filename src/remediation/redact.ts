const SECRET_KEY = /pass(word)?|secret|token|credential|private.?key/i

/** Does a key (an env var, a values path) name a secret? */
export const isSecretKey = (key: string): boolean => SECRET_KEY.test(key)
const REDACTED = '[redacted]'

/**
 * A deep copy with every secret replaced: keys that name one, env entries whose name does,
 * a Secret's data, and passwords inside URLs (tcp://user:pass@host). Journals and backups go
 * through it; nothing secret is ever written.
 */
export function redact<T>(value: T): T {
  return walk(value, undefined) as T
}

function walk(value: unknown, key: string | undefined): unknown {
  if (typeof value === 'string') return key && SECRET_KEY.test(key) ? REDACTED : value.replace(/(\w+:\/\/[^:/@\s]*:)[^@\s]+@/g, `$1${REDACTED}@`)
  if (Array.isArray(value)) return value.map((v) => walk(v, undefined))
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>
    const isSecret = o.kind === 'Secret'
    // {name: "CLICKHOUSE_PASSWORD", value: "…"}: the name says what the value is.
    const envSecret = typeof o.name === 'string' && 'value' in o && SECRET_KEY.test(o.name)
    return Object.fromEntries(
      Object.entries(o).map(([k, v]) => {
        if ((isSecret && (k === 'data' || k === 'stringData')) || (envSecret && k === 'value')) return [k, REDACTED]
        if (k.endsWith('/password') || (SECRET_KEY.test(k) && typeof v !== 'object')) return [k, REDACTED]
        return [k, walk(v, k)]
      }),
    )
  }
  return value
}
