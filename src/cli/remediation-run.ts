import type {ChalkInstance} from 'chalk'
import {EXIT} from '../core/exit-codes.js'
import {UsageError} from '../core/errors.js'
import type {Report} from '../core/report.js'
import type {Plan} from '../remediation/action.js'
import {pendingSteps, runPlan, undoRun, type RunOutcome} from '../remediation/engine.js'
import {confirmSteps} from '../remediation/guard.js'
import {Journal} from '../remediation/journal.js'
import {renderPlan} from '../render/plan.js'
import {requireHelm} from '../gateways/helm.js'
import {interruptible, terminalConfirm} from './remediation-io.js'
import {acquireLease, type HeldLease, type LeaseApi} from '../remediation/lease.js'

export interface RemediationIo {
  chalk: ChalkInstance
  /** Progress lines (stderr). */
  progress(line: string): void
  /** The report (stdout). */
  print(text: string): void
  json: boolean
}

export interface GuardFlags {
  yes: boolean
  'dry-run': boolean
  'allow-destructive': boolean
}

export interface Verification {
  ok: boolean
  failing: string[]
}

/** doctor's checks, re-run until they pass or the wait is over (ingestion takes a moment to resume). */
export async function verifyChecks(
  doctor: (only: readonly string[]) => Promise<Report>,
  checks: readonly string[],
  waitMs: number,
  progress: (line: string) => void,
): Promise<Verification> {
  const deadline = Date.now() + waitMs
  for (;;) {
    const report = await doctor(checks)
    const failing = report.results.filter((r) => r.status === 'fail' || r.status === 'error').map((r) => r.id)
    if (failing.length === 0 && report.status === 'ok') return {ok: true, failing}
    if (Date.now() > deadline) return {ok: false, failing}
    progress(`verify: waiting for ${failing.join(', ') || 'ClickHouse'}`)
    await new Promise((resolve) => setTimeout(resolve, 2000))
  }
}

/** The part of a remediation context the runner reads: the Helm its steps run (and, where there is one, the release whose Lease the run holds). */
type WithHelm = {helm: {binary: string}; kube?: LeaseApi; namespace?: string; release?: string; lease?: {name: string; takenOverFrom?: string}}

/** How a run takes the release's Lease: what it is (for whom it refuses) and whether to take over a stale one. */
export interface LeaseFlags {
  command: string
  takeOver: boolean
}

/**
 * fn while holding the release's Lease (one remediation at a time): refused (exit 3) while another
 * run holds it; a context without a release or a Kubernetes API runs without one. The journal
 * says who held it.
 */
export async function holdingLease<Ctx extends WithHelm, T>(
  ctx: Ctx,
  lease: LeaseFlags | undefined,
  io: RemediationIo,
  fn: (held: HeldLease | undefined) => Promise<T>,
): Promise<T> {
  if (!lease || !ctx.kube || !ctx.namespace || !ctx.release) return fn(undefined)
  const held = await acquireLease(ctx.kube, {
    namespace: ctx.namespace,
    release: ctx.release,
    command: lease.command,
    takeOver: lease.takeOver,
    progress: io.progress,
  })
  if (held) {
    io.progress(`lease ${held.name}: held by this run`)
    ctx.lease = {name: held.name, ...(held.takenOverFrom ? {takenOverFrom: held.takenOverFrom} : {})}
  }
  try {
    return await fn(held)
  } finally {
    await held?.release()
  }
}

export interface ExecuteOptions<Ctx extends WithHelm> {
  plan: Plan<Ctx>
  ctx: Ctx
  /** Why this plan (evidence), printed above it. */
  reasons: string[]
  flags: GuardFlags
  io: RemediationIo
  /** The checks that must pass afterwards, and how long to wait for them. */
  verify: {checks: readonly string[]; doctor: (only: readonly string[]) => Promise<Report>; waitMs: number}
  /** The command that undoes a journalled run, given its id. */
  undoCommand(journalId: string): string
  /** What the report says when the checks pass afterwards. */
  fixedMessage: string
  /** Extra fields of the JSON answer. */
  json?: Record<string, unknown>
  /** The release's Lease this run takes before it changes anything. */
  lease?: LeaseFlags
}

function nextSteps<Ctx>(plan: Plan<Ctx>, journal: Journal, outcome: RunOutcome, undoCommand: (id: string) => string): string[] {
  const reversible = plan.actions.some((a) => a.undo && outcome.applied.includes(a.id))
  return [
    `journal: ${journal.path}`,
    ...(reversible ? [`undo what was applied: ${undoCommand(journal.id)}`] : []),
    'resume: run the same command again (steps already done are skipped)',
  ]
}

/**
 * The one way a plan is carried out: preview, confirm (exit 4 on refusal, before any change),
 * a journal, the engine step by step (Ctrl-C stops after the current step), then doctor's checks.
 * Exit 0 when they pass, 3 when a step failed, the run was interrupted or the checks still fail.
 */
export async function executePlan<Ctx extends WithHelm>(o: ExecuteOptions<Ctx>): Promise<number> {
  const {plan, ctx, io} = o
  // A program a step needs must be there before any step is even looked at.
  if (plan.actions.some((a) => a.runs === 'helm')) requireHelm(ctx.helm.binary)
  const pending = await pendingSteps(plan, ctx)
  const steps = await Promise.all(
    plan.actions.map(async (a) => ({action: a, pending: pending.includes(a), previews: pending.includes(a) ? await a.preview(ctx) : []})),
  )
  if (!io.json) io.print(renderPlan({title: plan.title, reasons: o.reasons, steps}, io.chalk))
  if (pending.length === 0) {
    io.print(io.json ? JSON.stringify({status: 'no-op', plan: plan.id, ...o.json}) : 'nothing to do: every step is already done')
    return EXIT.ok
  }
  if (o.flags['dry-run']) {
    if (io.json)
      io.print(
        JSON.stringify(
          {
            status: 'dry-run',
            plan: plan.id,
            reasons: o.reasons,
            ...o.json,
            steps: steps.map((s) => ({id: s.action.id, title: s.action.title, safety: s.action.safety, pending: s.pending, previews: s.previews})),
          },
          null,
          2,
        ),
      )
    return EXIT.ok
  }
  await confirmSteps(pending, terminalConfirm(o.flags))
  return holdingLease(ctx, o.lease, io, (held) => applyPlan(o, held))
}

async function applyPlan<Ctx extends WithHelm>(o: ExecuteOptions<Ctx>, held: HeldLease | undefined): Promise<number> {
  const {plan, ctx, io} = o
  const journal = Journal.create(plan.id)
  const signals = interruptible(io.progress)
  let outcome: RunOutcome
  try {
    outcome = await runPlan(plan, ctx, {
      journal,
      progress: io.progress,
      interrupted: signals.interrupted,
      lease: held ? {name: held.name, holder: held.holder} : undefined,
    })
  } finally {
    signals.dispose()
  }
  if (outcome.status === 'failed' || outcome.status === 'interrupted') {
    io.print(
      io.json
        ? JSON.stringify({status: outcome.status, journal: journal.id, outcome}, null, 2)
        : [`${outcome.status}: ${outcome.message}`, ...nextSteps(plan, journal, outcome, o.undoCommand)].join('\n'),
    )
    return EXIT.incomplete
  }
  io.progress(`verify: ${o.verify.checks.join(', ')}`)
  const verified = await verifyChecks(o.verify.doctor, o.verify.checks, o.verify.waitMs, io.progress)
  journal.append({event: 'verify', step: 'doctor', ok: verified.ok, message: verified.ok ? 'doctor clean' : `failing: ${verified.failing.join(', ')}`})
  if (io.json)
    io.print(JSON.stringify({status: verified.ok ? 'fixed' : 'unverified', journal: journal.id, ...o.json, outcome, verification: verified}, null, 2))
  else
    io.print(
      [
        verified.ok ? o.fixedMessage : `applied, but doctor still fails: ${verified.failing.join(', ')}`,
        ...nextSteps(plan, journal, outcome, o.undoCommand),
      ].join('\n'),
    )
  return verified.ok ? EXIT.ok : EXIT.incomplete
}

/**
 * Reverses what a journalled run applied, last first, from the backups saved before each step.
 * rebuild turns the journal's plan entry back into the plan (its parameters were journalled).
 */
export async function undoJournal<Ctx extends WithHelm>(
  journalId: string,
  rebuild: (planId: string, params: Record<string, unknown>) => Plan<Ctx> | undefined,
  ctx: Ctx,
  flags: GuardFlags,
  io: RemediationIo,
  lease?: LeaseFlags,
): Promise<number> {
  const journal = Journal.open(journalId)
  const entry = journal.entries().find((e) => e.event === 'plan')
  const plan = entry ? rebuild(String(entry.plan), (entry.params ?? {}) as Record<string, unknown>) : undefined
  if (!plan) throw new UsageError(`journal ${journal.id} is a ${String(entry?.plan ?? 'unknown')} run, which this command does not undo`)
  const applied = journal
    .entries()
    .filter((e) => e.event === 'apply')
    .map((e) => plan.actions.find((a) => a.id === e.step))
    .filter((a) => a !== undefined)
  io.progress(
    `undo ${journal.id}: ${
      applied
        .map((a) => a.title)
        .reverse()
        .join('; ') || 'nothing was applied'
    }`,
  )
  if (flags['dry-run']) return EXIT.ok
  if (applied.some((a) => a.runs === 'helm')) requireHelm(ctx.helm.binary)
  await confirmSteps(applied, terminalConfirm(flags))
  const reversed = await holdingLease(ctx, lease, io, async (held) => {
    if (held) journal.append({event: 'lease', step: 'lease', lease: held.name, holder: held.holder})
    return undoRun(plan, ctx, {journal, progress: io.progress})
  })
  io.print(io.json ? JSON.stringify({journal: journal.id, undone: reversed}, null, 2) : `undone: ${reversed.length} step(s) of ${journal.id}`)
  return EXIT.ok
}
