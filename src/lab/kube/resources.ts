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
  /** For a CRD's kind: the CRD's name, and the version's additionalPrinterColumns (kubectl get's columns). */
  crd?: string
  printerColumns?: PrinterColumn[]
  categories?: string[]
}

/** One of a CRD version's additionalPrinterColumns. */
export interface PrinterColumn {
  name: string
  type: string
  format?: string
  description?: string
  priority?: number
  jsonPath: string
}

/** The part of a CustomResourceDefinition the simulator reads. */
export interface CrdObject {
  metadata: {name?: string}
  spec?: {
    group?: string
    names?: {kind?: string; plural?: string; singular?: string; listKind?: string; shortNames?: string[]; categories?: string[]}
    scope?: string
    versions?: {name: string; served?: boolean; storage?: boolean; subresources?: Record<string, unknown>; additionalPrinterColumns?: PrinterColumn[]}[]
  }
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
const grouped = (
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced = true,
  shortNames?: string[],
  subresources?: string[],
): ResourceKind => ({
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
  grouped('coordination.k8s.io', 'v1', 'Lease', 'leases'),
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
export function kindsOfCrd(crd: CrdObject): ResourceKind[] {
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
      categories: spec.names!.categories,
      subresources: Object.keys(v.subresources ?? {}),
      crd: crd.metadata.name,
      printerColumns: v.additionalPrinterColumns,
    }))
}

/**
 * What the API server writes into a CRD's status once it serves it (within a second on a real
 * cluster; at once here): the accepted names, NamesAccepted and Established, the stored versions.
 * Helm waits for Established before it installs anything of the chart.
 */
export function crdServedStatus(
  crd: CrdObject,
  previous: {storedVersions?: string[]; conditions?: {type: string; lastTransitionTime?: string}[]} | undefined,
  now: string,
): Record<string, unknown> {
  const names = crd.spec?.names ?? {}
  const kind = names.kind ?? ''
  const since = (type: string) => previous?.conditions?.find((c) => c.type === type)?.lastTransitionTime ?? now
  const storage = crd.spec?.versions?.find((v) => v.storage)?.name
  return {
    acceptedNames: {
      kind,
      plural: names.plural,
      singular: names.singular ?? kind.toLowerCase(),
      listKind: names.listKind ?? `${kind}List`,
      ...(names.shortNames?.length ? {shortNames: names.shortNames} : {}),
      ...(names.categories?.length ? {categories: names.categories} : {}),
    },
    conditions: [
      {type: 'NamesAccepted', status: 'True', lastTransitionTime: since('NamesAccepted'), reason: 'NoConflicts', message: 'no conflicts found'},
      {
        type: 'Established',
        status: 'True',
        lastTransitionTime: since('Established'),
        reason: 'InitialNamesAccepted',
        message: 'the initial names have been accepted',
      },
    ],
    storedVersions: [...new Set([...(previous?.storedVersions ?? []), ...(storage ? [storage] : [])])],
  }
}
