import type {KubeItem} from '../gateways/kube.js'
import {latestReleases, mergeValues, valueAt, type HelmReleaseRecord} from './helm-release.js'
import type {KubeSnapshot} from './kube-snapshot.js'
import {clickhouseFullname} from './naming.js'

/** One ClickHouse installation (CHI) in the namespace, with what the cluster says about it. */
export interface Installation {
  name: string
  cluster: string
  shards: number
  replicasPerShard: number
  /** The CHI-level Service the components connect to. */
  service: string
  status: string
  pods: KubeItem[]
  readyPods: number
  /** The Helm release that manages it, from Helm's ownership annotation. */
  helmRelease?: string
  zookeeperNodes: {host: string; port?: number}[]
  item: KubeItem
}

/** A workload that connects to ClickHouse (collector, signoz, migrator) and where it points. */
export interface ClickHouseClient {
  kind: string
  name: string
  component: string
  host: string
  user?: EnvSource
  password?: EnvSource
  /** CLICKHOUSE_CLUSTER: the cluster its DDL and distributed reads name. */
  cluster?: EnvSource
}
export type EnvSource = {value: string} | {secret: string; key: string}

/** The SigNoz deployment in one namespace, as one snapshot shows it. */
export interface SignozDeployment {
  namespace: string
  snapshot: KubeSnapshot
  /** The latest revision of the SigNoz release, when it could be read. */
  release?: HelmReleaseRecord
  /** Every SigNoz release found in the namespace (there should be one). */
  releases: HelmReleaseRecord[]
  /** Effective values of the release: chart defaults with the user's values over them. */
  values: Record<string, unknown>
  /** The installation name the release's values produce. */
  expectedInstallation?: string
  installations: Installation[]
  /** The installation that serves: most ready hosts, then the one the release names. */
  active?: Installation
  clients: ClickHouseClient[]
}

export const label = (item: KubeItem, key: string): string | undefined => item.metadata?.labels?.[key]

/** A container of a workload's pod template, as far as checks and actions read it. */
export type TemplateContainer = {name: string; image?: string; env?: {name: string; value?: string; valueFrom?: {secretKeyRef?: {name: string; key: string}}}[]}

/** The containers of a Deployment's, StatefulSet's or Job's pod template. */
export const templateContainers = (workload: KubeItem | undefined): TemplateContainer[] =>
  (workload?.spec as {template?: {spec?: {containers?: TemplateContainer[]}}} | undefined)?.template?.spec?.containers ?? []

/** The events about one object, oldest first. */
export const eventsFor = (events: readonly KubeItem[], name: string | undefined): KubeItem[] =>
  events.filter((e) => (e.involvedObject as {name?: string} | undefined)?.name === name)
export const podReady = (pod: KubeItem): boolean =>
  Boolean((pod.status?.conditions as {type: string; status: string}[] | undefined)?.some((c) => c.type === 'Ready' && c.status === 'True'))

export const isSignozRelease = (r: HelmReleaseRecord) => r.chart.name === 'signoz'

type ContainerStatus = {
  name: string
  ready?: boolean
  restartCount?: number
  state?: {waiting?: {reason?: string; message?: string}; terminated?: {reason?: string; exitCode?: number}}
  lastState?: {terminated?: {reason?: string; exitCode?: number}}
}

/**
 * What the cluster says of a pod that is not Running and Ready: its phase, each unready
 * container's waiting or terminated reason (and message), restarts and last exit. Undefined for a
 * pod that is Running and Ready.
 */
export function podTrouble(pod: KubeItem): {message: string; evidence: Record<string, string | number | boolean | null>} | undefined {
  const status = (pod.status ?? {}) as {
    phase?: string
    reason?: string
    message?: string
    conditions?: {type: string; status: string; reason?: string; message?: string}[]
    containerStatuses?: ContainerStatus[]
  }
  const phase = pod.metadata?.deletionTimestamp ? 'Terminating' : (status.phase ?? 'Pending')
  if (phase === 'Running' && podReady(pod)) return undefined
  const parts: string[] = [`pod ${pod.metadata?.name} is ${phase}${phase === 'Running' ? ' but not ready' : ''}`]
  const scheduled = status.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False')
  if (scheduled) parts.push(`not scheduled: ${scheduled.reason ?? ''}${scheduled.message ? ` (${scheduled.message})` : ''}`)
  if (status.reason) parts.push(`${status.reason}${status.message ? `: ${status.message}` : ''}`)
  const unready = (status.containerStatuses ?? []).filter((c) => !c.ready)
  for (const c of unready) {
    const state = c.state?.waiting
      ? `${c.state.waiting.reason ?? 'waiting'}${c.state.waiting.message ? ` (${c.state.waiting.message})` : ''}`
      : c.state?.terminated
        ? `terminated: ${c.state.terminated.reason ?? ''} exit ${c.state.terminated.exitCode ?? '?'}`
        : 'running, not ready'
    const last = c.lastState?.terminated
    parts.push(
      `container ${c.name} ${state}, ${c.restartCount ?? 0} restart${c.restartCount === 1 ? '' : 's'}${last ? `, last exit ${last.exitCode} (${last.reason ?? 'Error'})` : ''}`,
    )
  }
  const first = unready[0]
  return {
    message: parts.join('; '),
    evidence: {
      pod: pod.metadata?.name ?? null,
      phase,
      ready: false,
      waiting: first?.state?.waiting?.reason ?? null,
      restarts: first?.restartCount ?? null,
      lastExitCode: first?.lastState?.terminated?.exitCode ?? null,
    },
  }
}

function installationOf(item: KubeItem, pods: readonly KubeItem[]): Installation {
  const spec = (item.spec ?? {}) as {
    configuration?: {
      clusters?: {name?: string; layout?: {shardsCount?: number; replicasCount?: number}}[]
      zookeeper?: {nodes?: {host: string; port?: number}[]}
    }
    templates?: {serviceTemplates?: {name?: string; generateName?: string}[]}
    defaults?: {templates?: {serviceTemplate?: string}}
  }
  const name = item.metadata?.name ?? ''
  const cluster = spec.configuration?.clusters?.[0]
  const serviceTemplate =
    spec.templates?.serviceTemplates?.find((t) => t.name === spec.defaults?.templates?.serviceTemplate) ?? spec.templates?.serviceTemplates?.[0]
  const own = pods
    .filter((p) => label(p, 'clickhouse.altinity.com/chi') === name)
    .sort((a, b) => String(a.metadata?.name).localeCompare(String(b.metadata?.name)))
  return {
    name,
    cluster: cluster?.name ?? 'cluster',
    shards: cluster?.layout?.shardsCount ?? 1,
    replicasPerShard: cluster?.layout?.replicasCount ?? 1,
    service: serviceTemplate?.generateName ?? `clickhouse-${name}`,
    status: String((item.status as {status?: string} | undefined)?.status ?? 'unknown'),
    pods: own,
    readyPods: own.filter(podReady).length,
    helmRelease: item.metadata?.annotations?.['meta.helm.sh/release-name'],
    zookeeperNodes: spec.configuration?.zookeeper?.nodes ?? [],
    item,
  }
}

function envSource(
  env: {name: string; value?: string; valueFrom?: {secretKeyRef?: {name: string; key: string}}}[] | undefined,
  name: string,
): EnvSource | undefined {
  const e = env?.find((v) => v.name === name)
  if (!e) return undefined
  if (e.valueFrom?.secretKeyRef) return {secret: e.valueFrom.secretKeyRef.name, key: e.valueFrom.secretKeyRef.key}
  return e.value !== undefined ? {value: e.value} : undefined
}

/** Workloads whose containers carry CLICKHOUSE_HOST: the chart's collectors and signoz. */
function clickhouseClients(snapshot: KubeSnapshot): ClickHouseClient[] {
  const clients: ClickHouseClient[] = []
  const workloads = [
    ...(snapshot.items.deployments ?? []).map((w) => ['Deployment', w] as const),
    ...(snapshot.items.statefulsets ?? []).map((w) => ['StatefulSet', w] as const),
  ]
  for (const [kind, w] of workloads) {
    for (const c of templateContainers(w)) {
      const host = envSource(c.env, 'CLICKHOUSE_HOST')
      if (!host || !('value' in host)) continue
      clients.push({
        kind,
        name: w.metadata?.name ?? '',
        component: label(w, 'app.kubernetes.io/component') ?? '',
        host: host.value,
        user: envSource(c.env, 'CLICKHOUSE_USER'),
        password: envSource(c.env, 'CLICKHOUSE_PASSWORD'),
        cluster: envSource(c.env, 'CLICKHOUSE_CLUSTER'),
      })
      break
    }
  }
  return clients
}

/** Reads the SigNoz deployment out of a snapshot; releaseName picks one when several exist. */
export function readDeployment(snapshot: KubeSnapshot, releaseName?: string): SignozDeployment {
  const releases = latestReleases(snapshot.items.secrets ?? []).filter(isSignozRelease)
  const release = releaseName ? releases.find((r) => r.name === releaseName) : releases.length === 1 ? releases[0] : undefined
  const values = release ? mergeValues(release.chartValues, release.config) : {}
  const pods = snapshot.items.pods ?? []
  const installations = (snapshot.items.clickhouseinstallations ?? []).map((chi) => installationOf(chi, pods))
  const expectedInstallation = release
    ? clickhouseFullname(release.name, (valueAt(values, 'clickhouse.fullnameOverride') as string | undefined) || undefined)
    : undefined
  const active = [...installations].sort(
    (a, b) => b.readyPods - a.readyPods || Number(b.name === expectedInstallation) - Number(a.name === expectedInstallation),
  )[0]
  return {namespace: snapshot.namespace, snapshot, release, releases, values, expectedInstallation, installations, active, clients: clickhouseClients(snapshot)}
}
