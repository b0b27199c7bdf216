import {setMaxListeners} from 'node:events'
import {errorMessage} from './errors.js'
import {SkipCheck, type Check, type CheckContext, type Finding, type Requirement, type Severity, type Status} from './check.js'

export interface CheckResult {
  id: string
  title: string
  severity: Severity
  status: Status
  durationMs: number
  runbook: string
  reason?: string
  findings: Finding[]
}

export interface RunOptions {
  /** Parts of the world that answered the preflight, with the reason for each missing one. */
  available: ReadonlyMap<Requirement, true | string>
  concurrency: number
  checkTimeoutMs: number
  onResult?: (result: CheckResult) => void
}

/** Runs one check. Never throws: a throw or a timeout becomes status "error" with its reason. */
export async function runOne(check: Check, ctx: CheckContext, options: Pick<RunOptions, 'available' | 'checkTimeoutMs'>): Promise<CheckResult> {
  const base = {id: check.id, title: check.title, severity: check.severity, runbook: check.runbook}
  const missing = check.requires.map((r) => options.available.get(r) ?? `no ${r} connection`).filter((v): v is string => v !== true)
  if (missing.length > 0) return {...base, status: 'skip', durationMs: 0, reason: missing.join('; '), findings: []}

  const started = performance.now()
  const timeout = AbortSignal.timeout(options.checkTimeoutMs)
  const signal = AbortSignal.any([ctx.signal, timeout])
  // Every query of the check, on every host, listens on this signal.
  setMaxListeners(0, signal)
  try {
    const findings = await Promise.race([
      check.run({...ctx, signal}),
      new Promise<never>((_, reject) =>
        signal.addEventListener('abort', () => reject(new Error(timeout.aborted ? `timed out after ${options.checkTimeoutMs}ms` : 'cancelled')), {once: true}),
      ),
    ])
    const status: Status = findings.some((f) => !f.ok) ? 'fail' : findings.length === 0 ? 'skip' : 'pass'
    return {
      ...base,
      status,
      durationMs: Math.round(performance.now() - started),
      ...(status === 'skip' ? {reason: 'nothing to check'} : {}),
      findings,
    }
  } catch (error) {
    if (error instanceof SkipCheck) return {...base, status: 'skip', durationMs: Math.round(performance.now() - started), reason: error.message, findings: []}
    return {...base, status: 'error', durationMs: Math.round(performance.now() - started), reason: errorMessage(error), findings: []}
  }
}

/** Runs checks with bounded concurrency; results come back in registry order. */
export async function runChecks(checks: readonly Check[], ctx: CheckContext, options: RunOptions): Promise<CheckResult[]> {
  const results: CheckResult[] = new Array(checks.length)
  let next = 0
  const worker = async () => {
    while (next < checks.length) {
      const i = next++
      results[i] = await runOne(checks[i]!, ctx, options)
      options.onResult?.(results[i]!)
    }
  }
  await Promise.all(Array.from({length: Math.max(1, Math.min(options.concurrency, checks.length))}, worker))
  return results
}
