import {gunzipSync, gzipSync} from 'node:zlib'
import {chopPvcName} from './operator-names.js'
import {hostByPod, hostPing, stopHost} from './hosts.js'
import {LabKubeClient} from './kube/admin-client.js'
import {CRASH_ANNOTATION, LIVENESS_ANNOTATION} from './kube/controllers/kubelet.js'
import {helmUpgrade, helmUpgradeMustFail, waitReleaseSettled} from './release.js'
import {waitFor} from './processes.js'
import {readState, type LabHost, type LabState} from './state.js'
import {waitFreshRowsOnEveryShard} from './world.js'
import {labHost, type Fault} from './fault.js'
import {recoverHosts} from './recovery.js'

type Obj = {
  metadata: {name: string; labels?: Record<string, string>; annotations?: Record<string, string>; resourceVersion?: string}
  spec?: Record<string, unknown>
  status?: Record<string, unknown>
  data?: Record<string, string>
  [k: string]: unknown
}

const core = (state: LabState, resource: string, name = '') => `/api/v1/namespaces/${state.namespace}/${resource}${name ? `/${name}` : ''}`
const apps = (state: LabState, resource: string, name = '') => `/apis/apps/v1/namespaces/${state.namespace}/${resource}${name ? `/${name}` : ''}`
const collector = (state: LabState) => `${state.release}-otel-collector`
const chiPath = (state: LabState) => `/apis/clickhouse.altinity.com/v1/namespaces/${state.namespace}/clickhouseinstallations/${state.chi}`
const CRD_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/clickhouseinstallations.clickhouse.altinity.com'
const CHOP_LABEL = 'clickhouse.altinity.com/chop'

async function podPhase(kube: LabKubeClient, state: LabState, pod: string): Promise<{phase?: string; ready: boolean; reason?: string} | undefined> {
  const p = await kube.get<Obj>(core(state, 'pods', pod))
  if (!p) return undefined
  const conditions = (p.status?.conditions ?? []) as {type: string; status: string; reason?: string}[]
  return {
    phase: p.status?.phase as string | undefined,
    ready: conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
    reason: conditions.find((c) => c.type === 'PodScheduled')?.reason,
  }
}

/** The node a host's pod runs on. */
async function nodeOf(kube: LabKubeClient, state: LabState, host: LabHost): Promise<string> {
  const pod = await kube.get<Obj>(core(state, 'pods', host.pod))
  const nodeName = (pod?.spec as {nodeName?: string} | undefined)?.nodeName
  if (!nodeName) throw new Error(`${host.pod} is not on a node`)
  return nodeName
}

/**
 * The host's process back, its pod ready, replication caught up, fresh rows everywhere. Its pod
 * is scheduled again, so the simulator's kubelet starts the process (as a container starts).
 */
async function restoreHost(state: LabState, host: LabHost): Promise<void> {
  await waitFor(
    `${host.pod} to start on its pod again`,
    async () => {
      host.pid = hostByPod(readState(state.dir), host.pod)?.pid
      return hostPing(host)
    },
    90_000,
    200,
  )
  await recoverHosts(state, [host])
  await waitReleaseSettled(state)
  await waitFreshRowsOnEveryShard(state)
}

/** The release settled and, after pods were rolled (their servers restarted), every replica writable again. */
async function settledAndWritable(state: LabState): Promise<void> {
  await waitReleaseSettled(state)
  await recoverHosts({...state, clickhouse: readState(state.dir).clickhouse})
}

/** The collectors' env var, patched by name as `kubectl set env` does. */
async function setCollectorEnv(state: LabState, name: string, value: string): Promise<void> {
  await new LabKubeClient(state).strategicPatch(apps(state, 'deployments', collector(state)), {
    spec: {template: {spec: {containers: [{name: 'collector', env: [{name, value}]}]}}},
  })
}

/** Helm's release record (a Secret): decode, change, encode exactly as Helm stores it. */
const decodeRelease = (data: string) =>
  JSON.parse(gunzipSync(Buffer.from(Buffer.from(data, 'base64').toString('utf8'), 'base64')).toString('utf8')) as Record<string, unknown> & {
    version: number
    info: Record<string, unknown>
  }
const encodeRelease = (release: unknown) => Buffer.from(gzipSync(Buffer.from(JSON.stringify(release))).toString('base64')).toString('base64')

/** A fault that is one value changed by `helm upgrade --reuse-values` (no hooks), and changed back to heal. */
function valuesFault(id: string, summary: string, key: string, broken: string, healthy: string): Fault {
  return {
    id,
    summary,
    async inject(state) {
      await helmUpgrade(state, ['--reuse-values', '--no-hooks', '--set', `${key}=${broken}`])
      return {}
    },
    async heal(state) {
      await helmUpgrade(state, ['--reuse-values', '--no-hooks', '--set', `${key}=${healthy}`])
      await waitReleaseSettled(state)
    },
  }
}

/** Faults of the Kubernetes half: each one made with the real Helm binary or the API, as it happens in clusters. */
export const KUBE_FAULTS: readonly Fault[] = [
  {
    id: 'duplicate-clickhouse',
    summary:
      "upgrade the release with a new ClickHouse name: a second installation appears, its pods Pending on anti-affinity, the collectors follow it (the seed's failure)",
    async inject(state) {
      const renamed = `${state.chi}-v2`
      // --no-hooks: the renamed Service does not exist yet, so the migrator hook could only wait.
      await helmUpgrade(state, ['--reuse-values', '--no-hooks', '--set', `clickhouse.fullnameOverride=${renamed}`])
      const kube = new LabKubeClient(state)
      await waitFor(
        'the new installation to be Pending',
        async () => (await podPhase(kube, state, `${state.clickhouse[0]!.pod.replace(state.chi, renamed)}`))?.reason === 'Unschedulable',
        30_000,
        200,
      )
      return {renamed}
    },
    async heal(state, fault) {
      const renamed = fault.undo.renamed as string
      await helmUpgrade(state, ['--reuse-values', '--no-hooks', '--set', `clickhouse.fullnameOverride=${state.chi}`])
      const kube = new LabKubeClient(state)
      // Helm keeps installations (resource-policy keep): the empty one is deleted by hand, with its unused claims.
      await kube.delete(`/apis/clickhouse.altinity.com/v1/namespaces/${state.namespace}/clickhouseinstallations/${renamed}`)
      const claims =
        (await kube.get<{items: Obj[]}>(`${core(state, 'persistentvolumeclaims')}?labelSelector=clickhouse.altinity.com/chi=${renamed}`))?.items ?? []
      for (const c of claims) await kube.delete(core(state, 'persistentvolumeclaims', c.metadata.name))
      await waitReleaseSettled(state)
      await waitFreshRowsOnEveryShard(state)
    },
  },
  {
    id: 'installation-deleted',
    summary:
      'the ClickHouseInstallation deleted, as Helm deletes it when a rename changes its name on the public chart (or kubectl delete chi): its hosts go, its data claims stay (reclaimPolicy Retain), mounted by nothing (catalogue #12)',
    async inject(state) {
      const kube = new LabKubeClient(state)
      await kube.delete(chiPath(state))
      await waitFor(
        "the installation's hosts to go",
        async () => (await Promise.all(state.clickhouse.map((h) => kube.get<Obj>(core(state, 'pods', h.pod))))).every((p) => !p),
        60_000,
        200,
      )
      // A deleted pod's container is killed with it.
      for (const host of readState(state.dir).clickhouse) await stopHost(host)
      return {}
    },
    async heal(state) {
      // The release still lists the installation: an upgrade creates it again, and its hosts mount
      // their claims. Without hooks first: the migrator hook would wait for a Service that comes
      // only with the installation.
      await helmUpgrade(state, ['--reuse-values', '--no-hooks'])
      for (const host of readState(state.dir).clickhouse) {
        await waitFor(
          `${host.pod} to start on its pod again`,
          async () => hostPing({...host, pid: hostByPod(readState(state.dir), host.pod)?.pid}),
          90_000,
          200,
        )
      }
      await settledAndWritable(state)
      await waitFreshRowsOnEveryShard(state)
    },
  },
  {
    id: 'collector-wrong-host',
    summary: 'point the collectors at a ClickHouse Service that does not exist (kubectl set env CLICKHOUSE_HOST=…): ingestion stops',
    async inject(state) {
      await setCollectorEnv(state, 'CLICKHOUSE_HOST', `${state.chi}-old`)
      return {host: state.chi}
    },
    async heal(state, fault) {
      await setCollectorEnv(state, 'CLICKHOUSE_HOST', fault.undo.host as string)
      await waitReleaseSettled(state)
      await waitFreshRowsOnEveryShard(state)
    },
  },
  {
    id: 'collector-wrong-cluster',
    summary: "set the collectors' CLICKHOUSE_CLUSTER to a cluster the servers do not define (catalogue #19)",
    async inject(state) {
      await setCollectorEnv(state, 'CLICKHOUSE_CLUSTER', 'signoz-prod')
      return {cluster: state.cluster}
    },
    async heal(state, fault) {
      await setCollectorEnv(state, 'CLICKHOUSE_CLUSTER', fault.undo.cluster as string)
      await waitReleaseSettled(state)
    },
  },
  {
    id: 'pending-antiaffinity',
    summary: 'lose the node under one ClickHouse host: its pod is recreated and stays Pending, every other node already has a ClickHouse pod',
    target: {description: 'pod name or SHARD-REPLICA', default: (s) => s.clickhouse[s.clickhouse.length - 1]!.pod},
    async inject(state, target) {
      const host = labHost(state, target)
      const kube = new LabKubeClient(state)
      const nodeName = await nodeOf(kube, state, host)
      const node = (await kube.get<Obj>(`/api/v1/nodes/${nodeName}`))!
      await kube.delete(`/api/v1/nodes/${nodeName}`)
      // The node is gone, and the ClickHouse process on it with it.
      await stopHost(host)
      await waitFor(`${host.pod} to be Pending`, async () => (await podPhase(kube, state, host.pod))?.reason === 'Unschedulable', 30_000, 200)
      return {pod: host.pod, node: {metadata: {name: node.metadata.name, labels: node.metadata.labels}, spec: node.spec ?? {}, status: node.status}}
    },
    async heal(state, fault) {
      await new LabKubeClient(state).create('/api/v1/nodes', fault.undo.node)
      await restoreHost(state, labHost(state, fault.undo.pod as string))
    },
  },
  {
    id: 'crashloop',
    summary: 'roll out a collector whose new pod crashes at start (CrashLoopBackOff); the old pod keeps running until it would be ready',
    async inject(state) {
      await new LabKubeClient(state).strategicPatch(apps(state, 'deployments', collector(state)), {
        spec: {
          template: {metadata: {annotations: {[CRASH_ANNOTATION]: 'error decoding \'exporters\': unknown type: "clickhousetrace" for id: "clickhousetrace"'}}},
        },
      })
      const kube = new LabKubeClient(state)
      await waitFor(
        'a crash-looping collector pod',
        async () => {
          const pods = (await kube.get<{items: Obj[]}>(`${core(state, 'pods')}?labelSelector=app.kubernetes.io/component=otel-collector`))?.items ?? []
          return pods.some((p) =>
            ((p.status?.containerStatuses ?? []) as {state?: {waiting?: {reason?: string}}}[]).some((c) => c.state?.waiting?.reason === 'CrashLoopBackOff'),
          )
        },
        30_000,
        200,
      )
      return {}
    },
    async heal(state) {
      await new LabKubeClient(state).strategicPatch(apps(state, 'deployments', collector(state)), {
        spec: {template: {metadata: {annotations: {[CRASH_ANNOTATION]: null}}}},
      })
      await waitReleaseSettled(state)
      await waitFreshRowsOnEveryShard(state)
    },
  },
  {
    id: 'node-drained',
    summary:
      "drain the node under one ClickHouse host for maintenance and leave it cordoned: the host's pod is evicted and stays Pending, every other node already has a ClickHouse pod (catalogue #11)",
    target: {description: 'pod name or SHARD-REPLICA', default: (s) => s.clickhouse[s.clickhouse.length - 1]!.pod},
    async inject(state, target) {
      const host = labHost(state, target)
      const kube = new LabKubeClient(state)
      const nodeName = await nodeOf(kube, state, host)
      // kubectl drain: cordon, then evict; the evicted container stops with its pod.
      await kube.mergePatch(`/api/v1/nodes/${nodeName}`, {spec: {unschedulable: true}})
      await kube.delete(core(state, 'pods', host.pod))
      await stopHost(host)
      await waitFor(`${host.pod} to be Pending`, async () => (await podPhase(kube, state, host.pod))?.reason === 'Unschedulable', 30_000, 200)
      return {pod: host.pod, node: nodeName}
    },
    async heal(state, fault) {
      // Uncordoning twice is harmless: the runbook may have done it already.
      await new LabKubeClient(state).mergePatch(`/api/v1/nodes/${fault.undo.node as string}`, {spec: {unschedulable: null}})
      await restoreHost(state, labHost(state, fault.undo.pod as string))
    },
  },
  {
    id: 'pvc-pending',
    summary: "re-create one ClickHouse host's volume while the StorageClass is missing: the claim and the pod stay Pending",
    target: {description: 'pod name or SHARD-REPLICA', default: (s) => s.clickhouse[s.clickhouse.length - 1]!.pod},
    async inject(state, target) {
      const host = labHost(state, target)
      const kube = new LabKubeClient(state)
      const storageClass = (await kube.get<Obj>('/apis/storage.k8s.io/v1/storageclasses/standard'))!
      await kube.delete('/apis/storage.k8s.io/v1/storageclasses/standard')
      await stopHost(host)
      await kube.delete(core(state, 'persistentvolumeclaims', `data-volumeclaim-template-${host.pod}`))
      await kube.delete(core(state, 'pods', host.pod))
      await waitFor(`${host.pod} to wait for its claim`, async () => (await podPhase(kube, state, host.pod))?.reason === 'Unschedulable', 30_000, 200)
      const {metadata, provisioner, reclaimPolicy, volumeBindingMode, allowVolumeExpansion} = storageClass
      return {
        pod: host.pod,
        storageClass: {metadata: {name: metadata.name, annotations: metadata.annotations}, provisioner, reclaimPolicy, volumeBindingMode, allowVolumeExpansion},
      }
    },
    async heal(state, fault) {
      await new LabKubeClient(state).create('/apis/storage.k8s.io/v1/storageclasses', fault.undo.storageClass)
      await restoreHost(state, labHost(state, fault.undo.pod as string))
    },
  },
  {
    id: 'migrator-job-failed',
    summary:
      "upgrade with a migrator timeout too short for its statements: the pre-upgrade hook Job's ready step crash-loops (Init:CrashLoopBackOff, restartPolicy OnFailure) and Helm's wait for it times out (release failed)",
    async inject(state) {
      await helmUpgradeMustFail(state, ['--reuse-values', '--set', 'telemetryStoreMigrator.timeout=1ms'], 'with a 1 ms migrator timeout')
      return {}
    },
    async heal(state) {
      await helmUpgrade(state, ['--reuse-values', '--set', 'telemetryStoreMigrator.timeout=10m'])
      await waitReleaseSettled(state)
    },
  },
  {
    id: 'helm-pending-upgrade',
    summary: 'leave the release pending-upgrade, as a helm upgrade killed mid-way does: Helm refuses every later upgrade',
    async inject(state) {
      const kube = new LabKubeClient(state)
      const secrets = (await kube.get<{items: Obj[]}>(`${core(state, 'secrets')}?labelSelector=owner=helm,name=${state.release}`))?.items ?? []
      const latest = secrets.sort((a, b) => Number(b.metadata.labels?.version) - Number(a.metadata.labels?.version))[0]
      if (!latest?.data?.release) throw new Error(`no Helm release ${state.release} to interrupt`)
      const release = decodeRelease(latest.data.release)
      const version = release.version + 1
      const pending = {
        ...release,
        version,
        info: {...release.info, status: 'pending-upgrade', description: 'Preparing upgrade', last_deployed: new Date().toISOString()},
      }
      const name = `sh.helm.release.v1.${state.release}.v${version}`
      await kube.create(core(state, 'secrets'), {
        metadata: {name, labels: {name: state.release, owner: 'helm', status: 'pending-upgrade', version: String(version)}},
        type: 'helm.sh/release.v1',
        data: {release: encodeRelease(pending)},
      })
      return {secret: name}
    },
    async heal(state, fault) {
      // What `helm rollback` would leave aside, the interrupted revision is simply withdrawn.
      await new LabKubeClient(state).delete(core(state, 'secrets', fault.undo.secret as string))
    },
  },
  {
    id: 'operator-down',
    summary: 'scale the ClickHouse operator to zero (kubectl scale --replicas=0): installations are no longer reconciled',
    async inject(state) {
      const name = `${state.chi}-operator`
      await new LabKubeClient(state).mergePatch(apps(state, 'deployments', name), {spec: {replicas: 0}})
      const kube = new LabKubeClient(state)
      await waitFor(
        'the operator to stop',
        async () => Number((await kube.get<Obj>(apps(state, 'deployments', name)))?.status?.readyReplicas ?? 0) === 0,
        30_000,
        200,
      )
      return {deployment: name}
    },
    async heal(state, fault) {
      await new LabKubeClient(state).mergePatch(apps(state, 'deployments', fault.undo.deployment as string), {spec: {replicas: 1}})
      const kube = new LabKubeClient(state)
      await waitFor(
        'the operator to run',
        async () => Number((await kube.get<Obj>(apps(state, 'deployments', fault.undo.deployment as string)))?.status?.readyReplicas ?? 0) === 1,
        30_000,
        200,
      )
      await waitReleaseSettled(state)
    },
  },
  {
    id: 'stuck-terminating',
    summary: 'delete a volume claim that a finalizer protects (kubernetes.io/pvc-protection): it stays Terminating',
    async inject(state) {
      const kube = new LabKubeClient(state)
      const name = 'data-lab-terminating-probe'
      await kube.create(core(state, 'persistentvolumeclaims'), {
        metadata: {name, finalizers: ['kubernetes.io/pvc-protection'], labels: {'app.kubernetes.io/instance': state.release}},
        spec: {accessModes: ['ReadWriteOnce'], resources: {requests: {storage: '1Gi'}}},
      })
      await waitFor(
        `${name} to be bound`,
        async () => (await kube.get<Obj>(core(state, 'persistentvolumeclaims', name)))?.status?.phase === 'Bound',
        30_000,
        100,
      )
      await kube.delete(core(state, 'persistentvolumeclaims', name))
      return {claim: name}
    },
    async heal(state, fault) {
      // What the protection controller does once nothing mounts the claim: the finalizer goes, so does the claim.
      await new LabKubeClient(state).mergePatch(core(state, 'persistentvolumeclaims', fault.undo.claim as string), {metadata: {finalizers: null}})
    },
  },
  {
    id: 'keeper-single-replica',
    summary: "upgrade with clickhouse.zookeeper.replicaCount=1 (the chart's default): one ZooKeeper member, no quorum to lose",
    async inject(state) {
      await helmUpgrade(state, ['--reuse-values', '--set', 'clickhouse.zookeeper.replicaCount=1'])
      const kube = new LabKubeClient(state)
      await waitFor(
        'ZooKeeper to scale to one member',
        async () => (await kube.get<Obj>(apps(state, 'statefulsets', `${state.release}-zookeeper`)))?.status?.replicas === 1,
        30_000,
        200,
      )
      return {}
    },
    async heal(state) {
      await helmUpgrade(state, ['--reuse-values', '--set', 'clickhouse.zookeeper.replicaCount=3'])
      await waitReleaseSettled(state)
    },
  },
  {
    id: 'clickhouse-version-skew',
    summary: 'declare ClickHouse 25.12.5 in the installation while the servers keep their version: a rollout that never reached the hosts (catalogue #9)',
    async inject(state) {
      const kube = new LabKubeClient(state)
      const chi = await kube.get<Obj>(chiPath(state))
      if (!chi) throw new Error(`no installation ${state.chi}`)
      const templates = structuredClone((chi.spec as {templates: {podTemplates: {spec: {containers: {image: string}[]}}[]}}).templates.podTemplates)
      const original = JSON.stringify(templates)
      for (const t of templates) for (const c of t.spec.containers) if (c.image.includes('clickhouse-server')) c.image = c.image.replace(/:[^:/]+$/, ':25.12.5')
      // podTemplates is a list: a merge patch replaces it whole, as kubectl edit would write it.
      await kube.mergePatch(chiPath(state), {spec: {templates: {podTemplates: templates}}})
      // The operator rolls the hosts onto the new template: each server restarts (and keeps its version).
      await settledAndWritable(state)
      return {podTemplates: original}
    },
    async heal(state, fault) {
      await new LabKubeClient(state).mergePatch(chiPath(state), {spec: {templates: {podTemplates: JSON.parse(fault.undo.podTemplates as string)}}})
      await settledAndWritable(state)
    },
  },
  valuesFault(
    'collector-needs-newer-clickhouse',
    'upgrade the collectors to v0.144.6, whose sync migration 1011 needs ClickHouse 25.12.5, on the older lab servers (catalogue #9)',
    'otelCollector.image.tag',
    'v0.144.6',
    'v0.144.5',
  ),
  valuesFault(
    'keeper-no-autopurge',
    'upgrade with clickhouse.zookeeper.autopurge.purgeInterval=0: ZooKeeper never purges snapshots and logs, its disk fills (catalogue #31)',
    'clickhouse.zookeeper.autopurge.purgeInterval',
    '0',
    '1',
  ),
  {
    id: 'operator-crd-drift',
    summary: 'leave the installation CRD at operator 0.18.3 while the operator runs 0.21.2: a chart bump Helm did not apply to CRDs (catalogue #37)',
    async inject(state) {
      const kube = new LabKubeClient(state)
      const crd = await kube.get<Obj>(CRD_PATH)
      const version = crd?.metadata.labels?.[CHOP_LABEL]
      if (!version) throw new Error(`the CRD has no ${CHOP_LABEL} label`)
      await kube.mergePatch(CRD_PATH, {metadata: {labels: {[CHOP_LABEL]: '0.18.3'}}})
      return {version}
    },
    async heal(state, fault) {
      await new LabKubeClient(state).mergePatch(CRD_PATH, {metadata: {labels: {[CHOP_LABEL]: fault.undo.version as string}}})
    },
  },
  {
    id: 'pvc-resize-pending',
    summary:
      "grow one ClickHouse claim by hand past its installation's template: the file system waits for a pod restart, the sizes are out of step (catalogue #30)",
    target: {description: 'pod name or SHARD-REPLICA', default: (s) => s.clickhouse[0]!.pod},
    async inject(state, target) {
      const host = labHost(state, target ?? state.clickhouse[0]!.pod)
      const path = core(state, 'persistentvolumeclaims', chopPvcName('data-volumeclaim-template', state.chi, state.cluster, host.shard, host.replica))
      const kube = new LabKubeClient(state)
      const claim = await kube.get<Obj>(path)
      const size = (claim?.spec as {resources?: {requests?: {storage?: string}}} | undefined)?.resources?.requests?.storage
      if (!size) throw new Error(`no claim ${path}`)
      await kube.mergePatch(path, {spec: {resources: {requests: {storage: `${Number.parseInt(size, 10) * 2}${size.replace(/^\d+/, '')}`}}}})
      await waitFor(
        'the resize to be pending',
        async () => Boolean(((await kube.get<Obj>(path))?.status?.conditions as unknown[] | undefined)?.length),
        30_000,
        100,
      )
      return {claim: path, size}
    },
    async heal(state, fault) {
      // The lab's undo: a real API server refuses to shrink a claim (there the fix is the values' size).
      await new LabKubeClient(state).mergePatch(fault.undo.claim as string, {spec: {resources: {requests: {storage: fault.undo.size as string}}}})
    },
  },
  {
    id: 'liveness-kill',
    summary: 'the liveness probe kills one ClickHouse container while it loads its tables, over and over (catalogue #18)',
    target: {description: 'pod name or SHARD-REPLICA', default: (s) => s.clickhouse[s.clickhouse.length - 1]!.pod},
    async inject(state, target) {
      const host = labHost(state, target)
      const kube = new LabKubeClient(state)
      await kube.mergePatch(core(state, 'pods', host.pod), {metadata: {annotations: {[LIVENESS_ANNOTATION]: 'TablesLoader: 99.6%'}}})
      await waitFor(`${host.pod} to be killed by its probe`, async () => !(await podPhase(kube, state, host.pod))?.ready, 30_000, 100)
      return {pod: host.pod}
    },
    async heal(state, fault) {
      // What the runbook does once a startup probe is in: restart the pod; the StatefulSet recreates it.
      await new LabKubeClient(state).delete(core(state, 'pods', fault.undo.pod as string))
      await settledAndWritable(state)
    },
  },
]
