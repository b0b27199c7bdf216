import {errorMessage} from '../core/errors.js'
import type {Action, Backup, Plan} from './action.js'
import type {Journal} from './journal.js'

export interface RunOptions {
  journal: Journal
  /** One line per event, for the person watching (stderr). */
  progress(line: string): void
  /** Set by Ctrl-C / SIGTERM: the engine stops after the current step. */
  interrupted(): boolean
  /** The release's Lease this run holds, recorded with the plan. */
  lease?: {name: string; holder: string}
}

export interface RunOutcome {
  status: 'applied' | 'no-op' | 'failed' | 'interrupted'
  applied: string[]
  skipped: string[]
  failedStep?: string
  message?: string
}

/** The steps that still have something to do (the others are already in their wanted state). */
export async function pendingSteps<Ctx>(plan: Plan<Ctx>, ctx: Ctx): Promise<Action<Ctx>[]> {
  const pending: Action<Ctx>[] = []
  for (const a of plan.actions) if (!(await a.done(ctx))) pending.push(a)
  return pending
}

/**
 * Applies a plan one step at a time: skip what is done, save the backup, apply, verify,
 * journal each of these. A failed step or an interruption stops the run after the current step;
 * nothing is rolled back silently: the journal says what was applied and how to undo it.
 */
export async function runPlan<Ctx>(plan: Plan<Ctx>, ctx: Ctx, options: RunOptions): Promise<RunOutcome> {
  const {journal, progress} = options
  journal.append({
    event: 'plan',
    plan: plan.id,
    title: plan.title,
    params: plan.params,
    steps: plan.actions.map((a) => ({id: a.id, title: a.title, safety: a.safety})),
    ...(options.lease ? {lease: options.lease} : {}),
  })
  const outcome: RunOutcome = {status: 'no-op', applied: [], skipped: []}
  for (const [i, step] of plan.actions.entries()) {
    const label = `[${i + 1}/${plan.actions.length}] ${step.title}`
    if (options.interrupted()) {
      journal.append({event: 'interrupted', step: step.id})
      return {...outcome, status: 'interrupted', message: `interrupted before "${step.title}"`}
    }
    try {
      if (await step.done(ctx)) {
        journal.append({event: 'skip', step: step.id, reason: 'already done'})
        outcome.skipped.push(step.id)
        progress(`${label}: already done`)
        continue
      }
      const backup = await step.backup(ctx)
      journal.append({event: 'backup', step: step.id, backup})
      progress(`${label}: applying`)
      await step.apply(ctx)
      journal.append({event: 'apply', step: step.id})
      outcome.applied.push(step.id)
      const verified = await step.verify(ctx)
      journal.append({event: 'verify', step: step.id, ok: verified.ok, message: verified.message})
      progress(`${label}: ${verified.ok ? 'verified' : 'NOT verified'}: ${verified.message}`)
      if (!verified.ok) {
        journal.append({event: 'failed', step: step.id, error: verified.message})
        return {...outcome, status: 'failed', failedStep: step.id, message: verified.message}
      }
    } catch (error) {
      const message = errorMessage(error)
      journal.append({event: 'failed', step: step.id, error: message})
      progress(`${label}: FAILED: ${message}`)
      return {...outcome, status: 'failed', failedStep: step.id, message}
    }
  }
  journal.append({event: 'finished', applied: outcome.applied})
  return {...outcome, status: outcome.applied.length ? 'applied' : 'no-op'}
}

/**
 * Reverses a journalled run: every step it applied, last first, from the backup saved before
 * it. Steps already undone (a previous undo that stopped) are not undone twice.
 */
export async function undoRun<Ctx>(plan: Plan<Ctx>, ctx: Ctx, options: Omit<RunOptions, 'interrupted'>): Promise<string[]> {
  const entries = options.journal.entries()
  const undone = new Set(entries.filter((e) => e.event === 'undo').map((e) => e.step))
  const applied = entries.filter((e) => e.event === 'apply' && !undone.has(e.step)).map((e) => e.step!)
  const reversed: string[] = []
  for (const id of [...applied].reverse()) {
    const step = plan.actions.find((a) => a.id === id)
    if (!step) throw new Error(`the journal names step "${id}", which plan ${plan.id} does not have`)
    const backup = [...entries].reverse().find((e) => e.event === 'backup' && e.step === id)?.backup as Backup | undefined
    if (!step.undo) {
      options.progress(`not undone (nothing to go back to): ${step.title}`)
      options.journal.append({event: 'undo', step: id, skipped: 'not reversible'})
      continue
    }
    options.progress(`undo ${step.title}`)
    await step.undo(ctx, backup ?? {})
    options.journal.append({event: 'undo', step: id})
    reversed.push(id)
  }
  options.journal.append({event: 'undone', steps: reversed})
  return reversed
}
