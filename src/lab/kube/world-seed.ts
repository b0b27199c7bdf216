import type {ObjectStore} from './store.js'

/** At least three nodes (three zones); more when the lab has more ClickHouse hosts, one node each. */
export const labNodeCount = (hosts: number): number => Math.max(3, hosts)
const ZONES = ['zone-a', 'zone-b', 'zone-c']

/**
 * What a fresh lab cluster holds before the SigNoz release is installed: the usual namespaces
 * and simulated nodes spread over three zones, one per ClickHouse host so that one-host-per-node
 * anti-affinity fits exactly (and a second installation does not).
 */
export function seedCluster(store: ObjectStore, namespace: string, nodeCount = labNodeCount(0)): void {
  const classes = store.kindByPath('storage.k8s.io', 'v1', 'storageclasses')!
  // The cluster default, and the SSD classes generated values name on each cloud (EKS, GKE, AKS).
  for (const name of ['standard', 'gp3', 'premium-rwo', 'managed-csi-premium']) {
    if (store.tryGet(classes, undefined, name)) continue
    store.create(classes, undefined, {
      metadata: {name, ...(name === 'standard' ? {annotations: {'storageclass.kubernetes.io/is-default-class': 'true'}} : {})},
      provisioner: 'lab.signoz-ha.io/hostpath',
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'Immediate',
      allowVolumeExpansion: true,
    })
  }
  const ns = store.kindByPath('', 'v1', 'namespaces')!
  for (const name of ['default', 'kube-system', namespace]) {
    if (!store.tryGet(ns, undefined, name))
      store.create(ns, undefined, {metadata: {name, labels: {'kubernetes.io/metadata.name': name}}, status: {phase: 'Active'}})
  }
  const nodes = store.kindByPath('', 'v1', 'nodes')!
  for (let i = 0; i < nodeCount; i++) {
    const name = `lab-node-${i}`
    if (store.tryGet(nodes, undefined, name)) continue
    store.create(nodes, undefined, {
      metadata: {
        name,
        labels: {
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          'topology.kubernetes.io/zone': ZONES[i % ZONES.length]!,
          'node.kubernetes.io/instance-type': 'lab.2xlarge',
        },
      },
      status: {
        capacity: {cpu: '8', memory: '32Gi', pods: '110'},
        allocatable: {cpu: '8', memory: '32Gi', pods: '110'},
        conditions: [{type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'lab node is ready'}],
        nodeInfo: {kubeletVersion: 'v1.31.0', osImage: 'signoz-ha lab', architecture: 'amd64', operatingSystem: 'linux'},
      },
    })
  }
}
