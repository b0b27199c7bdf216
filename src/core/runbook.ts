import type {Action, ActionSafety} from '../remediation/action.js'
import type {RemedyContext} from '../remediation/context.js'
import type {EvidenceValue} from './check.js'
import type {Report} from './report.js'

/**
 * What `runbook run` does for a step. target() reads the diagnosis and the live cluster and
 * returns what the step will act on, as plain data (undefined: nothing to do here); the journal
 * keeps it, so undo rebuilds the very same actions from it.
 */
export interface Remedy<Target extends EvidenceValue = EvidenceValue> {
  target(ctx: RemedyContext, diagnosis: Report): Promise<Target | undefined>
  actions(target: Target): Action<RemedyContext>[]
}

export const defineRemedy = <Target extends EvidenceValue>(r: Remedy<Target>): Remedy => r as unknown as Remedy

/** Safety class of a step (docs/FAILURE_CATALOGUE.md tags). */
export type Safety = 'read' | ActionSafety

export interface RunbookStep {
  title: string
  safety: Safety
  /** Why and when, in one or two sentences. */
  explain: string
  /** Copy-pasteable commands or SQL; {cluster} and {namespace} are filled in when shown. */
  commands?: string[]
  /** Present when `runbook run` carries the step out (through the remediation engine); else a person does it. */
  remedy?: Remedy
}

/** An on-call procedure. Its document is rendered from this definition, so the two cannot drift. */
export interface Runbook {
  id: string
  title: string
  /** What the engineer sees when this is the problem. */
  symptoms: string
  /** Catalogue scenario numbers (docs/FAILURE_CATALOGUE.md). */
  scenarios: number[]
  /** Checks that diagnose it and verify the fix. */
  checks: string[]
  /** Checks that verify the fix, when more than those that diagnose it must pass (default: checks). */
  verifyChecks?: readonly string[]
  /**
   * incident (default): run when its checks fail, done when they pass again. procedure: planned
   * work (a rolling restart) that needs its checks passing before it starts and after it ends.
   */
  kind?: 'incident' | 'procedure'
  steps: RunbookStep[]
}

export const defineRunbook = (r: Runbook): Runbook => Object.freeze(r)
