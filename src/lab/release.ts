import {labConnection} from './connections.js'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {parse} from 'yaml'
import {join} from 'node:path'
import {UsageError} from '../core/errors.js'
import {runHelm, type HelmTarget} from '../gateways/helm.js'
import {labHelmBinary} from './helm-binary.js'
import {resolveExecutable} from '../util/executables.js'
import {LabKubeClient} from './kube/admin-client.js'
import {packageRoot} from './package-root.js'
import {GiveUp, waitFor} from './processes.js'
import {kubeconfigPath, type LabChart, type LabState} from './state.js'

/** The lab chart in the repository (the real chart's structure and value keys). */
export const labChartPath = (): string => join(packageRoot(), 'src', 'lab', 'chart', 'signoz')

/** The chart the lab's release runs: the one lab up --chart gave, else the stand-in chart. */
export const releaseChartPath = (state: LabState): string => state.chart?.path ?? labChartPath()

/**
 * What Helm reads of a chart (a .tgz or a directory): its name, version and app version, and the
 * ClickHouse image its values ask for. A path Helm cannot read as a chart is a usage error.
 */
export async function readChart(path: string, helm: HelmTarget): Promise<LabChart> {
  if (!existsSync(path)) throw new UsageError(`--chart ${path} does not exist`)
  const [chart, values] = await Promise.all([runHelm(helm, ['show', 'chart', path], 30_000), runHelm(helm, ['show', 'values', path], 30_000)])
  if (chart.code !== 0) throw new UsageError(`--chart ${path} is not a Helm chart: ${chart.stderr.trim().split('\n').pop()}`)
  const meta = (parse(chart.stdout) ?? {}) as {name?: string; version?: string; appVersion?: string}
  if (meta.name !== 'signoz') throw new UsageError(`--chart ${path} is the chart "${meta.name}", not SigNoz's (signoz)`)
  const image = ((parse(values.stdout) ?? {}) as {clickhouse?: {image?: {registry?: string; repository?: string; tag?: string}}}).clickhouse?.image
  return {
    path,
    name: meta.name,
    version: String(meta.version),
    ...(meta.appVersion ? {appVersion: String(meta.appVersion)} : {}),
    ...(image?.repository ? {clickhouseImage: `${image.registry ? `${image.registry}/` : ''}${image.repository}:${image.tag ?? 'latest'}`} : {}),
  }
}

export const labValuesPath = (dir: string): string => join(dir, 'values.yaml')
/** A user's values (lab up --values), installed over the lab's own. */
export const userValuesPath = (dir: string): string => join(dir, 'user-values.yaml')
const essentialsPath = (dir: string): string => join(dir, 'lab-essentials.yaml')

/**
 * The values the lab installs with: a production-shaped HA release (the public SigNoz chart), with
 * the installation name pinned, one ClickHouse host per node, three ZooKeeper members with a
 * disruption budget, and the migrator's replication matching the lab.
 */
export function labValues(state: LabState, serverVersion: string): Record<string, unknown> {
  return {
    clickhouse: {
      fullnameOverride: state.chi,
      // The version the lab's servers really run, so the installation declares what it serves.
      image: {tag: serverVersion},
      cluster: state.cluster,
      user: state.user,
      password: state.password,
      layout: {shardsCount: state.shards, replicasCount: state.replicasPerShard},
      podDistribution: [{type: 'ClickHouseAntiAffinity', topologyKey: 'kubernetes.io/hostname'}],
      // Replicas of a shard land in different zones: hosts are spread over zones in order.
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: 'topology.kubernetes.io/zone',
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: {matchLabels: {'clickhouse.altinity.com/chi': state.chi}},
        },
      ],
      persistence: {size: '10Gi'},
      // Production-shaped: merges and queries need memory (values rule clickhouse-memory).
      resources: {requests: {cpu: '500m', memory: '4Gi'}},
      zookeeper: {replicaCount: 3, pdb: {create: true}},
      // The public chart's init container downloads a UDF binary from GitHub; the lab has no
      // internet, as an air-gapped cluster, whose operators turn it off the same way.
      initContainers: {enabled: false},
    },
    telemetryStoreMigrator: {enableReplication: state.replication},
  }
}

/**
 * The Helm the lab installs with: the one the development packages carry, else the user's
 * (SIGNOZ_HA_HELM, or helm on PATH), as an installed signoz-ha has no development packages.
 */
export function labHelm(state: LabState, major: 3 | 4 = 3): HelmTarget {
  const binary = labHelmBinary(major) ?? resolveExecutable(process.env.SIGNOZ_HA_HELM ?? 'helm')
  if (!binary)
    throw new UsageError('the lab needs Helm: no helm on PATH', 'install Helm 3 or 4 (https://helm.sh/docs/intro/install/), or point SIGNOZ_HA_HELM at it')
  return {binary, kubeconfig: kubeconfigPath(state.dir), namespace: state.namespace}
}

/** helm upgrade --install of the lab chart as the lab's release; throws with Helm's own message. */
export async function helmUpgrade(state: LabState, extraArgs: readonly string[] = [], timeoutMs = 180_000): Promise<void> {
  const args = ['upgrade', '--install', state.release, releaseChartPath(state), '--timeout', `${Math.round(timeoutMs / 1000)}s`, ...extraArgs]
  const r = await runHelm(labHelm(state), args, timeoutMs + 10_000)
  if (r.code !== 0) throw new Error(`helm ${args.slice(0, 3).join(' ')}: ${r.stderr.trim().split('\n').pop()}`)
}

/**
 * An upgrade whose hook is meant to fail: Helm waits on it for 20 s (the Job itself would retry for
 * minutes under its backoffLimit) and must report the release failed; one that succeeds means the
 * fault did not take, and throws naming why it should have failed.
 */
export async function helmUpgradeMustFail(state: LabState, extraArgs: readonly string[], because: string): Promise<void> {
  const failed = await helmUpgrade(state, extraArgs, 20_000).then(
    () => false,
    () => true,
  )
  if (!failed) throw new Error(`the upgrade unexpectedly succeeded ${because}`)
}

/**
 * Installs the release with the lab's values (and a user's values over them, when given) and
 * waits until the cluster has settled on it. What the lab's real servers need always wins: their
 * credentials and the version they really run.
 */
export async function installRelease(state: LabState): Promise<void> {
  const conn = labConnection(state, state.clickhouse[0]!, 10_000)
  let serverVersion: string
  try {
    serverVersion = (await conn.query<{v: string}>('SELECT version() AS v'))[0]!.v
  } finally {
    await conn.close()
  }
  // The lab's own credentials are in the values: readable by the owner only.
  writeFileSync(labValuesPath(state.dir), `${JSON.stringify(labValues(state, serverVersion), null, 2)}\n`, {mode: 0o600})
  const essentials = {clickhouse: {user: state.user, password: state.password, image: {tag: serverVersion}}}
  writeFileSync(essentialsPath(state.dir), `${JSON.stringify(essentials, null, 2)}\n`, {mode: 0o600})
  const files = [labValuesPath(state.dir), ...(state.userValues ? [userValuesPath(state.dir), essentialsPath(state.dir)] : [])]
  await helmUpgrade(state, [...files.flatMap((f) => ['--values', f]), ...(state.helmSet ?? []).flatMap((s) => ['--set', s])])
  await waitReleaseSettled(state)
}

type Conditions = {status?: {conditions?: {type: string; status: string}[]}}
const ended = (o: Conditions, type: 'Complete' | 'Failed') => Boolean(o.status?.conditions?.some((c) => c.type === type && c.status === 'True'))

/**
 * Every ClickHouse host ready in the installation, the collectors ready, and the release's Jobs
 * (the schema migrator, whatever the chart calls it) complete.
 */
export async function waitReleaseSettled(state: LabState, timeoutMs = 90_000): Promise<void> {
  const kube = new LabKubeClient(state)
  const ns = `/namespaces/${state.namespace}`
  await waitFor(
    'the SigNoz release to settle',
    async () => {
      const [chi, collector, jobs, pods] = await Promise.all([
        kube.get<{status?: {status?: string}}>(`/apis/clickhouse.altinity.com/v1${ns}/clickhouseinstallations/${state.chi}`),
        kube.get<{status?: {readyReplicas?: number}; spec?: {replicas?: number}}>(`/apis/apps/v1${ns}/deployments/${state.release}-otel-collector`),
        kube.get<{items: (Conditions & {metadata: {name: string; ownerReferences?: {kind: string}[]}})[]}>(`/apis/batch/v1${ns}/jobs`),
        kube.get<{items: {metadata: {deletionTimestamp?: string}; status?: {conditions?: {type: string; status: string}[]}}[]}>(
          `/api/v1${ns}/pods?labelSelector=clickhouse.altinity.com/chi=${state.chi}`,
        ),
      ])
      // Every host pod up: a rolled pod restarts its server, which takes a moment to answer.
      const hostsReady =
        (pods?.items ?? []).filter((p) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
          .length === state.clickhouse.length
      // The release's own Jobs (not a CronJob's runs): the schema migrator of whichever chart.
      const releaseJobs = (jobs?.items ?? []).filter((j) => !j.metadata.ownerReferences?.some((o) => o.kind === 'CronJob'))
      const failed = releaseJobs.find((j) => ended(j, 'Failed'))
      if (failed) throw new GiveUp(`the Job ${failed.metadata.name} failed`, `kubectl -n ${state.namespace} logs job/${failed.metadata.name} --all-containers`)
      return (
        hostsReady &&
        chi?.status?.status === 'Completed' &&
        (collector?.status?.readyReplicas ?? 0) >= (collector?.spec?.replicas ?? 1) &&
        releaseJobs.every((j) => ended(j, 'Complete'))
      )
    },
    timeoutMs,
    250,
  )
}

/**
 * What a values file says the lab must look like: its layout, cluster, installation name and
 * whether the migrator replicates (lab up --values builds the lab to match).
 */
export function labShapeFromValues(path: string): {shards?: number; replicas?: number; cluster?: string; chi?: string; replication?: boolean} {
  if (!existsSync(path)) throw new UsageError(`--values ${path} does not exist`)
  let values: Record<string, unknown>
  try {
    values = (parse(readFileSync(path, 'utf8')) ?? {}) as Record<string, unknown>
  } catch (error) {
    throw new UsageError(`--values ${path}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`)
  }
  const at = (key: string) => key.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), values)
  const int = (key: string) => (typeof at(key) === 'number' ? (at(key) as number) : undefined)
  const str = (key: string) => (typeof at(key) === 'string' && at(key) !== '' ? (at(key) as string) : undefined)
  const replication = at('telemetryStoreMigrator.enableReplication')
  return {
    shards: int('clickhouse.layout.shardsCount'),
    replicas: int('clickhouse.layout.replicasCount'),
    cluster: str('clickhouse.cluster'),
    chi: str('clickhouse.fullnameOverride'),
    replication: typeof replication === 'boolean' ? replication : undefined,
  }
}
