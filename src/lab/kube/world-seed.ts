import type {ObjectStore} from './store.js'

export const LAB_NODE_COUNT = 3
const ZONES = ['zone-a', 'zone-b', 'zone-c']

/**
 * What a fresh lab cluster holds before the SigNoz release is installed: the usual namespaces
 * and simulated nodes spread over three zones, each with room for a few ClickHouse pods.
 */
export function seedCluster(store: ObjectStore, namespace: string): void {
  const ns = store.kindByPath('', 'v1', 'namespaces')!
  for (const name of ['default', 'kube-system', namespace]) {
    if (!store.tryGet(ns, undefined, name)) store.create(ns, undefined, {metadata: {name, labels: {'kubernetes.io/metadata.name': name}}, status: {phase: 'Active'}})
  }
  const nodes = store.kindByPath('', 'v1', 'nodes')!
  for (let i = 0; i < LAB_NODE_COUNT; i++) {
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
