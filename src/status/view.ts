import type {HostProbe, HostResult} from '../gateways/clickhouse-fleet.js'
import type {Thresholds} from '../core/thresholds.js'
import type {KubeItem} from '../gateways/kube.js'
import {label, podReady, templateContainers, type SignozDeployment} from '../signoz/deployment.js'
import {imageTag} from '../signoz/versions.js'
import {shardOf} from '../core/host-results.js'

/**
 * signoz-ha status: what the deployment looks like right now, one screen. Built here from what was
 * read (the snapshot, per-host answers, Keeper's four-letter words) by pure functions; collecting
 * is status/collect.ts, printing render/status.ts.
 */
export const STATUS_SCHEMA_VERSION = 1 as const

export interface ReleaseStatus {
  name: string
  revision: number
  status: string
  chart: string
  appVersion: string | null
  lastDeployed: string | null
}

export interface InstallationStatus {
  name: string
  status: string
  cluster: string
  layout: string
  operatorVersion: string | null
  service: {name: string; exists: boolean; readyEndpoints: number; notReadyEndpoints: number}
  /** Managed by the release (Helm's ownership annotation), or another installation. */
  managedBy: string | null
}

export interface HostStatus {
  shard: string
  replica: string
  pod: string
  /** Running, Pending, CrashLoopBackOff, Terminating…; null without Kubernetes. */
  phase: string | null
  ready: boolean | null
  restarts: number | null
  ageSeconds: number | null
  node: string | null
  zone: string | null
  /** The ClickHouse columns: null where the host did not answer (and error says why). */
  version: string | null
  uptimeSeconds: number | null
  readonlyTables: number | null
  /** Replicated tables on the host (0: it needs no Keeper). */
  replicatedTables: number | null
  replicationQueue: number | null
  maxDelaySeconds: number | null
  busiestPartitionParts: number | null
  diskUsedPercent: number | null
  /** connected, expired, or lost (the Keeper session of the host); null when not asked. */
  keeperSession: string | null
  error: string | null
}

export interface KeeperMemberStatus {
  pod: string
  phase: string | null
  ready: boolean | null
  /** leader, follower, standalone; null where the four-letter words did not answer. */
  mode: string | null
  znodes: number | null
  outstandingRequests: number | null
  avgLatencyMs: number | null
  error: string | null
}

export interface IngestionStatus {
  windowSeconds: number
  signals: {
    signal: string
    shards: {shard: string; rowsInWindow: number | null; rowsPerSecond: number | null; newestAt: string | null; error: string | null}[]
  }[]
  collectors: {
    name: string
    kind: string
    ready: number
    desired: number
    writesTo: string
    targetExists: boolean | null
    targetReadyEndpoints: number | null
  }[]
}

export interface StatusView {
  schemaVersion: 1
  kind: 'status'
  tool: {name: 'signoz-ha'; version: string}
  collectedAt: string
  /** Set when read from a support bundle. */
  bundle?: string
  target: {context: string | null; namespace: string | null; release: string | null}
  release: ReleaseStatus | null
  installation: InstallationStatus | null
  /** Other installations in the namespace (a second one is the duplicate-installation failure). */
  otherInstallations: {name: string; status: string; pods: number; readyPods: number}[]
  hosts: HostStatus[]
  keeper: {members: KeeperMemberStatus[]; nodes: string[]}
  ingestion: IngestionStatus
  problems: string[]
  /** Why a part could not be read (the API refused a kind, no host answered). */
  gaps: string[]
}

/** The answers status collects, by part; each a fleet result list (host answers or errors). */
export interface StatusInputs {
  now: number
  version: string
  contextName?: string
  deployment?: SignozDeployment
  /** Why the Kubernetes side could not be read, when it could not. */
  kubeUnavailable?: string
  hosts: readonly HostProbe[]
  uptime: HostResult<{uptime: number}>[]
  replicas: HostResult<{is_readonly: number; queue_size: number; absolute_delay: number}>[]
  parts: HostResult<{active_parts: number}>[]
  disks: HostResult<{free_bytes: number; total_bytes: number}>[]
  keeperRoot: HostResult<{children: number}>[]
  keeperConnection: HostResult<{is_expired: number}>[]
  freshness: HostResult<{signal: string; rows: number; age: number | null}>[]
  windowSeconds: number
  /** doctor's thresholds, as the configuration and flags set them: status names a problem where doctor would. */
  thresholds: Pick<Thresholds, 'replicaDelaySeconds' | 'diskFreePercent' | 'partsPerPartition'>
  /** Each Keeper member pod's `mntr` answer, or why there is none. */
  keeperWords: Map<string, {text?: string; error?: string}>
  signals: readonly string[]
}

const num = (v: unknown): number => Number(v ?? 0)
const byHost = <R>(results: readonly HostResult<R>[]) => new Map(results.map((r) => [r.host.target, r]))

type PodStatus = {
  phase?: string
  startTime?: string
  containerStatuses?: {restartCount?: number; ready?: boolean; state?: {waiting?: {reason?: string}; terminated?: {reason?: string}}}[]
}

/** A pod's state as kubectl get pods says it: the waiting or terminated reason wins over the phase. */
export function podPhase(pod: KubeItem): string {
  if (pod.metadata?.deletionTimestamp) return 'Terminating'
  const status = (pod.status ?? {}) as PodStatus
  for (const c of status.containerStatuses ?? []) {
    const reason = c.state?.waiting?.reason ?? c.state?.terminated?.reason
    if (reason && !c.ready) return reason
  }
  return status.phase ?? 'Pending'
}

const restartsOf = (pod: KubeItem) => ((pod.status as PodStatus | undefined)?.containerStatuses ?? []).reduce((n, c) => n + num(c.restartCount), 0)
const ageOf = (pod: KubeItem, now: number) => {
  const created = Date.parse(String(pod.metadata?.creationTimestamp ?? ''))
  return Number.isFinite(created) ? Math.max(0, Math.round((now - created) / 1000)) : null
}

function releaseStatus(d: SignozDeployment): ReleaseStatus | null {
  const r = d.release
  if (!r) return null
  return {
    name: r.name,
    revision: r.version,
    status: r.status,
    chart: `${r.chart.name}-${r.chart.version}`,
    appVersion: r.chart.appVersion ?? null,
    lastDeployed: r.lastDeployed ?? null,
  }
}

function operatorVersion(d: SignozDeployment): string | null {
  const op = (d.snapshot.items.deployments ?? []).find(
    (w) => label(w, 'app.kubernetes.io/component') === 'operator' || /clickhouse-operator/.test(w.metadata?.name ?? ''),
  )
  const image = templateContainers(op)
    .map((c) => c.image ?? '')
    .find((i) => i.includes('clickhouse-operator'))
  return (image && imageTag(image)) || null
}

function endpointCounts(d: SignozDeployment, service: string): {ready: number; notReady: number} {
  const ep = (d.snapshot.items.endpoints ?? []).find((e) => e.metadata?.name === service)
  const subsets = (ep?.subsets as {addresses?: unknown[]; notReadyAddresses?: unknown[]}[] | undefined) ?? []
  return {ready: subsets.reduce((n, s) => n + (s.addresses?.length ?? 0), 0), notReady: subsets.reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0)}
}

function installationStatus(d: SignozDeployment): InstallationStatus | null {
  const a = d.active
  if (!a) return null
  const exists = (d.snapshot.items.services ?? []).some((s) => s.metadata?.name === a.service)
  const ep = endpointCounts(d, a.service)
  return {
    name: a.name,
    status: a.status,
    cluster: a.cluster,
    layout: `${a.shards}×${a.replicasPerShard}`,
    operatorVersion: operatorVersion(d),
    service: {name: a.service, exists, readyEndpoints: ep.ready, notReadyEndpoints: ep.notReady},
    managedBy: a.helmRelease ?? null,
  }
}

/** The host's Keeper session: the connection table where the server has it, else whether Keeper answers. */
function keeperSession(root?: HostResult<{children: number}>, connection?: HostResult<{is_expired: number}>): string | null {
  if (connection?.rows && connection.rows.length > 0) return connection.rows.some((r) => num(r.is_expired) === 0) ? 'connected' : 'expired'
  if (!root) return null
  if (root.rows) return 'connected'
  if (root.error.kind === 'unsupported') return /no Keeper configured/.test(root.error.message) ? 'not configured' : null
  return 'lost'
}

function hostRows(inputs: StatusInputs): HostStatus[] {
  const d = inputs.deployment
  // A host is its pod through a port-forward (target); given by URL, its replica macro is the
  // operator's host name, the pod's name without the StatefulSet ordinal.
  const probeOf = (name: string) => inputs.hosts.find((h) => h.target === name) ?? inputs.hosts.find((h) => h.name === name || `${h.name}-0` === name)
  const zoneOf = new Map((d?.snapshot.items.nodes ?? []).map((n) => [n.metadata?.name, label(n, 'topology.kubernetes.io/zone') ?? null]))
  const [uptime, replicas, parts, disks, root, connection] = [
    inputs.uptime,
    inputs.replicas,
    inputs.parts,
    inputs.disks,
    inputs.keeperRoot,
    inputs.keeperConnection,
  ].map((r) => byHost(r as HostResult<unknown>[]))
  const pods = d?.active?.pods ?? []
  // Every host of the installation by its pod, then hosts given by URL that no pod stands for.
  const podNames = new Set(pods.map((p) => p.metadata?.name ?? ''))
  const names = [
    ...podNames,
    ...inputs.hosts.filter((h) => !podNames.has(h.target) && !podNames.has(h.name) && !podNames.has(`${h.name}-0`)).map((h) => h.target),
  ]
  return names
    .map((name) => {
      const pod = pods.find((p) => p.metadata?.name === name)
      const probe = probeOf(name)
      const answered = probe?.reachable ? probe : undefined
      const rows = <R>(m: Map<string, HostResult<unknown>>) => (answered ? (m.get(answered.target) as HostResult<R> | undefined)?.rows : undefined)
      const rep = rows<{is_readonly: number; queue_size: number; absolute_delay: number}>(replicas)
      const disk = rows<{free_bytes: number; total_bytes: number}>(disks)
      const total = disk?.reduce((n, r) => n + num(r.total_bytes), 0) ?? 0
      const free = disk?.reduce((n, r) => n + num(r.free_bytes), 0) ?? 0
      const part = rows<{active_parts: number}>(parts)
      const up = rows<{uptime: number}>(uptime)
      return {
        shard: (pod && label(pod, 'clickhouse.altinity.com/shard')) ?? probe?.macros.shard ?? '?',
        replica: (pod && label(pod, 'clickhouse.altinity.com/replica')) ?? probe?.macros.replica ?? name,
        pod: pod ? name : (probe?.name ?? name),
        phase: pod ? podPhase(pod) : null,
        ready: pod ? podReady(pod) : null,
        restarts: pod ? restartsOf(pod) : null,
        ageSeconds: pod ? ageOf(pod, inputs.now) : null,
        node: (pod?.spec?.nodeName as string | undefined) ?? null,
        zone: zoneOf.get(pod?.spec?.nodeName as string | undefined) ?? null,
        version: answered?.version ?? null,
        uptimeSeconds: up?.[0] ? num(up[0].uptime) : null,
        readonlyTables: rep ? rep.filter((r) => num(r.is_readonly) === 1).length : null,
        replicatedTables: rep ? rep.length : null,
        replicationQueue: rep ? rep.reduce((n, r) => n + num(r.queue_size), 0) : null,
        // A read-only replica's delay is not lag (older servers report it since the epoch).
        maxDelaySeconds: rep ? rep.filter((r) => num(r.is_readonly) === 0).reduce((n, r) => Math.max(n, num(r.absolute_delay)), 0) : null,
        busiestPartitionParts: part ? part.reduce((n, r) => Math.max(n, num(r.active_parts)), 0) : null,
        diskUsedPercent: disk && total > 0 ? Math.round((1000 * (total - free)) / total) / 10 : null,
        keeperSession: answered ? keeperSession(root.get(answered.target) as never, connection.get(answered.target) as never) : null,
        error: probe ? (probe.reachable ? null : (probe.error?.message ?? 'did not answer')) : 'no port-forward to this pod',
      }
    })
    .sort(
      (a, b) =>
        a.shard.localeCompare(b.shard, undefined, {numeric: true}) ||
        a.replica.localeCompare(b.replica, undefined, {numeric: true}) ||
        a.pod.localeCompare(b.pod),
    )
}

/** mntr's answer as fields (zk_server_state leader, zk_znode_count 42…). */
export function parseMntr(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter((parts) => parts.length >= 2 && parts[0]!.startsWith('zk_'))
      .map(([key, ...value]) => [key!, value.join(' ')]),
  )
}

export const keeperPods = (d: SignozDeployment | undefined): KubeItem[] =>
  (d?.snapshot.items.pods ?? [])
    .filter(
      (p) =>
        label(p, 'app.kubernetes.io/component') === 'zookeeper' ||
        label(p, 'app.kubernetes.io/name') === 'zookeeper' ||
        label(p, 'app.kubernetes.io/name') === 'clickhouse-keeper',
    )
    .sort((a, b) => String(a.metadata?.name).localeCompare(String(b.metadata?.name)))

function keeperMembers(inputs: StatusInputs): KeeperMemberStatus[] {
  return keeperPods(inputs.deployment).map((pod) => {
    const name = pod.metadata?.name ?? ''
    const word = inputs.keeperWords.get(name)
    const fields = word?.text ? parseMntr(word.text) : {}
    const known = Object.keys(fields).length > 0
    const n = (key: string) => (fields[key] === undefined ? null : Number(fields[key]))
    return {
      pod: name,
      phase: podPhase(pod),
      ready: podReady(pod),
      mode: fields.zk_server_state ?? null,
      znodes: n('zk_znode_count'),
      outstandingRequests: n('zk_outstanding_requests'),
      avgLatencyMs: fields.zk_avg_latency === undefined ? null : Math.round(Number(fields.zk_avg_latency) * 10) / 10,
      error: known ? null : (word?.error ?? (word?.text ? `mntr: ${word.text.trim().slice(0, 120)}` : 'not asked')),
    }
  })
}

function ingestion(inputs: StatusInputs): IngestionStatus {
  const d = inputs.deployment
  const signals = inputs.signals.map((signal) => {
    const shards = new Map<string, {rows: number | null; age: number | null; error: string | null}>()
    for (const r of inputs.freshness) {
      const shard = shardOf(r.host)
      const entry = shards.get(shard) ?? {rows: null, age: null, error: null}
      if (r.rows) {
        const row = r.rows.find((x) => x.signal === signal)
        // Replicas of a shard hold the same rows: the most any replica has.
        entry.rows = Math.max(entry.rows ?? 0, num(row?.rows))
        if (row?.age !== null && row?.age !== undefined) entry.age = entry.age === null ? num(row.age) : Math.min(entry.age, num(row.age))
        entry.error = null
      } else if (entry.rows === null) entry.error = r.error.message
      shards.set(shard, entry)
    }
    return {
      signal,
      shards: [...shards]
        .sort(([a], [b]) => a.localeCompare(b, undefined, {numeric: true}))
        .map(([shard, e]) => ({
          shard,
          rowsInWindow: e.rows,
          rowsPerSecond: e.rows === null ? null : Number((e.rows / inputs.windowSeconds).toPrecision(2)),
          newestAt: e.age === null ? null : new Date(inputs.now - e.age * 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
          error: e.error,
        })),
    }
  })
  const services = new Set((d?.snapshot.items.services ?? []).map((s) => s.metadata?.name))
  const workloads = [...(d?.snapshot.items.deployments ?? []), ...(d?.snapshot.items.statefulsets ?? [])]
  const collectors = (d?.clients ?? [])
    .filter((c) => /collector/.test(c.component) || /collector/.test(c.name))
    .map((c) => {
      const w = workloads.find((x) => x.metadata?.name === c.name)
      const [service, namespace = d!.namespace] = c.host.split('.')
      return {
        name: c.name,
        kind: c.kind,
        ready: num((w?.status as {readyReplicas?: number} | undefined)?.readyReplicas),
        desired: num((w?.spec as {replicas?: number} | undefined)?.replicas ?? 1),
        writesTo: c.host,
        // Only a Service of this namespace can be checked from its snapshot.
        targetExists: namespace === d!.namespace ? services.has(service!) : null,
        targetReadyEndpoints: namespace === d!.namespace && services.has(service!) ? endpointCounts(d!, service!).ready : null,
      }
    })
  return {windowSeconds: inputs.windowSeconds, signals, collectors}
}

const ago = (seconds: number) => (seconds < 120 ? `${seconds}s` : seconds < 7200 ? `${Math.round(seconds / 60)}m` : `${Math.round(seconds / 3600)}h`)

/** One line per thing that is not as it should be, most urgent first. */
function problems(view: Omit<StatusView, 'problems'>, inputs: StatusInputs): string[] {
  const out: string[] = []
  if (view.release && view.release.status !== 'deployed') out.push(`release ${view.release.name} revision ${view.release.revision} is ${view.release.status}`)
  if (view.otherInstallations.length > 0)
    out.push(
      `${view.otherInstallations.length + 1} ClickHouse installations in ${view.target.namespace}: ${[view.installation?.name, ...view.otherInstallations.map((o) => o.name)].join(', ')}`,
    )
  const inst = view.installation
  if (inst && !inst.service.exists) out.push(`Service ${inst.service.name} does not exist`)
  else if (inst && inst.service.readyEndpoints === 0) out.push(`Service ${inst.service.name} has no ready endpoint`)
  if (inst && !['Completed', 'unknown'].includes(inst.status)) out.push(`installation ${inst.name} is ${inst.status}`)
  if (view.hosts.length === 0)
    out.push(`no ClickHouse host found${view.target.namespace ? ` in ${view.target.namespace}` : ''}: nothing of ClickHouse was checked`)
  for (const h of view.hosts) {
    if (h.error) out.push(`${h.pod}: ${h.phase && h.phase !== 'Running' ? `${h.phase}; ` : ''}ClickHouse does not answer (${h.error})`)
    else if (h.ready === false) out.push(`${h.pod}: pod not ready (${h.phase})`)
    if (h.readonlyTables) out.push(`${h.pod}: ${h.readonlyTables} read-only table(s)`)
    // A host with no replicated table needs no Keeper (one replica per shard).
    if (h.keeperSession && h.keeperSession !== 'connected' && !(h.keeperSession === 'not configured' && h.replicatedTables === 0))
      out.push(`${h.pod}: Keeper session ${h.keeperSession}`)
    const t = inputs.thresholds
    if ((h.maxDelaySeconds ?? 0) > t.replicaDelaySeconds) out.push(`${h.pod}: replica ${ago(h.maxDelaySeconds!)} behind (${h.replicationQueue} queued)`)
    if ((h.diskUsedPercent ?? 0) > 100 - t.diskFreePercent) out.push(`${h.pod}: disk ${h.diskUsedPercent}% used`)
    if ((h.busiestPartitionParts ?? 0) >= t.partsPerPartition) out.push(`${h.pod}: ${h.busiestPartitionParts} active parts in one partition`)
  }
  for (const m of view.keeper.members) if (m.ready === false) out.push(`${m.pod}: Keeper member not ready (${m.phase})`)
  for (const c of view.ingestion.collectors) {
    if (c.ready < c.desired) out.push(`${c.kind}/${c.name}: ${c.ready}/${c.desired} ready`)
    if (c.targetExists === false) out.push(`${c.kind}/${c.name} writes to ${c.writesTo}, which does not exist`)
    else if (c.targetReadyEndpoints === 0) out.push(`${c.kind}/${c.name} writes to ${c.writesTo}, which has no ready endpoint`)
  }
  for (const s of view.ingestion.signals) {
    for (const sh of s.shards) {
      if (sh.rowsInWindow === 0 && sh.newestAt)
        out.push(`no new ${s.signal} on shard ${sh.shard} for ${ago(Math.round((inputs.now - Date.parse(sh.newestAt)) / 1000))}`)
    }
  }
  return out
}

export function buildStatus(inputs: StatusInputs): StatusView {
  const d = inputs.deployment
  const gaps: string[] = []
  if (inputs.kubeUnavailable) gaps.push(`Kubernetes: ${inputs.kubeUnavailable}`)
  for (const [kind, error] of Object.entries(d?.snapshot.errors ?? {})) gaps.push(`${kind}: ${error.message}`)
  if (inputs.hosts.length > 0 && inputs.hosts.every((h) => !h.reachable)) gaps.push('no ClickHouse host answered')
  const view = {
    schemaVersion: STATUS_SCHEMA_VERSION,
    kind: 'status' as const,
    tool: {name: 'signoz-ha' as const, version: inputs.version},
    collectedAt: new Date(inputs.now).toISOString().replace(/\.\d+Z$/, 'Z'),
    target: {context: inputs.contextName ?? null, namespace: d?.namespace ?? null, release: d?.release?.name ?? null},
    release: d ? releaseStatus(d) : null,
    installation: d ? installationStatus(d) : null,
    otherInstallations: (d?.installations ?? [])
      .filter((i) => i !== d?.active)
      .map((i) => ({name: i.name, status: i.status, pods: i.pods.length, readyPods: i.readyPods})),
    hosts: hostRows(inputs),
    keeper: {members: keeperMembers(inputs), nodes: (d?.active?.zookeeperNodes ?? []).map((n) => `${n.host}:${n.port ?? 2181}`)},
    ingestion: ingestion(inputs),
    gaps,
  }
  return {...view, problems: problems(view, inputs)}
}
