import {CHI_CRD, KIND_API, SNAPSHOT_KINDS} from '../gateways/kube.js'

/** One RBAC rule, as a Role or ClusterRole holds it. */
export interface PolicyRule {
  apiGroups: string[]
  resources: string[]
  verbs: string[]
  resourceNames?: string[]
}

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
    const {group, clusterScoped} = KIND_API[kind]
    // Kinds outside any namespace are granted by the ClusterRole.
    if (clusterScoped) continue
    byGroup.set(group, [...(byGroup.get(group) ?? []), kind])
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
