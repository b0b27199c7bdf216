import {createHash} from 'node:crypto'
import {matchesLabels, parseLabelSelector} from '../selectors.js'
import type {ResourceKind} from '../resources.js'
import type {KubeObject, ObjectStore} from '../store.js'

/** The slice of a Pod spec the controllers read. */
export interface PodSpec {
  nodeName?: string
  nodeSelector?: Record<string, string>
  initContainers?: PodSpec['containers']
  containers: {
    name: string
    image?: string
    args?: string[]
    command?: string[]
    env?: EnvVar[]
    ports?: {containerPort: number; name?: string}[]
    resources?: {requests?: Record<string, string>}
  }[]
  volumes?: {name: string; persistentVolumeClaim?: {claimName: string}}[]
  affinity?: {podAntiAffinity?: {requiredDuringSchedulingIgnoredDuringExecution?: AffinityTerm[]}}
  topologySpreadConstraints?: {maxSkew: number; topologyKey: string; whenUnsatisfiable?: 'DoNotSchedule' | 'ScheduleAnyway'; labelSelector?: LabelSelector}[]
  restartPolicy?: string
}
export interface EnvVar {
  name: string
  value?: string
  valueFrom?: {secretKeyRef?: {name: string; key: string}; configMapKeyRef?: {name: string; key: string}}
}
export interface AffinityTerm {
  labelSelector?: LabelSelector
  topologyKey: string
  namespaces?: string[]
}
export interface LabelSelector {
  matchLabels?: Record<string, string>
  matchExpressions?: {key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[]}[]
}
export interface PodTemplate {
  metadata?: {labels?: Record<string, string>; annotations?: Record<string, string>}
  spec: PodSpec
}

export type Pod = KubeObject & {spec: PodSpec; status?: PodStatus}
export interface PodStatus {
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown'
  conditions?: {type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string}[]
  podIP?: string
  hostIP?: string
  startTime?: string
  containerStatuses?: Record<string, unknown>[]
  [k: string]: unknown
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z')
export const timestamp = now

/** The store's kinds by their Kind name (built-ins and CRD kinds once registered). */
export function kindOf(store: ObjectStore, kind: string): ResourceKind | undefined {
  return store.allKinds().find((k) => k.kind === kind)
}

export function mustKind(store: ObjectStore, kind: string): ResourceKind {
  const k = kindOf(store, kind)
  if (!k) throw new Error(`the simulator serves no ${kind}`)
  return k
}

export const ownerRef = (owner: KubeObject) => ({
  apiVersion: owner.apiVersion!,
  kind: owner.kind!,
  name: owner.metadata.name!,
  uid: owner.metadata.uid!,
  controller: true,
  blockOwnerDeletion: true,
})

export const ownedBy = (obj: KubeObject, owner: KubeObject): boolean =>
  Boolean(obj.metadata.ownerReferences?.some((o) => o.uid === owner.metadata.uid && o.controller))

/** A short stable hash, like the pod-template-hash and controller-revision-hash labels. */
export const shortHash = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 10)

/** Label selector object (matchLabels + matchExpressions) against labels. */
export function selectorMatches(selector: LabelSelector | Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false
  const s = 'matchLabels' in selector || 'matchExpressions' in selector ? (selector as LabelSelector) : {matchLabels: selector as Record<string, string>}
  const terms = Object.entries(s.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`)
  for (const e of s.matchExpressions ?? []) {
    if (e.operator === 'In') terms.push(`${e.key} in (${(e.values ?? []).join(',')})`)
    if (e.operator === 'NotIn') terms.push(`${e.key} notin (${(e.values ?? []).join(',')})`)
    if (e.operator === 'Exists') terms.push(e.key)
    if (e.operator === 'DoesNotExist') terms.push(`!${e.key}`)
  }
  return matchesLabels(parseLabelSelector(terms.join(',')), labels)
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)

/**
 * Creates the object, or replaces it when what the controller owns (spec, labels, annotations
 * it sets, data) differs; returns the live object. Unchanged objects are not written, so a
 * reconcile pass that finds nothing to do emits no events.
 */
export function ensure(store: ObjectStore, kind: ResourceKind, desired: KubeObject): KubeObject {
  const ns = kind.namespaced ? desired.metadata.namespace : undefined
  const live = store.tryGet(kind, ns, desired.metadata.name!)
  if (!live) return store.create(kind, ns, desired)
  if (kind.kind === 'Service') desired = withAllocatedIp(desired, live)
  const labels = {...live.metadata.labels, ...desired.metadata.labels}
  const annotations = {...live.metadata.annotations, ...desired.metadata.annotations}
  const fields = Object.keys(desired).filter((key) => !['metadata', 'status', 'apiVersion', 'kind'].includes(key))
  if (fields.every((f) => same(live[f], desired[f])) && same(labels, live.metadata.labels) && same(annotations, live.metadata.annotations)) return live
  const next: KubeObject = {...live, metadata: {...live.metadata, labels, annotations}}
  for (const f of fields) next[f] = desired[f]
  return store.replace(kind, ns, live.metadata.name!, next)
}

/** A Service keeps the cluster IP the allocator gave it, as on a real API server. */
function withAllocatedIp(desired: KubeObject, live: KubeObject): KubeObject {
  const spec = live.spec as {clusterIP?: string; clusterIPs?: string[]} | undefined
  const want = desired.spec as {clusterIP?: string} | undefined
  if (!spec?.clusterIP || want?.clusterIP) return desired
  return {...desired, spec: {...want, clusterIP: spec.clusterIP, clusterIPs: spec.clusterIPs}}
}

/** Writes status only when it changed. */
export function setStatus(store: ObjectStore, kind: ResourceKind, obj: KubeObject, status: unknown): KubeObject {
  if (same(obj.status, status)) return obj
  return store.replace(kind, obj.metadata.namespace, obj.metadata.name!, {...obj, status} as KubeObject, 'status')
}

/** Sets (or removes, with undefined) metadata labels/annotations when they differ. */
export function setMetadata(
  store: ObjectStore,
  kind: ResourceKind,
  obj: KubeObject,
  labels: Record<string, string | undefined>,
  annotations: Record<string, string | undefined> = {},
): KubeObject {
  const nextLabels = {...obj.metadata.labels}
  const nextAnnotations = {...obj.metadata.annotations}
  const apply = (into: Record<string, string>, changes: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined) delete into[k]
      else into[k] = v
    }
  }
  apply(nextLabels, labels)
  apply(nextAnnotations, annotations)
  if (same(nextLabels, obj.metadata.labels ?? {}) && same(nextAnnotations, obj.metadata.annotations ?? {})) return obj
  return store.replace(kind, obj.metadata.namespace, obj.metadata.name!, {
    ...obj,
    metadata: {...obj.metadata, labels: nextLabels, annotations: nextAnnotations},
  })
}

/** Parses a CPU quantity to millicores and a memory quantity to bytes. */
export function cpuMillis(q: string | undefined): number {
  if (!q) return 0
  return q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000
}
export {bytesOf} from '../../../core/quantity.js'

export const podReady = (pod: Pod): boolean => Boolean(pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
export const podTerminal = (pod: Pod): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed'
