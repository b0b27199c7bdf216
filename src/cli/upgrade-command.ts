import {existsSync} from 'node:fs'
import {parseDuration} from '../core/duration.js'
import {EXIT} from '../core/exit-codes.js'
import {IncompleteError, UsageError} from '../core/errors.js'
import {runPlan, type RunOutcome} from '../remediation/engine.js'
import {waitUntil} from '../remediation/context.js'
import {confirmSteps} from '../remediation/guard.js'
import {Journal} from '../remediation/journal.js'
import {recoverPending, releaseHistory, type HelmRevision} from '../remediation/actions/helm.js'
import type {RemedyContext} from '../remediation/context.js'
import {GatewayError} from '../gateways/errors.js'
import {helmSaysServerTrouble, requireHelm, reuseValuesFlag} from '../gateways/helm.js'
import {phase} from '../render/progress.js'
import {renderGates, renderUpgradePlan} from '../render/upgrade.js'
import {AFTER_ROLLBACK_CHECKS, POSTFLIGHT_CHECKS, PREFLIGHT_CHECKS, UPGRADE_GATES, runGates, type GateResult} from '../upgrade/gates.js'
import {hasChanges, planUpgrade, type UpgradePlan} from '../upgrade/plan.js'
import {deployedRelease, renderUpgrade, type UpgradeRequest} from '../upgrade/release.js'
import {failingStep, migratorSteps} from '../signoz/migrator-pod.js'
import {helmUpgradeAction, type UpgradeContext} from '../upgrade/run.js'
import {askOnTerminal, interruptible, terminalConfirm} from './remediation-io.js'
import {holdingLease, verifyChecks, type GuardFlags, type RemediationIo} from './remediation-run.js'
import {withRemedySession, type RemedyFlags} from './remedy-context.js'

export interface UpgradeFlags extends RemedyFlags, GuardFlags {
  version?: string
  values?: string[]
  set?: string[]
  'reset-values': boolean
  /** The whole upgrade with a possible rollback: Helm gets two thirds, a rollback the rest. */
  timeout: string
  plan: boolean
  'detailed-exitcode': boolean
  'skip-gate'?: string[]
  'rollback-on-failure': boolean
  'backup-confirmed': boolean
  'take-over-lease'?: boolean
}

/**
 * `upgrade --safe`: gates, a plan in ClickHouse terms, the real helm upgrade through the
 * remediation engine (confirmation, journal, Ctrl-C handled), postflight on data, rollback.
 * Exit: 0 upgraded (or nothing to do); 2 usage; 3 a gate or the upgrade failed, not rolled back;
 * 4 not confirmed; 5 failed and rolled back; with --plan --detailed-exitcode 5 = changes pending.
 */
export async function upgradeCommand(flags: UpgradeFlags, io: RemediationIo & {tty: boolean}): Promise<number> {
  const unknown = (flags['skip-gate'] ?? []).filter((g) => !UPGRADE_GATES.some((x) => x.id === g))
  if (unknown.length) throw new UsageError(`unknown gate ${unknown.join(', ')}`, `gates: ${UPGRADE_GATES.map((g) => g.id).join(', ')}`)
  for (const f of flags.values ?? []) if (!existsSync(f)) throw new UsageError(`values file ${f} does not exist`)
  const budgetMs = parseDuration(flags.timeout, '--timeout')
  if (budgetMs < 90_000) throw new UsageError('--timeout must leave room for the upgrade and a rollback: at least 90s')
  const helmTimeoutMs = Math.round((budgetMs * 2) / 3)
  const rollbackTimeoutMs = budgetMs - helmTimeoutMs
  requireHelm(flags.helm)
  return withRemedySession(flags, async (base, target) => {
    const d = target.context.deployment
    if (!d.release) throw new UsageError(`no SigNoz Helm release in ${d.namespace} to upgrade`, 'give -n NAMESPACE and --release NAME')
    if (!flags.plan && !flags['dry-run']) await recoverKilledUpgrade(base, flags, io, d.release.name)
    const signals = interruptible(io.progress)
    const ctx: UpgradeContext = {...base, interrupt: signals.signal, report: io.progress}
    try {
      const request: UpgradeRequest = {
        release: d.release.name,
        chart: base.chart,
        version: flags.version,
        values: flags.values ?? [],
        set: flags.set ?? [],
        reuseValues: !flags['reset-values'],
        reuseFlag: await reuseValuesFlag(base.helm),
        timeout: `${Math.round(helmTimeoutMs / 1000)}s`,
      }
      const {live, next, gates, plan} = await phase(
        'Preflight: read the release, render the upgrade, check the cluster, run the gates',
        async (report) => {
          report('rendering the upgrade (helm upgrade --dry-run)')
          const [live, next] = await Promise.all([
            deployedRelease(ctx, request.release),
            renderUpgrade(ctx, request).catch((error: unknown) => Promise.reject(renderFailure(error))),
          ])
          report(`doctor: ${PREFLIGHT_CHECKS.join(', ')}`)
          const health = await ctx.doctor(PREFLIGHT_CHECKS)
          const plan = planUpgrade(live, next)
          const gates = await runGates(
            {remedy: ctx, deployment: d, request, live, next, plan, health, backupConfirmed: flags['backup-confirmed'], now: new Date()},
            flags['skip-gate'] ?? [],
          )
          return {live, next, gates, plan}
        },
        {tty: io.tty},
      )
      const failedGates = gates.filter((g) => g.status === 'fail' || g.status === 'error')
      const migratorJob = next.hooks.find((h) => h.object.kind === 'Job')?.object.metadata.name
      const actionFrom = (fromRevision: number) => helmUpgradeAction({request, fromRevision, migratorJob, timeoutMs: helmTimeoutMs + 30_000, rollbackTimeoutMs})
      // The postflight of a run (this one, or a killed one it finishes): the run's journal and the revision it upgraded from.
      const postflightOf = (journal: Journal, fromRevision: number) =>
        postflight({
          ctx,
          flags,
          io,
          journal,
          action: actionFrom(fromRevision),
          revision: fromRevision,
          interrupted: signals.interrupted,
          gates,
          plan,
          migratorJob,
        })
      // A run killed after its upgrade failed, before its rollback was journalled: the rollback is what is left of it.
      const unfinished = !flags.plan && !flags['dry-run'] ? rollbackOwed(request.release, ctx.namespace, await releaseHistory(ctx, request.release)) : undefined
      if (unfinished) {
        return await holdingLease(ctx, upgradeLease(flags), io, async () => {
          io.progress(
            `journal ${unfinished.journal}: ${unfinished.failure}, and the run stopped before its rollback was done${unfinished.helmRolledBack ? ` (Helm had rolled back to revision ${unfinished.fromRevision}; verifying it now)` : '; rolling back now'}`,
          )
          return rollBack({
            ctx,
            flags,
            io,
            journal: Journal.open(unfinished.journal),
            action: actionFrom(unfinished.fromRevision),
            revision: unfinished.fromRevision,
            failure: unfinished.failure,
            interrupted: signals.interrupted(),
            gates,
            plan,
            migratorJob,
            helmRolledBack: unfinished.helmRolledBack,
          })
        })
      }
      // A run killed after Helm upgraded but before its postflight said anything: the release
      // already renders the request, so what is left of that run is its postflight (and rollback).
      const owed = !flags.plan && !flags['dry-run'] && !hasChanges(plan) ? postflightOwed(request.release, ctx.namespace, live.revision) : undefined
      if (owed) {
        return await holdingLease(ctx, upgradeLease(flags), io, async () => {
          io.progress(
            `journal ${owed.journal}: Helm upgraded ${request.release} to revision ${live.revision} but the run stopped before its postflight; running the postflight now`,
          )
          return postflightOf(Journal.open(owed.journal), owed.fromRevision)
        })
      }
      if (io.json && (flags.plan || failedGates.length || !hasChanges(plan) || flags['dry-run'])) {
        io.print(
          JSON.stringify(
            {status: flags.plan || flags['dry-run'] ? 'plan' : failedGates.length ? 'gate-failed' : 'no-op', release: request.release, gates, plan},
            null,
            2,
          ),
        )
      } else if (!io.json) {
        io.print(`${renderGates(gates, io.chalk)}\n\n${renderUpgradePlan(plan, io.chalk)}`)
      }
      if (flags.plan) return flags['detailed-exitcode'] && hasChanges(plan) ? EXIT.rolledBack : EXIT.ok
      if (!hasChanges(plan)) {
        if (!io.json) io.print('nothing to upgrade: the release already renders this')
        return EXIT.ok
      }
      if (failedGates.length) {
        if (!io.json) io.print(`refused: ${failedGates.map((g) => g.id).join(', ')} failed; nothing was changed (--skip-gate ID overrides one, at your risk)`)
        return EXIT.incomplete
      }
      if (flags['dry-run']) return EXIT.ok
      const action = actionFrom(live.revision)
      await confirmSteps([action], terminalConfirm(flags))
      return await holdingLease(ctx, upgradeLease(flags), io, async (held) => {
        const journal = Journal.create('upgrade')
        // The journal keeps the request; a --set of a secret key is written as {name, value} so redaction sees the name.
        const plannedRun = {
          id: 'upgrade',
          title: action.title,
          params: {
            request: {...request, set: request.set.map((s) => ({name: s.split('=')[0]!, value: s.slice(s.indexOf('=') + 1)}))},
            namespace: ctx.namespace,
            fromRevision: live.revision,
            gates: gates.map((g) => `${g.id}:${g.status}`),
          },
          actions: [action],
        }
        const outcome = await runUpgradePhase(
          action.title,
          (report) =>
            runPlan(
              plannedRun,
              {...ctx, report},
              {journal, progress: report, interrupted: signals.interrupted, lease: held ? {name: held.name, holder: held.holder} : undefined},
            ),
          io.tty,
        )
        const failure: string | undefined = outcome.status === 'failed' || outcome.status === 'interrupted' ? outcome.message : undefined
        if (failure)
          return await rollBack({
            ctx,
            flags,
            io,
            journal,
            action,
            revision: live.revision,
            failure,
            interrupted: signals.interrupted(),
            gates,
            plan,
            migratorJob,
          })
        return postflightOf(journal, live.revision)
      })
    } finally {
      signals.dispose()
    }
  })
}

/** The release's remediation Lease as an upgrade asks for it. */
const upgradeLease = (flags: UpgradeFlags) => ({command: 'upgrade --safe', takeOver: flags['take-over-lease'] ?? false})

/** After Helm upgraded: the postflight on data, journalled; clean, the upgrade is done, else the rollback. */
async function postflight(o: {
  ctx: UpgradeContext
  flags: UpgradeFlags
  io: RemediationIo & {tty: boolean}
  journal: Journal
  action: ReturnType<typeof helmUpgradeAction>
  revision: number
  interrupted: () => boolean
  gates: GateResult[]
  plan: UpgradePlan
  migratorJob?: string
}): Promise<number> {
  const {ctx, io, journal} = o
  const verified = await phase(
    `Postflight: ${POSTFLIGHT_CHECKS.length} checks, fresh rows on every shard`,
    (report) => verifyChecks((only) => ctx.doctor(only, {freshnessWindow: '60s'}), POSTFLIGHT_CHECKS, ctx.waitMs, report),
    {tty: io.tty},
  )
  journal.append({
    event: 'verify',
    step: 'postflight',
    ok: verified.ok,
    message: verified.ok ? 'postflight clean' : `failing: ${verified.failing.join(', ')}`,
  })
  if (verified.ok) {
    io.print(
      io.json
        ? JSON.stringify({status: 'upgraded', journal: journal.id, gates: o.gates, plan: o.plan}, null, 2)
        : `upgraded: ${ctx.release} is deployed on chart ${o.plan.to.chartVersion}; postflight clean\njournal: ${journal.path}`,
    )
    return EXIT.ok
  }
  const failure = `postflight failed: ${verified.failing.join(', ')}`
  return rollBack({...o, failure, interrupted: o.interrupted()})
}

/**
 * The last upgrade of this release, when Helm's step finished but the run stopped before its
 * postflight gave a verdict (no postflight entry, no rollback) and the release still runs what it
 * made: that run's journal and the revision it upgraded from.
 */
function postflightOwed(release: string, namespace: string, liveRevision: number): {journal: string; fromRevision: number} | undefined {
  const last = lastUpgradeJournal(release, namespace)
  if (!last) return undefined
  const params = last.entries.find((e) => e.event === 'plan')!.params as {fromRevision?: number}
  const upgraded =
    last.entries.some((e) => e.event === 'verify' && e.step === 'helm-upgrade' && e.ok === true) && last.entries.some((e) => e.event === 'finished')
  const judged = last.entries.some(
    (e) => (e.event === 'verify' && e.step === 'postflight') || e.event === 'undo' || e.event === 'undone' || e.event === 'interrupted',
  )
  if (!upgraded || judged || typeof params.fromRevision !== 'number' || liveRevision <= params.fromRevision) return undefined
  return {journal: last.id, fromRevision: params.fromRevision}
}

/**
 * The last upgrade of this release, when it failed (Helm's step, or the postflight after it) and
 * the run stopped (kill -9) before its rollback was journalled: that run's journal, the revision it
 * upgraded from and why it failed. helmRolledBack: Helm's rollback to that revision had finished
 * (the latest revision is it), only its verification is left. Nothing is owed once the release
 * moved on in another way, or when the failed run changed nothing.
 */
export function rollbackOwed(
  release: string,
  namespace: string,
  history: readonly HelmRevision[],
): {journal: string; fromRevision: number; failure: string; helmRolledBack: boolean} | undefined {
  const last = lastUpgradeJournal(release, namespace)
  if (!last) return undefined
  const fromRevision = (last.entries.find((e) => e.event === 'plan')!.params as {fromRevision?: number}).fromRevision
  const helmFailed = last.entries.find((e) => e.event === 'failed' && e.step === 'helm-upgrade')
  const postflightFailed = last.entries.find((e) => e.event === 'verify' && e.step === 'postflight' && e.ok === false)
  // Rolled back, or the run decided not to (no --rollback-on-failure), or it changed nothing.
  const settled = last.entries.some(
    (e) =>
      e.event === 'undo' || e.event === 'undone' || (e.event === 'skip' && e.step === 'rollback') || (e.event === 'interrupted' && e.step === 'helm-upgrade'),
  )
  if (typeof fromRevision !== 'number' || settled || !(helmFailed || postflightFailed)) return undefined
  const failure = postflightFailed ? `postflight ${String(postflightFailed.message)}` : `helm upgrade failed: ${String(helmFailed!.error)}`
  const latest = history.at(-1)
  if (!latest) return undefined
  // The run's own revision is still the latest: the rollback is to be done.
  if (latest.revision === fromRevision + 1) return {journal: last.id, fromRevision, failure, helmRolledBack: false}
  // Helm's rollback, the one revision after it, finished: what is left is to verify it.
  if (latest.revision === fromRevision + 2 && latest.status === 'deployed' && latest.description === `Rollback to ${fromRevision}`)
    return {journal: last.id, fromRevision, failure, helmRolledBack: true}
  return undefined
}

/** The journal of the last upgrade of this release in this namespace, with its entries. */
function lastUpgradeJournal(release: string, namespace: string) {
  return Journal.list()
    .filter((r) => r.plan === 'upgrade')
    .map((r) => ({id: r.id, entries: Journal.open(r.id).entries()}))
    .filter(({entries}) => {
      const params = entries.find((e) => e.event === 'plan')?.params as {request?: {release?: string}; namespace?: string} | undefined
      return params?.request?.release === release && (params.namespace ?? namespace) === namespace
    })
    .at(-1)
}

/** The upgrade step as a progress phase: shown failed when the engine's run failed, its outcome returned either way. */
async function runUpgradePhase(title: string, run: (report: (line: string) => void) => Promise<RunOutcome>, tty: boolean): Promise<RunOutcome> {
  let outcome: RunOutcome | undefined
  try {
    await phase(
      `Upgrade: ${title}`,
      async (report) => {
        outcome = await run(report)
        if (outcome.status === 'failed' || outcome.status === 'interrupted') throw new Error(outcome.message)
      },
      {tty},
    )
  } catch (error) {
    outcome ??= {status: 'failed', applied: [], skipped: [], message: error instanceof Error ? error.message : String(error)}
  }
  return outcome!
}

/**
 * The failed revision's migrator Job outlives the rollback (its hook belongs to the upgrade): its
 * log goes to the journal, then the Job goes, so Helm can restore the revision's own and doctor
 * judges the release that runs now.
 */
async function clearFailedMigrator(ctx: UpgradeContext, name: string, journal: Journal, report: (line: string) => void): Promise<void> {
  const ref = {apiVersion: 'batch/v1', kind: 'Job', name, namespace: ctx.namespace}
  const job = await ctx.kube.getObject(ref)
  const failed = ((job?.status as {conditions?: {type: string; status: string}[]} | undefined)?.conditions ?? []).some(
    (c) => c.type === 'Failed' && c.status === 'True',
  )
  const pods = await ctx.kube.list('pods', ctx.namespace, `job-name=${name}`).catch(() => [])
  const pod = pods.at(-1)
  // Under OnFailure a failing step restarts in place: the Job is not Failed yet, but it has failed.
  const steps = pod ? migratorSteps(pod) : []
  if (!failed && !failingStep(steps)) return
  const logs: Record<string, string[]> = {}
  for (const step of steps.filter((s) => s.state !== 'waiting' || s.restarts > 0)) {
    const log = await ctx.kube
      .podLog(ctx.namespace, pod!.metadata!.name!, 20, step.container, {previous: step.state === 'waiting' && step.hasPrevious})
      .catch(() => '')
    logs[step.container] = log.trim().split('\n').slice(-20)
  }
  journal.append({event: 'undo', step: 'migrator-job', job: name, logs})
  report(`removing the failed migrator Job ${name} of the failed revision (its log is in the journal)`)
  await ctx.kube.deleteObject(ref)
  await waitUntil(30_000, async () => (await ctx.kube.getObject(ref)) === undefined)
}

/**
 * After a failed upgrade or postflight: back to the revision deployed before, automatically with
 * --rollback-on-failure or after Ctrl-C, else when a person says so; verified; exit 5. Without
 * a rollback, exit 3 with the command that does it.
 */
async function rollBack(o: {
  ctx: UpgradeContext
  flags: UpgradeFlags
  io: RemediationIo & {tty: boolean}
  journal: Journal
  action: ReturnType<typeof helmUpgradeAction>
  revision: number
  failure: string
  interrupted: boolean
  gates: GateResult[]
  plan: UpgradePlan
  migratorJob?: string
  /** A killed run's Helm rollback finished before the run could journal it: verify, do not roll back twice. */
  helmRolledBack?: boolean
}): Promise<number> {
  const {ctx, io, journal} = o
  const command = `helm -n ${ctx.namespace} rollback ${ctx.release} ${o.revision}`
  const latest = (await releaseHistory(ctx, ctx.release!)).at(-1)
  if (!o.helmRolledBack && latest && latest.revision <= o.revision && latest.status === 'deployed') {
    // Helm stopped before it wrote a revision: the release is as it was.
    journal.append({event: 'interrupted', step: 'helm-upgrade', message: 'Helm stopped before changing the release'})
    io.print(
      io.json
        ? JSON.stringify({status: o.interrupted ? 'aborted' : 'failed', failure: o.failure, journal: journal.id, revision: latest.revision}, null, 2)
        : `${o.interrupted ? 'aborted' : 'failed'}: ${o.failure}; nothing was changed: revision ${latest.revision} is still deployed\njournal: ${journal.path}`,
    )
    return o.interrupted ? EXIT.aborted : EXIT.incomplete
  }
  const wanted =
    o.helmRolledBack ||
    o.flags['rollback-on-failure'] ||
    o.interrupted ||
    (io.tty && !o.flags.yes && /^y(es)?$/i.test((await askOnTerminal(`${o.failure}. Roll back to revision ${o.revision}? [y/N] `)).trim()))
  if (!wanted) {
    journal.append({event: 'skip', step: 'rollback', reason: 'not asked for (--rollback-on-failure)'})
    io.print(
      io.json
        ? JSON.stringify({status: 'failed', failure: o.failure, journal: journal.id, rollback: command}, null, 2)
        : `failed: ${o.failure}\nnot rolled back: ${command} (or re-run with --rollback-on-failure)\njournal: ${journal.path}`,
    )
    return EXIT.incomplete
  }
  const done = await phase(
    `Rollback to revision ${o.revision}`,
    async (report) => {
      report(command)
      if (!o.helmRolledBack) {
        // First the failed revision's migrator Job: it would block Helm from restoring the revision's own.
        if (o.migratorJob) await clearFailedMigrator(ctx, o.migratorJob, journal, report)
        await o.action.undo!(ctx, {revision: o.revision})
      }
      journal.append({event: 'undo', step: 'helm-upgrade', revision: o.revision, reason: o.failure})
      const verified = await verifyChecks(ctx.doctor, AFTER_ROLLBACK_CHECKS, ctx.waitMs, report)
      journal.append({event: 'undone', steps: ['helm-upgrade'], verified: verified.ok})
      return verified
    },
    {tty: io.tty},
  ).catch((error: Error) => ({ok: false, failing: [error.message]}))
  if (io.json)
    io.print(
      JSON.stringify(
        {status: done.ok ? 'rolled-back' : 'rollback-failed', failure: o.failure, revision: o.revision, journal: journal.id, gates: o.gates, plan: o.plan},
        null,
        2,
      ),
    )
  else
    io.print(
      done.ok
        ? `rolled back: ${o.failure}; the release is deployed again from revision ${o.revision}\njournal: ${journal.path}`
        : `rollback did not verify (${done.failing.join(', ')}): ${command}\njournal: ${journal.path}`,
    )
  return done.ok ? EXIT.rolledBack : EXIT.incomplete
}

/** A render that failed on the values or the chart is the user's to fix (exit 2); one the API server failed is not (exit 3). */
function renderFailure(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error)
  if (/another operation \(install\/upgrade\/rollback\) is in progress/.test(message)) {
    return new IncompleteError(
      `${message}: the release is pending (a Helm operation runs, or one was killed)`,
      'if none runs: signoz-ha runbook run helm-release-stuck; a signoz-ha upgrade killed on this machine is recovered by running it again',
    )
  }
  return helmSaysServerTrouble(message) ? new GatewayError('server', message, 'the API server') : new UsageError(message)
}

/**
 * An upgrade killed mid-way (kill -9, a laptop closed) leaves the release pending-upgrade, and
 * Helm refuses every later upgrade, its dry-run included (helm#4558). Run again, the upgrade takes
 * the dead run's Lease over and deletes the pending record (recoverPending), so it starts from the
 * last deployed revision; a release pending without such a run is refused by the render, naming the way out.
 */
async function recoverKilledUpgrade(ctx: RemedyContext, flags: UpgradeFlags, io: RemediationIo, release: string): Promise<void> {
  const latest = (await releaseHistory(ctx, release)).at(-1)
  if (!latest?.status.startsWith('pending-')) return
  await holdingLease(ctx, upgradeLease(flags), io, async (held) => {
    if (!held?.takenOverFrom) return
    const left = await recoverPending(ctx, release)
    if (left)
      io.progress(
        `release ${release} was ${left.status} at revision ${left.revision}, left by ${held.takenOverFrom}: that record deleted, the last deployed revision is the release again`,
      )
  })
}
