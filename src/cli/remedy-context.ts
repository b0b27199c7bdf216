import {join} from 'node:path'
import {parseDuration} from '../core/duration.js'
import {openClickHouseFleet} from '../gateways/factory.js'
import type {HttpClickHouseFleet} from '../gateways/clickhouse-fleet.js'
import {STORAGE_Q} from '../signoz/storage-queries.js'
import {journalDir} from '../remediation/journal.js'
import type {RemedyContext} from '../remediation/context.js'
import {podReady, readDeployment} from '../signoz/deployment.js'
import {takeSnapshot} from '../signoz/kube-snapshot.js'
import {SIGNOZ_DATABASES} from '../signoz/schema.js'
import {doctorReport, doctorSetup, type DoctorFlags} from './doctor-command.js'
import {RUN_BOUNDS} from './kube-flags.js'
import {withSession} from './session.js'
import {forwardedEndpoints, openKubeTarget, releaseCredentials, type KubeFlags} from './kube-target.js'
import type {KubeTarget} from '../core/check.js'
import {IncompleteError} from '../core/errors.js'

/** The flags every command that changes the cluster shares. */
export interface RemedyFlags extends KubeFlags {
  chart?: string
  'chart-version'?: string
  helm: string
  wait: string
  /** The config file doctor's thresholds come from (verification uses the same). */
  config?: string
  /** Take the release's remediation Lease from a run that stopped renewing it. */
  'take-over-lease'?: boolean
}

export interface OpenRemedyContext extends RemedyContext {
  close(): Promise<void>
}

/**
 * The context remediation acts through, for the release the target found: Helm with the user's
 * kubeconfig and context, doctor's checks on the same namespace and release, and the serving
 * installation's hosts through port-forwards with the release's own credentials.
 */
export async function openRemedyContext(flags: RemedyFlags, target: KubeTarget): Promise<OpenRemedyContext> {
  const d = target.context.deployment
  const credentials = await releaseCredentials(target)
  const user = credentials.user ?? 'default'
  const password = credentials.password ?? ''
  const localChart = Boolean(flags.chart && (flags.chart.startsWith('.') || flags.chart.startsWith('/')))
  const fleets: Promise<HttpClickHouseFleet>[] = []
  let serving: Promise<HttpClickHouseFleet> | undefined
  const open = (installation = target.context.deployment.active) => {
    const fleet = forwardedEndpoints(target, {user, password}, installation).then((endpoints) =>
      openClickHouseFleet(endpoints, 5000, AbortSignal.timeout(60_000)),
    )
    fleets.push(fleet)
    return fleet
  }
  const deployment = async () => readDeployment(await takeSnapshot(target.gateway, d.namespace), d.release?.name)
  return {
    kube: target.gateway,
    helm: {binary: flags.helm, kubeconfig: flags.kubeconfig, context: flags.context ?? target.contextName, namespace: d.namespace},
    valuesDir: join(journalDir(), '..', 'values'),
    waitMs: parseDuration(flags.wait, '--wait'),
    namespace: d.namespace,
    release: d.release?.name,
    chart: flags.chart ?? 'signoz/signoz',
    chartVersion: flags['chart-version'] ?? (localChart ? null : (d.release?.chart.version ?? null)),
    deployment,
    async doctor(only, overrides = {}) {
      // The cluster changes under a remediation (pods restarted, an installation replaced): each
      // diagnosis and verification reads it afresh, in a session of its own with doctor's defaults.
      const diagnosis: DoctorFlags = {
        kubeconfig: flags.kubeconfig,
        context: flags.context,
        'in-cluster': flags['in-cluster'],
        namespace: d.namespace,
        release: d.release?.name,
        config: flags.config,
        only: [...only],
        'freshness-window': overrides.freshnessWindow,
        timeout: RUN_BOUNDS.timeout,
        'host-timeout': RUN_BOUNDS.hostTimeout,
        concurrency: 64,
        verbose: false,
      }
      const setup = doctorSetup(diagnosis)
      return withSession(diagnosis, async (session) => (await doctorReport(session, setup, diagnosis, '')).report)
    },
    clickhouse() {
      serving ??= open()
      return serving
    },
    async rowsIn(name) {
      const installation = (await deployment()).installations.find((i) => i.name === name)
      if (!installation?.pods.some(podReady)) return undefined
      const fleet = await open(installation)
      const answered = (await fleet.queryEach(STORAGE_Q.signozData, {databases: SIGNOZ_DATABASES})).filter((r) => r.rows)
      if (answered.length === 0) return undefined
      return answered.reduce((sum, r) => sum + r.rows!.reduce((s, row) => s + Number(row.rows), 0), 0)
    },
    async close() {
      await Promise.all(fleets.map((f) => f.then((fleet) => fleet.close()).catch(() => undefined)))
    },
  }
}

/**
 * The session of a command that changes the cluster (fix, runbook run, upgrade): the Kubernetes
 * target (required: a remediation acts through the API), its remedy context, and both closed in
 * one place whatever fn does (the context's ClickHouse fleets, then the Kubernetes connections).
 */
export async function withRemedySession<T>(flags: RemedyFlags, fn: (ctx: OpenRemedyContext, target: KubeTarget) => Promise<T>): Promise<T> {
  const target = await openKubeTarget(flags)
  try {
    if (target.unavailable) throw new IncompleteError(`cannot read the cluster: ${target.unavailable}`)
    const ctx = await openRemedyContext(flags, target)
    try {
      return await fn(ctx, target)
    } finally {
      await ctx.close()
    }
  } finally {
    await target.gateway.close()
  }
}
