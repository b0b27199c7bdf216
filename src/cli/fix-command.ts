import {join} from 'node:path'
import type {ChalkInstance} from 'chalk'
import {parseDuration} from '../core/duration.js'
import {EXIT} from '../core/exit-codes.js'
import {IncompleteError, UsageError} from '../core/errors.js'
import {openClickHouseFleet} from '../gateways/factory.js'
import {Q} from '../gateways/queries.js'
import type {HelmTarget} from '../gateways/helm.js'
import {label, podReady, type Installation, type SignozDeployment} from '../signoz/deployment.js'
import {chooseActive, serviceOf, type InstallationEvidence} from '../signoz/duplicate.js'
import {SIGNOZ_DATABASES} from '../signoz/schema.js'
import {renderPlan} from '../render/plan.js'
import {pendingSteps, runPlan, undoRun, type RunOutcome} from '../remediation/engine.js'
import {duplicatePlan, type DuplicateParams, type FixContext} from '../remediation/duplicate-clickhouse.js'
import {confirmSteps} from '../remediation/guard.js'
import {Journal, journalDir} from '../remediation/journal.js'
import {doctorCommand} from './doctor-command.js'
import {forwardedEndpoints, openKubeTarget, releaseCredentials, type KubeFlags, type KubeTarget} from './kube-target.js'
import {interruptible, terminalConfirm} from './remediation-io.js'

export interface FixFlags extends KubeFlags {
  yes: boolean
  'dry-run': boolean
  'allow-destructive': boolean
  'delete-claims': boolean
  chart?: string
  'chart-version'?: string
  helm: string
  undo?: string
  wait: string
}

export interface FixIo {
  chalk: ChalkInstance
  /** Progress lines (stderr). */
  progress(line: string): void
  /** The report (stdout). */
  print(text: string): void
  json: boolean
}

/** The checks that say the duplicate is gone and data flows again. */
const VERIFY_CHECKS = ['kube/duplicate-clickhouse', 'kube/collector-clickhouse-target', 'kube/pods-pending', 'clickhouse/reachable', 'signoz/ingestion-fresh', 'helm/release-status']

function helmTarget(flags: FixFlags, target: KubeTarget, namespace: string): HelmTarget {
  return {binary: flags.helm, kubeconfig: flags.kubeconfig, context: flags.context ?? target.contextName, namespace}
}

/** Rows in the SigNoz databases over an installation's ready hosts (undefined: none could be read). */
async function rowsOf(target: KubeTarget, installation: Installation, credentials: {user?: string; password?: string}): Promise<number | undefined> {
  if (!installation.pods.some(podReady)) return undefined
  const endpoints = await forwardedEndpoints(target, credentials.user ?? 'default', credentials.password ?? '', installation)
  const fleet = await openClickHouseFleet(endpoints, 5000, AbortSignal.timeout(30_000))
  try {
    const results = await fleet.queryEach(Q.signozData, {databases: SIGNOZ_DATABASES})
    const answered = results.filter((r) => r.rows)
    if (answered.length === 0) return undefined
    return answered.reduce((sum, r) => sum + r.rows!.reduce((s, row) => s + Number(row.rows), 0), 0)
  } finally {
    await fleet.close()
  }
}

async function evidenceOf(target: KubeTarget, d: SignozDeployment): Promise<InstallationEvidence[]> {
  const credentials = await releaseCredentials(target)
  const claims = d.snapshot.items.persistentvolumeclaims ?? []
  return Promise.all(
    d.installations.map(async (i) => ({
      name: i.name,
      service: i.service,
      hosts: i.pods.length,
      readyHosts: i.readyPods,
      boundClaims: claims.filter((c) => label(c, 'clickhouse.altinity.com/chi') === i.name && (c.status as {phase?: string} | undefined)?.phase === 'Bound').length,
      rows: await rowsOf(target, i, credentials),
      helmRelease: i.helmRelease,
      namedByRelease: d.expectedInstallation === i.name,
      clients: d.clients.filter((c) => serviceOf(c.host) === i.service).map((c) => `${c.kind}/${c.name}`),
    })),
  )
}

/** Doctor's verdict on the fix, retried while ingestion resumes (up to the wait). */
async function verifyWithDoctor(flags: FixFlags, waitMs: number, io: FixIo): Promise<{ok: boolean; failing: string[]}> {
  const deadline = Date.now() + waitMs
  for (;;) {
    const {report} = await doctorCommand(
      {kubeconfig: flags.kubeconfig, context: flags.context, namespace: flags.namespace, release: flags.release, only: VERIFY_CHECKS, timeout: '30s', 'host-timeout': '5s', 'freshness-window': '60s', concurrency: 8, verbose: false},
      {format: 'json', chalk: io.chalk, version: ''},
    )
    const failing = report.results.filter((r) => r.status === 'fail' || r.status === 'error').map((r) => r.id)
    if (failing.length === 0 && report.status === 'ok') return {ok: true, failing}
    if (Date.now() > deadline) return {ok: false, failing}
    io.progress(`verify: waiting for ${failing.join(', ') || 'ClickHouse'}`)
    await new Promise((resolve) => setTimeout(resolve, 2000))
  }
}

function nextSteps(journal: Journal, outcome: RunOutcome): string[] {
  return [
    `journal: ${journal.path}`,
    ...(outcome.applied.length ? [`undo what was applied: signoz-ha fix duplicate-clickhouse --undo ${journal.id}`] : []),
    'resume: run the same command again (steps already done are skipped)',
  ]
}

/** `fix duplicate-clickhouse`: assess, plan, confirm, apply step by step, verify with doctor. */
export async function fixDuplicateCommand(flags: FixFlags, io: FixIo): Promise<number> {
  const waitMs = parseDuration(flags.wait, '--wait')
  const target = await openKubeTarget(flags)
  try {
    if (target.unavailable) throw new IncompleteError(`cannot read the cluster: ${target.unavailable}`)
    const d = target.context.deployment
    const ctx: FixContext = {kube: target.gateway, helm: helmTarget(flags, target, d.namespace), valuesDir: join(journalDir(), '..', 'values'), waitMs}

    if (flags.undo) {
      const journal = Journal.open(flags.undo)
      const planEntry = journal.entries().find((e) => e.event === 'plan')
      if (planEntry?.plan !== 'duplicate-clickhouse') throw new UsageError(`journal ${journal.id} is not a duplicate-clickhouse run`)
      const plan = duplicatePlan(planEntry.params as DuplicateParams)
      const applied = journal.entries().filter((e) => e.event === 'apply').map((e) => plan.actions.find((a) => a.id === e.step)!).filter(Boolean)
      io.progress(`undo ${journal.id}: ${applied.map((a) => a.title).reverse().join('; ') || 'nothing was applied'}`)
      if (flags['dry-run']) return EXIT.ok
      await confirmSteps(applied, terminalConfirm(flags))
      const reversed = await undoRun(plan, ctx, {journal, progress: io.progress})
      io.print(io.json ? JSON.stringify({journal: journal.id, undone: reversed}, null, 2) : `undone: ${reversed.length} step(s) of ${journal.id}`)
      return EXIT.ok
    }

    if (d.installations.length < 2) {
      const only = d.installations[0]?.name
      io.print(io.json ? JSON.stringify({status: 'no-op', installations: d.installations.map((i) => i.name)}) : `${only ? `one ClickHouse installation (${only})` : 'no ClickHouse installation'} in ${d.namespace}: nothing to fix`)
      return EXIT.ok
    }
    if (!d.release) throw new UsageError(`no SigNoz Helm release in ${d.namespace} to pin the installation name in`, 'give --release NAME')
    const evidence = await evidenceOf(target, d)
    const decision = chooseActive(evidence)
    if (!decision.ok) throw new IncompleteError(decision.reason)
    const unreadable = decision.duplicates.find((x) => x.readyHosts > 0 && x.rows === undefined)
    if (unreadable) throw new IncompleteError(`${unreadable.name} has ready hosts that could not be read: cannot prove it is empty, nothing changed`)
    const localChart = Boolean(flags.chart && (flags.chart.startsWith('.') || flags.chart.startsWith('/')))
    const params: DuplicateParams = {
      namespace: d.namespace,
      release: d.release.name,
      active: decision.active.name,
      activeService: decision.active.service,
      duplicates: decision.duplicates.map((x) => ({name: x.name, helmRelease: x.helmRelease ?? null})),
      clients: d.clients.filter((c) => c.kind === 'Deployment' || c.kind === 'StatefulSet').map((c) => ({kind: c.kind, name: c.name})),
      chart: flags.chart ?? 'signoz/signoz',
      chartVersion: flags['chart-version'] ?? (localChart ? null : d.release.chart.version),
      deleteClaims: flags['delete-claims'],
    }
    const plan = duplicatePlan(params)
    const pending = await pendingSteps(plan, ctx)
    const steps = await Promise.all(plan.actions.map(async (a) => ({action: a, pending: pending.includes(a), previews: pending.includes(a) ? await a.preview(ctx) : []})))
    if (!io.json) io.print(renderPlan({title: plan.title, reasons: decision.reasons, steps}, io.chalk))
    if (pending.length === 0) {
      io.print(io.json ? JSON.stringify({status: 'no-op', plan: plan.id}) : 'nothing to do: every step is already done')
      return EXIT.ok
    }
    if (flags['dry-run']) {
      if (io.json) io.print(JSON.stringify({status: 'dry-run', plan: plan.id, reasons: decision.reasons, steps: steps.map((s) => ({id: s.action.id, title: s.action.title, safety: s.action.safety, pending: s.pending, previews: s.previews}))}, null, 2))
      return EXIT.ok
    }
    await confirmSteps(pending, terminalConfirm(flags))

    const journal = Journal.create(plan.id)
    const signals = interruptible(io.progress)
    let outcome: RunOutcome
    try {
      outcome = await runPlan(plan, ctx, {journal, progress: io.progress, interrupted: signals.interrupted})
    } finally {
      signals.dispose()
    }
    if (outcome.status === 'failed' || outcome.status === 'interrupted') {
      io.print(io.json ? JSON.stringify({status: outcome.status, journal: journal.id, outcome}, null, 2) : [`${outcome.status}: ${outcome.message}`, ...nextSteps(journal, outcome)].join('\n'))
      return EXIT.incomplete
    }
    io.progress('verify: doctor on the fixed cluster')
    const verified = await verifyWithDoctor(flags, waitMs, io)
    journal.append({event: 'verify', step: 'doctor', ok: verified.ok, message: verified.ok ? 'doctor clean' : `failing: ${verified.failing.join(', ')}`})
    if (io.json) io.print(JSON.stringify({status: verified.ok ? 'fixed' : 'unverified', journal: journal.id, active: params.active, removed: params.duplicates.map((x) => x.name), outcome, verification: verified}, null, 2))
    else io.print([verified.ok ? `fixed: one installation (${params.active}), ingestion flowing, doctor clean` : `applied, but doctor still fails: ${verified.failing.join(', ')}`, ...nextSteps(journal, outcome)].join('\n'))
    return verified.ok ? EXIT.ok : EXIT.incomplete
  } finally {
    await target.gateway.close()
  }
}
