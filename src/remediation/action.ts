import type {EvidenceValue} from '../core/check.js'

/** How much an action can hurt (a runbook step's safety classes but "read": read steps are checks). */
export type ActionSafety = 'safe' | 'disruptive' | 'destructive'

/** What a step will change, shown before anything is applied. */
export interface Preview {
  kind: 'kubernetes' | 'helm' | 'sql' | 'file'
  /** One line: what and where. */
  summary: string
  /** The diff, statement or values, as a person reads it. */
  detail: string
}

export interface Verification {
  ok: boolean
  message: string
}

/** What undo needs, saved before the step runs; plain data, never a secret. */
export type Backup = Record<string, EvidenceValue>

/**
 * One step of a plan. Only the engine calls these: it asks, saves the backup, applies,
 * verifies and journals. `done` makes every step idempotent: a re-run (or a resume after an
 * interruption) skips what is already in the wanted state.
 */
export interface Action<Ctx> {
  id: string
  title: string
  safety: ActionSafety
  /** The resource a destructive step removes: what the user types back to confirm. */
  confirmName?: string
  /** An external program the step runs (checked before any step of the plan is applied). */
  runs?: 'helm'
  done(ctx: Ctx): Promise<boolean>
  preview(ctx: Ctx): Promise<Preview[]>
  backup(ctx: Ctx): Promise<Backup>
  apply(ctx: Ctx): Promise<void>
  verify(ctx: Ctx): Promise<Verification>
  /** Absent when going back is never wanted (a rollback out of a stuck release): undo says so and goes on. */
  undo?(ctx: Ctx, backup: Backup): Promise<void>
}

/** A plan: the actions in order, and the parameters that rebuild it (for undo from a journal). */
export interface Plan<Ctx> {
  id: string
  title: string
  params: Record<string, EvidenceValue>
  actions: Action<Ctx>[]
}
