import type {ClickHouseFleet} from '../gateways/clickhouse-fleet.js'
import {observedTopology} from '../signoz/topology.js'
import type {Check, Expectations, KubeContext, Requirement} from '../core/check.js'
import {buildReport, type Report} from '../core/report.js'
import {runChecks, type CheckResult} from '../core/runner.js'
import type {Thresholds} from '../core/thresholds.js'
import type {ConfigFile} from '../core/config.js'
import {applyPolicy} from '../core/policy.js'
import type {KubeItem} from '../gateways/kube.js'
import {podTrouble} from '../signoz/deployment.js'

export interface DoctorOptions {
  checks: readonly Check[]
  expect: Expectations
  thresholds: Thresholds
  concurrency: number
  checkTimeoutMs: number
  signal: AbortSignal
  version: string
  onResult?: (result: CheckResult) => void
  /** Severity overrides and exemptions from the config file. */
  policy?: Pick<ConfigFile, 'severity' | 'exempt'>
  /** The moment the run looks at (default: now; a bundle's collection time when replaying one). */
  now?: number
  /** The Kubernetes side, when doctor reached an API server. */
  kube?: {context: KubeContext; contextName: string; unavailable?: string}
}

/** Why ClickHouse checks cannot run, or undefined when at least one host answered; a host's pod in trouble is named by its state. */
function clickhouseUnavailable(fleet: ClickHouseFleet, pods: readonly KubeItem[]): string | undefined {
  if (fleet.hosts.length === 0) return 'no ClickHouse host to check'
  if (fleet.reachable().length > 0) return undefined
  const kinds = new Set(fleet.hosts.map((h) => h.error?.kind))
  if (kinds.size === 1 && kinds.has('auth')) return `ClickHouse rejected the credentials on every host (${fleet.hosts[0]!.error!.message})`
  const why = (h: ClickHouseFleet['hosts'][number]) => {
    const pod = pods.find((p) => p.metadata?.name === h.name)
    return (pod && podTrouble(pod)?.message) || `${h.target}: ${h.error?.message}`
  }
  return `no ClickHouse host answered (${fleet.hosts.map(why).join('; ')})`
}

function helmUnavailable(deployment: NonNullable<DoctorOptions['kube']>['context']['deployment']): string {
  const denied = deployment.snapshot.errors.secrets
  if (denied) return `cannot read the Helm release records: ${denied.message}`
  if (deployment.releases.length > 1)
    return `${deployment.releases.length} SigNoz releases in ${deployment.namespace} (${deployment.releases.map((r) => r.name).join(', ')}): pick one with --release`
  return `no SigNoz Helm release in namespace ${deployment.namespace}`
}

/** One doctor run over an opened fleet: preflight, checks, report. */
export async function runDoctor(fleet: ClickHouseFleet, options: DoctorOptions): Promise<Report> {
  const errors: string[] = []
  const available = new Map<Requirement, true | string>()
  const kube = options.kube
  const deployment = kube?.context.deployment
  available.set('kube', kube ? (kube.unavailable ?? true) : 'needs Kubernetes access (--kubeconfig)')
  // The subjects a run can lack (as opposed to access it was not given): no release, no host.
  const noRelease =
    kube && !kube.unavailable && !deployment?.release && !deployment?.snapshot.errors.secrets && deployment?.releases.length === 0
      ? helmUnavailable(deployment)
      : undefined
  const noHosts = fleet.hosts.length === 0 ? 'no ClickHouse host to check' : undefined
  available.set(
    'helm',
    !kube
      ? 'needs Kubernetes access to read the Helm release'
      : kube.unavailable
        ? kube.unavailable
        : deployment?.release
          ? true
          : helmUnavailable(deployment!),
  )
  available.set('hosts', noHosts ?? true)
  const chUnavailable = clickhouseUnavailable(fleet, deployment?.active?.pods ?? [])
  if (chUnavailable) {
    available.set('clickhouse', chUnavailable)
    // Hosts were there to check and none could be asked: the run is incomplete (CONTRACT exit 3),
    // whatever the Kubernetes side found.
    if (fleet.hosts.length > 0) errors.push(chUnavailable)
  } else {
    available.set('clickhouse', true)
  }
  if (kube?.unavailable && fleet.hosts.length === 0) errors.push(kube.unavailable)

  const ctx = {
    now: options.now ?? Date.now(),
    clickhouse: fleet,
    kube: kube && !kube.unavailable ? kube.context : undefined,
    expect: options.expect,
    thresholds: options.thresholds,
    signal: options.signal,
  }
  const [results, topology] = await Promise.all([
    runChecks(options.checks, ctx, {available, concurrency: options.concurrency, checkTimeoutMs: options.checkTimeoutMs, onResult: options.onResult}),
    chUnavailable ? undefined : observedTopology(fleet, options.expect.cluster, options.signal).catch(() => undefined),
  ])
  // Most checks found nothing to look at (no host, no release): not a health verdict, an incomplete run.
  const absent = new Set([noHosts, noRelease].filter((r): r is string => r !== undefined))
  const withoutSubject = results.filter((r) => r.status === 'skip' && r.reason && absent.has(r.reason)).length
  if (withoutSubject > results.length / 2) errors.push(`${withoutSubject} of ${results.length} checks had nothing to look at: ${[...absent].join('; ')}`)
  const first = fleet.reachable()[0]
  return buildReport(
    options.policy ? applyPolicy(results, options.policy) : results,
    {
      ...(kube ? {context: kube.contextName, namespace: deployment?.namespace, ...(deployment?.release ? {release: deployment.release.name} : {})} : {}),
      clickhouse: {
        version: first?.version ?? null,
        cluster: options.expect.cluster,
        shards: options.expect.shards ?? topology?.shards ?? null,
        replicasPerShard: options.expect.replicasPerShard ?? topology?.replicasPerShard ?? null,
        hosts: fleet.hosts.length,
      },
    },
    errors,
    options.version,
  )
}
