import {trace} from '../core/trace.js'

/**
 * Retries for requests that are safe to repeat (reads): bounded exponential back-off with full
 * jitter, the server's Retry-After honoured, never past the run's deadline (its abort signal).
 * The tool runs when the cluster is in trouble: an API server shedding load (429), a control plane
 * restarting (503), a port-forward stream reset, a ClickHouse host at its query limit (202) are
 * moments to wait out, not findings.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number
  baseMs: number
  /** The longest wait between two attempts (a Retry-After beyond it is cut to it). */
  capMs: number
}

export const READ_RETRIES: RetryPolicy = {attempts: 5, baseMs: 100, capMs: 4000}

/** Whether a failure is worth another attempt, and after how long the server asked for. */
export interface Verdict {
  retry: boolean
  why?: string
  afterMs?: number
}

/** One request that needed more than one attempt: what, how many, why (for --stats, JSON and traces). */
export interface Retried {
  request: string
  attempts: number
  why: string
  /** false: it failed even so (the last error is what the caller reports). */
  succeeded: boolean
}

/** Where the retries of a run are recorded. */
export class RetryLog {
  readonly entries: Retried[] = []
  record(entry: Retried): void {
    // Enough to see what happened; a storm of retries does not grow the report without bound.
    if (this.entries.length < 200) this.entries.push(entry)
    this.total += entry.attempts - 1
  }
  /** Attempts beyond the first, over the run. */
  total = 0
}

/** The wait before retry n (1-based): the server's word, else full jitter under the exponential bound. */
export function backoffMs(policy: RetryPolicy, retry: number, afterMs: number | undefined, random: () => number = Math.random): number {
  if (afterMs !== undefined) return Math.min(Math.max(0, afterMs), policy.capMs)
  return Math.round(random() * Math.min(policy.capMs, policy.baseMs * 2 ** (retry - 1)))
}

/** Waits, or gives up as soon as the run's signal fires. */
function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false)
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve(true)
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      resolve(false)
    }
    signal?.addEventListener('abort', onAbort, {once: true})
  })
}

/**
 * Runs a read, again while judge says the failure is passing, within the policy's attempts and
 * the signal's deadline. The last error is thrown as it was.
 */
export async function retrying<T>(
  request: string,
  run: () => Promise<T>,
  judge: (error: unknown) => Verdict,
  options: {policy?: RetryPolicy; signal?: AbortSignal; log?: RetryLog; random?: () => number} = {},
): Promise<T> {
  const policy = options.policy ?? READ_RETRIES
  let why = ''
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await run()
      if (attempt > 1) options.log?.record({request, attempts: attempt, why, succeeded: true})
      return result
    } catch (error) {
      const verdict = judge(error)
      const last = attempt >= policy.attempts || !verdict.retry || options.signal?.aborted
      if (last) {
        if (attempt > 1) options.log?.record({request, attempts: attempt, why: verdict.why ?? why, succeeded: false})
        throw error
      }
      why = verdict.why ?? 'a passing failure'
      const waitMs = backoffMs(policy, attempt, verdict.afterMs, options.random)
      trace(`retry ${request} (attempt ${attempt + 1} of ${policy.attempts}) in ${waitMs}ms: ${why}`)
      if (!(await sleep(waitMs, options.signal))) {
        options.log?.record({request, attempts: attempt, why, succeeded: false})
        throw error
      }
    }
  }
}

/** Connection failures that a second attempt may not meet: a reset or refused stream, a peer that hung up. */
export const TRANSIENT_NETWORK = /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EAI_AGAIN|socket hang up|stream reset|other side closed/i
