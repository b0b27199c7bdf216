import type {ObjectStore} from '../store.js'
import {recordEvent} from './events.js'
import {bytesOf, cpuMillis, mustKind, podTerminal, selectorMatches, setStatus, timestamp, type AffinityTerm, type Pod} from './objects.js'

interface NodeView {
  name: string
  labels: Record<string, string>
  ready: boolean
  unschedulable: boolean
  cpu: number
  memory: number
  pods: number
  used: {cpu: number; memory: number; pods: number}
}

const requests = (pod: Pod) =>
  pod.spec.containers.reduce(
    (sum, c) => ({cpu: sum.cpu + cpuMillis(c.resources?.requests?.cpu), memory: sum.memory + bytesOf(c.resources?.requests?.memory)}),
    {cpu: 0, memory: 0},
  )

const ZONE = 'topology.kubernetes.io/zone'

/** Placed pods selected by a Service that also selects pod: what SelectorSpread spreads apart. */
function servicePeers(store: ObjectStore, pod: Pod, placed: readonly {pod: Pod; node: NodeView}[]): {pod: Pod; node: NodeView}[] {
  const services = store
    .scan(mustKind(store, 'Service'), pod.metadata.namespace)
    .map((s) => (s.spec as {selector?: Record<string, string>} | undefined)?.selector)
    .filter((sel): sel is Record<string, string> => Boolean(sel && Object.keys(sel).length && selectorMatches(sel, pod.metadata.labels)))
  if (services.length === 0) return []
  return placed.filter((p) => p.pod.metadata.namespace === pod.metadata.namespace && services.some((sel) => selectorMatches(sel, p.pod.metadata.labels)))
}

const matchingInDomain = (
  selector: Parameters<typeof selectorMatches>[0],
  key: string,
  domain: string | undefined,
  pod: Pod,
  placed: readonly {pod: Pod; node: NodeView}[],
) =>
  domain === undefined
    ? 0
    : placed.filter(
        (p) => p.pod.metadata.namespace === pod.metadata.namespace && p.node.labels[key] === domain && selectorMatches(selector, p.pod.metadata.labels),
      ).length

/** topologySpreadConstraints with DoNotSchedule: placing here would exceed maxSkew. */
function spreadViolated(pod: Pod, node: NodeView, nodes: readonly NodeView[], placed: readonly {pod: Pod; node: NodeView}[]): boolean {
  return (pod.spec.topologySpreadConstraints ?? []).some((c) => {
    if (c.whenUnsatisfiable === 'ScheduleAnyway') return false
    const domains = [...new Set(nodes.map((n) => n.labels[c.topologyKey]).filter((d): d is string => d !== undefined))]
    const counts = domains.map((d) => matchingInDomain(c.labelSelector, c.topologyKey, d, pod, placed))
    return matchingInDomain(c.labelSelector, c.topologyKey, node.labels[c.topologyKey], pod, placed) + 1 - Math.min(...counts) > c.maxSkew
  })
}

/** Soft spreading: matching pods already in this node's domains, over the pod's spread constraints. */
const spreadScore = (pod: Pod, node: NodeView, placed: readonly {pod: Pod; node: NodeView}[]): number =>
  (pod.spec.topologySpreadConstraints ?? []).reduce((n, c) => n + matchingInDomain(c.labelSelector, c.topologyKey, node.labels[c.topologyKey], pod, placed), 0)

const antiAffinity = (pod: Pod): AffinityTerm[] => pod.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []

/** Does placing pod on node break a required anti-affinity term, its own or an existing pod's? */
function antiAffinityConflict(pod: Pod, node: NodeView, placed: readonly {pod: Pod; node: NodeView}[]): boolean {
  const sameDomain = (term: AffinityTerm, other: NodeView) =>
    node.labels[term.topologyKey] !== undefined && node.labels[term.topologyKey] === other.labels[term.topologyKey]
  const inNamespaces = (term: AffinityTerm, owner: Pod, candidate: Pod) =>
    (term.namespaces?.length ? term.namespaces : [owner.metadata.namespace]).includes(candidate.metadata.namespace)
  for (const {pod: other, node: otherNode} of placed) {
    for (const term of antiAffinity(pod)) {
      if (sameDomain(term, otherNode) && inNamespaces(term, pod, other) && selectorMatches(term.labelSelector, other.metadata.labels)) return true
    }
    for (const term of antiAffinity(other)) {
      if (sameDomain(term, otherNode) && inNamespaces(term, other, pod) && selectorMatches(term.labelSelector, pod.metadata.labels)) return true
    }
  }
  return false
}

/**
 * The default scheduler's filters for what the lab uses: node readiness and cordons,
 * nodeSelector, CPU/memory requests against allocatable, pod count, required pod
 * anti-affinity (both directions), and bound PersistentVolumeClaims. A pod no node fits stays
 * Pending with PodScheduled=False and a FailedScheduling event worded like the real one.
 */
export function schedule(store: ObjectStore): void {
  const podKind = mustKind(store, 'Pod')
  const pvcKind = mustKind(store, 'PersistentVolumeClaim')
  const nodes: NodeView[] = store.scan(mustKind(store, 'Node')).map((n) => {
    const status = n.status as {allocatable?: Record<string, string>; conditions?: {type: string; status: string}[]} | undefined
    return {
      name: n.metadata.name!,
      labels: n.metadata.labels ?? {},
      ready: Boolean(status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')),
      unschedulable: Boolean((n.spec as {unschedulable?: boolean} | undefined)?.unschedulable),
      cpu: cpuMillis(status?.allocatable?.cpu),
      memory: bytesOf(status?.allocatable?.memory),
      pods: Number(status?.allocatable?.pods ?? 110),
      used: {cpu: 0, memory: 0, pods: 0},
    }
  })
  const byName = new Map(nodes.map((n) => [n.name, n]))
  const placed: {pod: Pod; node: NodeView}[] = []
  const pending: Pod[] = []
  for (const obj of store.scan(podKind)) {
    const pod = obj as Pod
    if (podTerminal(pod) || pod.metadata.deletionTimestamp) continue
    const node = pod.spec.nodeName ? byName.get(pod.spec.nodeName) : undefined
    if (pod.spec.nodeName && !node) {
      // The pod garbage collector: pods bound to a node that no longer exists are deleted (their controller recreates them).
      store.delete(podKind, pod.metadata.namespace, pod.metadata.name!)
      continue
    }
    if (node) {
      const r = requests(pod)
      node.used.cpu += r.cpu
      node.used.memory += r.memory
      node.used.pods++
      // Only pods that declare or could match anti-affinity matter for the conflict scan.
      placed.push({pod, node})
    } else if (!pod.spec.nodeName) pending.push(pod)
  }
  for (const pod of pending.sort(
    (a, b) => String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)) || a.metadata.name!.localeCompare(b.metadata.name!),
  )) {
    const reasons = new Map<string, number>()
    const reject = (reason: string) => reasons.set(reason, (reasons.get(reason) ?? 0) + 1)
    const unbound = (pod.spec.volumes ?? []).some((v) => {
      if (!v.persistentVolumeClaim) return false
      const pvc = store.tryGet(pvcKind, pod.metadata.namespace, v.persistentVolumeClaim.claimName)
      return (pvc?.status as {phase?: string} | undefined)?.phase !== 'Bound'
    })
    const r = requests(pod)
    const fits: NodeView[] = []
    if (!unbound) {
      for (const node of nodes) {
        if (!node.ready) reject('node(s) had untolerated taint {node.kubernetes.io/not-ready: }')
        else if (node.unschedulable) reject('node(s) were unschedulable')
        else if (Object.entries(pod.spec.nodeSelector ?? {}).some(([k, v]) => node.labels[k] !== v)) reject("node(s) didn't match Pod's node affinity/selector")
        else if (node.used.pods + 1 > node.pods) reject('Too many pods')
        else if (node.used.cpu + r.cpu > node.cpu) reject('Insufficient cpu')
        else if (node.used.memory + r.memory > node.memory) reject('Insufficient memory')
        else if (antiAffinityConflict(pod, node, placed)) reject("node(s) didn't match pod anti-affinity rules")
        else if (spreadViolated(pod, node, nodes, placed)) reject("node(s) didn't match pod topology spread constraints")
        else fits.push(node)
      }
    }
    if (fits.length === 0) {
      const detail = unbound
        ? `pod has unbound immediate PersistentVolumeClaims`
        : [...reasons]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([reason, n]) => `${n} ${reason}`)
            .join(', ')
      const message = `0/${nodes.length} nodes are available: ${detail}. preemption: 0/${nodes.length} nodes are available: ${nodes.length} Preemption is not helpful for scheduling.`
      const previous = pod.status?.conditions?.find((c) => c.type === 'PodScheduled')
      if (previous?.message !== message) {
        setStatus(store, podKind, pod, {
          ...pod.status,
          phase: 'Pending',
          conditions: [{type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastTransitionTime: timestamp()}],
        })
        recordEvent(store, pod, 'Warning', 'FailedScheduling', message, 'default-scheduler')
      }
      continue
    }
    // Scoring as the default spread plugins do: fewest pods of the same Services in the node's
    // zone, then on the node, then the emptiest node; ties by name.
    const peers = servicePeers(store, pod, placed)
    const inZone = (n: NodeView) => peers.filter((p) => p.node.labels[ZONE] !== undefined && p.node.labels[ZONE] === n.labels[ZONE]).length
    const onNode = (n: NodeView) => peers.filter((p) => p.node === n).length
    const node = fits.sort(
      (a, b) =>
        spreadScore(pod, a, placed) - spreadScore(pod, b, placed) ||
        inZone(a) - inZone(b) ||
        onNode(a) - onNode(b) ||
        a.used.pods - b.used.pods ||
        a.name.localeCompare(b.name),
    )[0]!
    const bound = store.replace(podKind, pod.metadata.namespace, pod.metadata.name!, {...pod, spec: {...pod.spec, nodeName: node.name}} as Pod) as Pod
    setStatus(store, podKind, bound, {
      ...bound.status,
      phase: 'Pending',
      conditions: [{type: 'PodScheduled', status: 'True', lastTransitionTime: timestamp()}],
    })
    recordEvent(
      store,
      bound,
      'Normal',
      'Scheduled',
      `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node.name}`,
      'default-scheduler',
    )
    node.used.cpu += r.cpu
    node.used.memory += r.memory
    node.used.pods++
    placed.push({pod: bound, node})
  }
}
