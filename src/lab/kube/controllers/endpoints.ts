import type {KubeObject, ObjectStore} from '../store.js'
import {ensure, mustKind, podReady, podTerminal, selectorMatches, type Pod} from './objects.js'

type Service = KubeObject & {
  spec: {selector?: Record<string, string>; clusterIP?: string; ports?: {name?: string; port: number; targetPort?: number | string; protocol?: string}[]}
}

const MANAGED = 'endpoints.lab.signoz-ha.io/managed'

/**
 * The service IP allocator and the endpoints controller: each Service with a selector gets an
 * Endpoints object listing its matching pods, ready ones under addresses and the others under
 * notReadyAddresses; Endpoints of a deleted Service go with it.
 */
export function reconcileEndpoints(store: ObjectStore): void {
  const svcKind = mustKind(store, 'Service')
  const epKind = mustKind(store, 'Endpoints')
  const podKind = mustKind(store, 'Pod')
  const services = store.scan(svcKind) as Service[]
  let nextIp = 10
  for (const svc of services) {
    if (!svc.spec.clusterIP) {
      const used = new Set(services.map((s) => s.spec.clusterIP))
      let ip = ''
      do ip = `10.96.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}`
      while (used.has(ip))
      store.replace(svcKind, svc.metadata.namespace, svc.metadata.name!, {...svc, spec: {...svc.spec, clusterIP: ip, clusterIPs: [ip]}} as Service)
    }
    if (!svc.spec.selector || Object.keys(svc.spec.selector).length === 0) continue
    const pods = (store.scan(podKind, svc.metadata.namespace) as Pod[]).filter(
      (p) => !podTerminal(p) && !p.metadata.deletionTimestamp && p.status?.podIP && selectorMatches(svc.spec.selector, p.metadata.labels),
    )
    const address = (p: Pod) => ({
      ip: p.status!.podIP!,
      nodeName: p.spec.nodeName,
      targetRef: {kind: 'Pod', namespace: p.metadata.namespace, name: p.metadata.name, uid: p.metadata.uid},
    })
    const ready = pods.filter(podReady).map(address)
    const notReady = pods.filter((p) => !podReady(p)).map(address)
    const ports = (svc.spec.ports ?? []).map((p) => ({
      name: p.name,
      port: typeof p.targetPort === 'number' ? p.targetPort : p.port,
      protocol: p.protocol ?? 'TCP',
    }))
    const subsets = pods.length ? [{...(ready.length ? {addresses: ready} : {}), ...(notReady.length ? {notReadyAddresses: notReady} : {}), ports}] : []
    ensure(store, epKind, {
      metadata: {name: svc.metadata.name, namespace: svc.metadata.namespace, labels: {...svc.metadata.labels}, annotations: {[MANAGED]: 'true'}},
      subsets,
    })
  }
  const live = new Set(services.map((s) => `${s.metadata.namespace}/${s.metadata.name}`))
  for (const ep of store.scan(epKind)) {
    if (ep.metadata.annotations?.[MANAGED] && !live.has(`${ep.metadata.namespace}/${ep.metadata.name}`))
      store.delete(epKind, ep.metadata.namespace, ep.metadata.name!)
  }
}
