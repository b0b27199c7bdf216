import {GatewayError, isGatewayError, type GatewayErrorKind} from './errors.js'

/** A gateway failure as a bundle keeps it: enough to raise the same GatewayError when replayed. */
export interface RecordedError {
  kind: GatewayErrorKind
  message: string
  target: string
  code?: number
}

export const recordError = (error: GatewayError): RecordedError => ({
  kind: error.kind,
  message: error.message,
  target: error.target,
  ...(error.code === undefined ? {} : {code: error.code}),
})
export const replayError = (e: RecordedError): GatewayError => new GatewayError(e.kind, e.message, e.target, e.code)

/** One recorded answer of a gateway call: its value, or the gateway error it raised. */
export type Take = {value: unknown} | {error: RecordedError}

/** A stable key for parameters: functions by their text, object keys in order. */
export function paramsKey(params: unknown): string {
  return JSON.stringify(params ?? null, (_, v: unknown) => {
    if (typeof v === 'function') return String(v)
    if (v && typeof v === 'object' && !Array.isArray(v))
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
    return v
  })
}

/**
 * The answers of a run's gateway calls by key, so the run can be replayed without the cluster
 * (doctor --from-bundle). Only answers are kept: a call the run never made has no answer.
 */
export class Tape {
  readonly takes: Record<string, Take>

  constructor(takes: Record<string, Take> = {}) {
    this.takes = takes
  }

  /** Runs the call and keeps its answer (values pass through transform first, e.g. redaction). */
  async record<T>(key: string, call: () => Promise<T>, transform: (value: T) => unknown = (v) => v): Promise<T> {
    try {
      const value = await call()
      this.takes[key] = {value: transform(value)}
      return value
    } catch (error) {
      if (isGatewayError(error)) this.takes[key] = {error: recordError(error)}
      throw error
    }
  }

  has(key: string): boolean {
    return key in this.takes
  }

  /** The recorded answer; a call the recorded run did not make fails as "not in the bundle". */
  play<T>(key: string, target = 'bundle'): Promise<T> {
    const take = this.takes[key]
    if (!take)
      return Promise.reject(
        new GatewayError('unsupported', `not in the bundle (the run that made it did not read this: ${key.split('|').slice(0, 2).join(' ')})`, target),
      )
    return 'error' in take ? Promise.reject(replayError(take.error)) : Promise.resolve(take.value as T)
  }
}
