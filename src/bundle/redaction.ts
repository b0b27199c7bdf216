import {ENV_REFERENCE, isSecretKey, redact, REDACTED} from '../remediation/redact.js'
import {UsageError} from '../core/errors.js'
import {CHART_DEFAULT_PASSWORD} from '../signoz/values-rules.js'

/**
 * What a bundle hides. Objects go through redact() (keys that name a secret, env entries, Secret
 * data, URL passwords), which remembers every value it hid; then every text the bundle keeps
 * (logs, manifests, table rows) is scrubbed of those values, of the credentials the run used,
 * and of secret-shaped text (XML password elements, IDENTIFIED BY, key: value lines).
 */
const TEXT_PATTERNS: [RegExp, string][] = [
  // users.xml: <password>…</password>, <password_sha256_hex>…</…>
  [/(<(\w*(?:password|secret|token)\w*)>)[^<]*(<\/\2>)/gi, `$1${REDACTED}$3`],
  // CREATE USER … IDENTIFIED [WITH plaintext_password] BY '…'
  [/(IDENTIFIED\s+(?:WITH\s+\w+\s+)?BY\s+)'(?:[^'\\]|\\.)*'/gi, `$1'${REDACTED}'`],
  // URLs with credentials
  [/(\w+:\/\/[^:/@\s"]*:)(?!\$[({]\w+[)}]@)[^@\s"]+@/g, `$1${REDACTED}@`],
]

/** password: x, "token": "x", secret=x on one line (YAML, env files, flags), where the key names a secret. */
const KEY_VALUE = /\b(\w*(?:password|passwd|secret|token|credentials?)\w*)(["']?[ \t]*[:=][ \t]*["']?)([^\s"',{}[\]<>&;]{3,})/gi

/** Values shorter than this are not scrubbed from free text: they would hit ordinary words. */
const MIN_SECRET_LENGTH = 6

/** Public knowledge (the chart's published default password is a finding, not a secret). */
const NOT_SECRET = new Set([CHART_DEFAULT_PASSWORD, REDACTED, 'default', 'true', 'false'])

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

export class Redactor {
  private readonly secrets = new Set<string>()
  private readonly extra: RegExp[]
  private compiled?: RegExp
  private readonly keep = (v: string) => v === CHART_DEFAULT_PASSWORD

  constructor(patterns: readonly string[] = []) {
    this.extra = patterns.map((p) => {
      try {
        return new RegExp(p, 'g')
      } catch (error) {
        throw new UsageError(`--redact ${p} is not a regular expression: ${(error as Error).message}`)
      }
    })
  }

  /** A value to scrub wherever it appears (a password the run used, a token of the kubeconfig). */
  addSecret(value: string | undefined): void {
    if (!value || value.length < MIN_SECRET_LENGTH || NOT_SECRET.has(value) || ENV_REFERENCE.test(value)) return
    this.secrets.add(value)
    // As JSON keeps it inside a string, too.
    this.secrets.add(JSON.stringify(value).slice(1, -1))
    this.compiled = undefined
  }

  /** Learns the secrets of raw material (hidden values) without keeping a copy: before any text is scrubbed. */
  learn(value: unknown): void {
    const found = new Set<string>()
    redact(value, found, this.keep)
    for (const v of found) this.addSecret(v)
  }

  /** A deep copy with secrets hidden, and every string in it scrubbed as text. */
  object<T>(value: T): T {
    const found = new Set<string>()
    const out = redact(value, found, this.keep)
    for (const v of found) this.addSecret(v)
    return this.strings(out) as T
  }

  private strings(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value)
    if (Array.isArray(value)) return value.map((v) => this.strings(v))
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.strings(v)]))
    return value
  }

  /** Free text (a log, a manifest) with every known secret value and secret-shaped fragment replaced. */
  text(value: string): string {
    let out = value
    if (this.secrets.size > 0) {
      // Longest first: a secret that contains another goes whole.
      this.compiled ??= new RegExp(
        [...this.secrets]
          .sort((a, b) => b.length - a.length)
          .map(escapeRegExp)
          .join('|'),
        'g',
      )
      out = out.replace(this.compiled, REDACTED)
    }
    for (const [pattern, replacement] of TEXT_PATTERNS) out = out.replace(pattern, replacement)
    out = out.replace(KEY_VALUE, (whole, key: string, sep: string, value: string) =>
      isSecretKey(key) && !ENV_REFERENCE.test(value) ? `${key}${sep}${REDACTED}` : whole,
    )
    for (const p of this.extra) out = out.replace(p, REDACTED)
    return out
  }

  /** JSON of a value: redacted as an object, its strings as text (the JSON stays valid). */
  json(value: unknown, indent = 2): string {
    return JSON.stringify(this.object(value), null, indent)
  }
}
