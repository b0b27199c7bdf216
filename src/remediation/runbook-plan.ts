import type {EvidenceValue} from '../core/check.js'
import type {Report} from '../core/report.js'
import type {Runbook} from '../core/runbook.js'
import type {Plan} from './action.js'
import type {RemedyContext} from './context.js'
import {Journal} from './journal.js'

/** Journal and plan id of a runbook run. */
export const runbookPlanId = (id: string): string => `runbook-${id}`

/** What each automated step acts on, keyed by the step's index: the journalled parameters of the run. */
export type RunbookTargets = Record<string, EvidenceValue>

/** Asks every automated step what it would act on, given the diagnosis and the live cluster. */
export async function runbookTargets(runbook: Runbook, ctx: RemedyContext, diagnosis: Report): Promise<RunbookTargets> {
  const targets: RunbookTargets = {}
  for (const [i, step] of runbook.steps.entries()) {
    if (!step.remedy) continue
    const target = await step.remedy.target(ctx, diagnosis)
    if (target !== undefined) targets[String(i)] = target
  }
  return targets
}

/** The engine's plan for a runbook: the actions of its automated steps, in the runbook's order. */
export function runbookPlan(runbook: Runbook, targets: RunbookTargets): Plan<RemedyContext> {
  return {
    id: runbookPlanId(runbook.id),
    title: runbook.title,
    params: {runbook: runbook.id, targets},
    actions: runbook.steps.flatMap((step, i) => (step.remedy && targets[String(i)] !== undefined ? step.remedy.actions(targets[String(i)]!) : [])),
  }
}

/** How long an unfinished run may be continued; after that a re-run starts over. */
export const RESUME_WITHIN_MS = 24 * 3600_000

/**
 * The last run of a plan, when it stopped before finishing (interrupted, a step failed, or killed:
 * still "running" in its journal, which a live run's Lease would have refused us anyway) within
 * the last day: a procedure re-run continues it with the same targets instead of starting over.
 */
export function unfinishedRun(planId: string, now = Date.now()): {journal: string; targets: RunbookTargets} | undefined {
  const last = Journal.list()
    .filter((r) => r.plan === planId)
    .at(-1)
  if (!last || !['interrupted', 'failed', 'running'].includes(last.status)) return undefined
  if (now - Date.parse(last.started) > RESUME_WITHIN_MS) return undefined
  const params = Journal.open(last.id)
    .entries()
    .find((e) => e.event === 'plan')?.params as {targets?: RunbookTargets} | undefined
  return params?.targets ? {journal: last.id, targets: params.targets} : undefined
}
