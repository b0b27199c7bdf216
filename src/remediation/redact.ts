const SECRET_KEY = /pass(word)?|secret|token|credential|private.?key/i
/** Keys that name a secret object or where one lives, not its value (secretName, existingSecret, tokenPath). */
const REFERENCE_KEY = /(name|ref|path|file|namespace)$|^existing/i

/** Does a key (an env var, a values path) name a secret? */
export const isSecretKey = (key: string): boolean => SECRET_KEY.test(key) && !REFERENCE_KEY.test(key.split(/[./]/).pop() ?? key)
export const REDACTED = '[redacted]'

/** $(VAR) or ${VAR}: where a value comes from, not the value. */
export const ENV_REFERENCE = /^\$[({]\w+[)}]$/

/** Credentials inside URLs: tcp://user:pass@host. */
const URL_PASSWORD = /(\w+:\/\/[^:/@\s]*:)[^@\s]+@/g

/**
 * A deep copy with every secret replaced: keys that name one, env entries whose name does,
 * a Secret's data, and passwords inside URLs (tcp://user:pass@host). Journals, backups and
 * bundles go through it; nothing secret is ever written. The values hidden are added to found
 * (a bundle then scrubs them from every text it keeps, logs included).
 */
export function redact<T>(value: T, found?: Set<string>, keep?: (value: string) => boolean): T {
  return walk(value, undefined, {found, keep}) as T
}

/** What a walk adds hidden values to, and which values that look secret are public (the chart's default password: a finding). */
interface Walk {
  found?: Set<string>
  keep?: (value: string) => boolean
}

const hide = (v: unknown, w: Walk): unknown => {
  if (typeof v === 'string' && ENV_REFERENCE.test(v)) return v
  if ((typeof v === 'string' || typeof v === 'number') && w.keep?.(String(v))) return v
  if ((typeof v === 'string' || typeof v === 'number') && String(v) !== REDACTED) w.found?.add(String(v))
  return REDACTED
}

function walk(value: unknown, key: string | undefined, w: Walk): unknown {
  if (typeof value === 'string') {
    if (key && isSecretKey(key)) return value === '' ? value : hide(value, w)
    return value.replace(URL_PASSWORD, (_, head: string) => {
      const secret = _.slice(head.length, -1)
      // $(CLICKHOUSE_PASSWORD): a reference Kubernetes expands, not the password.
      if (ENV_REFERENCE.test(secret)) return _
      w.found?.add(secret)
      return `${head}${REDACTED}@`
    })
  }
  if (typeof value === 'number' && key && isSecretKey(key)) return hide(value, w)
  if (Array.isArray(value)) return value.map((v) => walk(v, undefined, w))
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>
    const isSecret = o.kind === 'Secret'
    // {name: "CLICKHOUSE_PASSWORD", value: "…"}: the name says what the value is.
    const envSecret = typeof o.name === 'string' && 'value' in o && isSecretKey(o.name)
    return Object.fromEntries(
      Object.entries(o).map(([k, v]) => {
        if (isSecret && (k === 'data' || k === 'stringData') && v && typeof v === 'object') {
          // A Secret keeps its keys; every value goes (data is base64: the decoded value is hidden too).
          return [k, Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([dk, dv]) => [dk, hideSecretData(dv, k === 'data', w.found)]))]
        }
        if (envSecret && k === 'value') return [k, typeof v === 'string' && v !== '' ? hide(v, w) : v]
        if (k.endsWith('/password')) return [k, hide(v, w)]
        return [k, walk(v, k, w)]
      }),
    )
  }
  return value
}

function hideSecretData(value: unknown, base64: boolean, found: Set<string> | undefined): unknown {
  if (typeof value === 'string' && found) {
    found.add(value)
    if (base64) found.add(Buffer.from(value, 'base64').toString('utf8'))
  }
  return REDACTED
}
