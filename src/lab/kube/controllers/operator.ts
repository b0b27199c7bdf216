import {chopStatefulSetName} from '../../operator-names.js'
import type {KubeObject, ObjectStore} from '../store.js'
import {recordEvent} from './events.js'
import {ensure, kindOf, mustKind, ownedBy, ownerRef, podReady, setMetadata, setStatus, type AffinityTerm, type PodSpec, type Pod} from './objects.js'

export const CHI_FINALIZER = 'finalizer.clickhouseinstallation.altinity.com'
const OPERATOR_VERSION = '0.21.2'

interface ChiSpec {
  defaults?: {templates?: {podTemplate?: string; serviceTemplate?: string; dataVolumeClaimTemplate?: string}}
  configuration?: {clusters?: {name: string; layout?: {shardsCount?: number; replicasCount?: number}}[]; zookeeper?: {nodes?: {host: string; port?: number}[]}}
  templates?: {
    podTemplates?: {
      name: string
      metadata?: {labels?: Record<string, string>; annotations?: Record<string, string>}
      podDistribution?: {type: string; topologyKey?: string}[]
      spec?: PodSpec
    }[]
    serviceTemplates?: {name: string; generateName?: string; metadata?: {labels?: Record<string, string>}; spec?: Record<string, unknown>}[]
    volumeClaimTemplates?: {name: string; reclaimPolicy?: string; metadata?: {labels?: Record<string, string>}; spec?: Record<string, unknown>}[]
  }
}
type Chi = KubeObject & {spec: ChiSpec}

const APP = 'clickhouse.altinity.com/app'
const CHI = 'clickhouse.altinity.com/chi'
const CLUSTER = 'clickhouse.altinity.com/cluster'
const SHARD = 'clickhouse.altinity.com/shard'
const REPLICA = 'clickhouse.altinity.com/replica'
const NAMESPACE = 'clickhouse.altinity.com/namespace'
const READY = 'clickhouse.altinity.com/ready'

const HOST_PORTS = [
  {name: 'http', port: 8123, protocol: 'TCP', targetPort: 8123},
  {name: 'tcp', port: 9000, protocol: 'TCP', targetPort: 9000},
  {name: 'interserver', port: 9009, protocol: 'TCP', targetPort: 9009},
]

/** The operator's podDistribution types, as required pod anti-affinity terms (CHOP affinity.go). */
function distributionTerms(
  chi: string,
  ns: string,
  cluster: string,
  shard: number,
  replica: number,
  rules: {type: string; topologyKey?: string}[],
): AffinityTerm[] {
  const terms: AffinityTerm[] = []
  for (const rule of rules) {
    const topologyKey = rule.topologyKey ?? 'kubernetes.io/hostname'
    const base = {[APP]: 'chop', [NAMESPACE]: ns}
    if (rule.type === 'ClickHouseAntiAffinity') terms.push({topologyKey, labelSelector: {matchLabels: base}})
    if (rule.type === 'ShardAntiAffinity')
      terms.push({topologyKey, labelSelector: {matchLabels: {...base, [CHI]: chi, [CLUSTER]: cluster, [SHARD]: String(shard)}}})
    if (rule.type === 'ReplicaAntiAffinity')
      terms.push({topologyKey, labelSelector: {matchLabels: {...base, [CHI]: chi, [CLUSTER]: cluster, [REPLICA]: String(replica)}}})
  }
  return terms
}

/**
 * The Altinity operator's reconcile, for what SigNoz uses: per host a StatefulSet (one pod) and
 * a Service named chi-<chi>-<cluster>-<shard>-<replica>, the CHI Service (the service template's
 * generateName, else clickhouse-<chi>) over hosts labelled ready, the ready label kept in step
 * with pod readiness, the finalizer, and the CHI status fields.
 */
export function reconcileInstallations(store: ObjectStore): void {
  const chiKind = kindOf(store, 'ClickHouseInstallation')
  if (!chiKind) return
  // The operator works only while its pod runs: with an operator Deployment present and none
  // ready, installations are left as they are (a stuck reconcile).
  const operators = store.scan(mustKind(store, 'Deployment')).filter((d) => d.metadata.labels?.['app.kubernetes.io/component'] === 'operator')
  if (operators.length && !operators.some((d) => Number((d.status as {readyReplicas?: number} | undefined)?.readyReplicas ?? 0) > 0)) return
  const stsKind = mustKind(store, 'StatefulSet')
  const svcKind = mustKind(store, 'Service')
  const podKind = mustKind(store, 'Pod')
  for (const obj of store.scan(chiKind)) {
    let chi = obj as Chi
    const ns = chi.metadata.namespace!
    const name = chi.metadata.name!
    if (chi.metadata.deletionTimestamp) {
      // Hosts go with the CHI (ownerReferences); the claims stay (reclaimPolicy Retain).
      store.replace(chiKind, ns, name, {...chi, metadata: {...chi.metadata, finalizers: (chi.metadata.finalizers ?? []).filter((f) => f !== CHI_FINALIZER)}})
      continue
    }
    if (!chi.metadata.finalizers?.includes(CHI_FINALIZER)) {
      chi = store.replace(chiKind, ns, name, {...chi, metadata: {...chi.metadata, finalizers: [...(chi.metadata.finalizers ?? []), CHI_FINALIZER]}}) as Chi
    }
    const spec = chi.spec ?? {}
    const cluster = spec.configuration?.clusters?.[0]
    if (!cluster) continue
    const shards = cluster.layout?.shardsCount ?? 1
    const replicas = cluster.layout?.replicasCount ?? 1
    const podTemplate = spec.templates?.podTemplates?.find((t) => t.name === spec.defaults?.templates?.podTemplate) ?? spec.templates?.podTemplates?.[0]
    const claimTemplate =
      spec.templates?.volumeClaimTemplates?.find((t) => t.name === spec.defaults?.templates?.dataVolumeClaimTemplate) ??
      spec.templates?.volumeClaimTemplates?.[0]
    const serviceTemplate =
      spec.templates?.serviceTemplates?.find((t) => t.name === spec.defaults?.templates?.serviceTemplate) ?? spec.templates?.serviceTemplates?.[0]
    const chiLabels = {[APP]: 'chop', [CHI]: name, [NAMESPACE]: ns}
    const wanted = new Set<string>()
    const hosts: {sts: string; pod: string}[] = []
    for (let s = 0; s < shards; s++) {
      for (let r = 0; r < replicas; r++) {
        const host = chopStatefulSetName(name, cluster.name, s, r)
        wanted.add(host)
        hosts.push({sts: host, pod: `${host}-0`})
        const hostLabels = {...chiLabels, [CLUSTER]: cluster.name, [SHARD]: String(s), [REPLICA]: String(r)}
        const podSpec: PodSpec = structuredClone(podTemplate?.spec ?? {containers: [{name: 'clickhouse', image: 'clickhouse/clickhouse-server'}]})
        const terms = distributionTerms(name, ns, cluster.name, s, r, podTemplate?.podDistribution ?? [])
        if (terms.length) {
          podSpec.affinity = {
            ...podSpec.affinity,
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                ...(podSpec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
                ...terms,
              ],
            },
          }
        }
        for (const c of podSpec.containers) c.ports ??= HOST_PORTS.map((p) => ({name: p.name, containerPort: p.port}))
        // The operator's default probes for a ClickHouse container that declares none (no startup probe).
        for (const c of podSpec.containers as (PodSpec['containers'][number] & {livenessProbe?: unknown; readinessProbe?: unknown})[]) {
          if (!String(c.image ?? '').includes('clickhouse-server')) continue
          c.livenessProbe ??= {httpGet: {path: '/ping', port: 'http'}, initialDelaySeconds: 60, periodSeconds: 3, failureThreshold: 10}
          c.readinessProbe ??= {httpGet: {path: '/ping', port: 'http'}, initialDelaySeconds: 10, periodSeconds: 3}
        }
        ensure(store, stsKind, {
          metadata: {name: host, namespace: ns, labels: {...chi.metadata.labels, ...hostLabels}, ownerReferences: [ownerRef(chi)]},
          spec: {
            replicas: 1,
            serviceName: host,
            selector: {matchLabels: hostLabels},
            podManagementPolicy: 'OrderedReady',
            template: {
              metadata: {labels: {...podTemplate?.metadata?.labels, ...hostLabels}, annotations: {...podTemplate?.metadata?.annotations}},
              spec: podSpec,
            },
            ...(claimTemplate
              ? {
                  volumeClaimTemplates: [
                    {metadata: {name: claimTemplate.name, labels: {...claimTemplate.metadata?.labels, ...chiLabels}}, spec: claimTemplate.spec},
                  ],
                }
              : {}),
          },
        })
        ensure(store, svcKind, {
          metadata: {name: host, namespace: ns, labels: {...chi.metadata.labels, ...hostLabels}, ownerReferences: [ownerRef(chi)]},
          spec: {clusterIP: 'None', type: 'ClusterIP', publishNotReadyAddresses: true, selector: hostLabels, ports: HOST_PORTS},
        })
      }
    }
    const serviceName = serviceTemplate?.generateName ?? `clickhouse-${name}`
    ensure(store, svcKind, {
      metadata: {
        name: serviceName,
        namespace: ns,
        labels: {...chi.metadata.labels, ...serviceTemplate?.metadata?.labels, ...chiLabels},
        ownerReferences: [ownerRef(chi)],
      },
      spec: {type: 'ClusterIP', ...(serviceTemplate?.spec ?? {ports: HOST_PORTS.slice(0, 2)}), selector: {...chiLabels, [READY]: 'yes'}},
    })
    // Hosts removed from the layout (a scale-down) go; their claims stay.
    for (const sts of store.scan(stsKind, ns).filter((o) => ownedBy(o, chi) && !wanted.has(o.metadata.name!))) {
      store.delete(stsKind, ns, sts.metadata.name!)
      recordEvent(store, chi, 'Normal', 'DeleteCompleted', `Deleted host ${sts.metadata.name}`, 'clickhouse-operator')
    }
    for (const svc of store.scan(svcKind, ns).filter((o) => ownedBy(o, chi) && o.metadata.name !== serviceName && !wanted.has(o.metadata.name!)))
      store.delete(svcKind, ns, svc.metadata.name!)
    let readyHosts = 0
    for (const host of hosts) {
      const pod = store.tryGet(podKind, ns, host.pod) as Pod | undefined
      if (!pod) continue
      const isReady = podReady(pod)
      if (isReady) readyHosts++
      setMetadata(store, podKind, pod, {[READY]: isReady ? 'yes' : 'no'})
    }
    const total = shards * replicas
    setStatus(store, chiKind, chi, {
      'chop-version': OPERATOR_VERSION,
      status: readyHosts === total ? 'Completed' : 'InProgress',
      clusters: 1,
      shards,
      replicas,
      hosts: total,
      hostsCompleted: readyHosts,
      pods: hosts.map((h) => h.pod),
      fqdns: hosts.map((h) => `${h.sts}.${ns}.svc.cluster.local`),
      endpoint: `${serviceName}.${ns}.svc.cluster.local`,
      observedGeneration: chi.metadata.generation,
    })
  }
}
