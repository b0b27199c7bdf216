import {CHI_CRD, SNAPSHOT_KINDS, type SnapshotKind} from '../gateways/kube.js'

/** One RBAC rule, as a Role or ClusterRole holds it. */
export interface PolicyRule {
  apiGroups: string[]
  resources: string[]
  verbs: string[]
  resourceNames?: string[]
}

/** The API group of each kind doctor lists. */
export const KIND_GROUP: Record<SnapshotKind, string> = {
  pods: '',
  services: '',
  endpoints: '',
  persistentvolumeclaims: '',
  events: '',
  secrets: '',
  nodes: '',
  statefulsets: 'apps',
  deployments: 'apps',
  jobs: 'batch',
  poddisruptionbudgets: 'policy',
  clickhouseinstallations: 'clickhouse.altinity.com',
  customresourcedefinitions: 'apiextensions.k8s.io',
}

/** Kinds that live outside any namespace: granted by the ClusterRole. */
const CLUSTER_SCOPED: ReadonlySet<SnapshotKind> = new Set(['nodes', 'customresourcedefinitions'])

/**
 * Exactly what a read-only doctor run asks of the API, and no more: one list per kind in the
 * release's namespace; the release's Secret read by name (the collectors' credentials); a failed
 * Job's log; a port-forward to each ClickHouse pod (and Keeper member, for status). Cluster-wide:
 * nodes (zones, placement) and the one installation CRD by name (a list with a metadata.name
 * field selector is authorised against resourceNames).
 */
export function doctorRules(): {namespaced: PolicyRule[]; cluster: PolicyRule[]} {
  const byGroup = new Map<string, string[]>()
  for (const kind of SNAPSHOT_KINDS) {
    if (CLUSTER_SCOPED.has(kind)) continue
    byGroup.set(KIND_GROUP[kind], [...(byGroup.get(KIND_GROUP[kind]) ?? []), kind])
  }
  const namespaced: PolicyRule[] = [...byGroup].map(([group, resources]) => ({apiGroups: [group], resources, verbs: ['list']}))
  namespaced.push(
    {apiGroups: [''], resources: ['secrets'], verbs: ['get']},
    {apiGroups: [''], resources: ['pods/log'], verbs: ['get']},
    {apiGroups: [''], resources: ['pods/portforward'], verbs: ['create']},
  )
  const cluster: PolicyRule[] = [
    {apiGroups: [''], resources: ['nodes'], verbs: ['list']},
    {apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['list'], resourceNames: [CHI_CRD]},
  ]
  return {namespaced, cluster}
}
