/**
 * The kinds the lab's Kubernetes API simulator serves, with the discovery facts real clients
 * read (group, version, plural, scope, short names).
 */
export interface ResourceKind {
  group: string
  version: string
  kind: string
  plural: string
  namespaced: boolean
  shortNames?: string[]
  /** Subresources served as part of the object (status) or by a handler (log, portforward). */
  subresources?: string[]
}

const core = (kind: string, plural: string, namespaced = true, shortNames?: string[], subresources?: string[]): ResourceKind => ({
  group: '',
  version: 'v1',
  kind,
  plural,
  namespaced,
  shortNames,
  subresources,
})
const grouped = (group: string, version: string, kind: string, plural: string, namespaced = true, shortNames?: string[], subresources?: string[]): ResourceKind => ({
  group,
  version,
  kind,
  plural,
  namespaced,
  shortNames,
  subresources,
})

export const BUILTIN_KINDS: readonly ResourceKind[] = [
  core('Namespace', 'namespaces', false, ['ns'], ['status']),
  core('Node', 'nodes', false, ['no'], ['status']),
  core('Pod', 'pods', true, ['po'], ['status', 'log', 'portforward', 'exec']),
  core('Service', 'services', true, ['svc'], ['status']),
  core('Endpoints', 'endpoints', true, ['ep']),
  core('ConfigMap', 'configmaps', true, ['cm']),
  core('Secret', 'secrets'),
  core('Event', 'events', true, ['ev']),
  core('PersistentVolumeClaim', 'persistentvolumeclaims', true, ['pvc'], ['status']),
  core('PersistentVolume', 'persistentvolumes', false, ['pv'], ['status']),
  core('ServiceAccount', 'serviceaccounts', true, ['sa']),
  grouped('storage.k8s.io', 'v1', 'StorageClass', 'storageclasses', false, ['sc']),
  grouped('apps', 'v1', 'Deployment', 'deployments', true, ['deploy'], ['status', 'scale']),
  grouped('apps', 'v1', 'StatefulSet', 'statefulsets', true, ['sts'], ['status', 'scale']),
  grouped('apps', 'v1', 'DaemonSet', 'daemonsets', true, ['ds'], ['status']),
  grouped('apps', 'v1', 'ReplicaSet', 'replicasets', true, ['rs'], ['status', 'scale']),
  grouped('batch', 'v1', 'Job', 'jobs', true, [], ['status']),
  grouped('batch', 'v1', 'CronJob', 'cronjobs', true, ['cj'], ['status']),
  grouped('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, ['pdb'], ['status']),
  grouped('networking.k8s.io', 'v1', 'Ingress', 'ingresses', true, ['ing'], ['status']),
  grouped('rbac.authorization.k8s.io', 'v1', 'Role', 'roles'),
  grouped('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings'),
  grouped('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false),
  grouped('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
  grouped('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, ['crd', 'crds'], ['status']),
]


export const apiVersionOf = (k: ResourceKind): string => (k.group ? `${k.group}/${k.version}` : k.version)

/** A CRD's served kinds, from its spec (every served version). */
export function kindsOfCrd(crd: {spec?: {group?: string; names?: {kind?: string; plural?: string; shortNames?: string[]}; scope?: string; versions?: {name: string; served?: boolean; subresources?: Record<string, unknown>}[]}}): ResourceKind[] {
  const spec = crd.spec
  if (!spec?.group || !spec.names?.kind || !spec.names.plural) return []
  return (spec.versions ?? [])
    .filter((v) => v.served !== false)
    .map((v) => ({
      group: spec.group!,
      version: v.name,
      kind: spec.names!.kind!,
      plural: spec.names!.plural!,
      namespaced: spec.scope !== 'Cluster',
      shortNames: spec.names!.shortNames,
      subresources: Object.keys(v.subresources ?? {}),
    }))
}
