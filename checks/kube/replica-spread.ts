import {SkipCheck, defineCheck, fail, pass, type Finding} from '../../src/core/check.js'
import {label} from '../../src/signoz/deployment.js'

/**
 * Replicas of a shard, and Keeper members, run on different nodes (and zones where there are enough).
 * Why: two replicas on one node fail together; the point of replication is lost (catalogue:
 * replicas co-located after a reschedule without anti-affinity).
 * Fails if: two replicas of one shard, or two ZooKeeper members, share a node; or share a zone
 * while the cluster has at least as many zones as replicas.
 */
export default defineCheck({
  id: 'kube/replica-spread',
  title: 'Replicas of each shard and Keeper members are spread over nodes and zones',
  severity: 'warning',
  requires: ['kube'],
  runbook: 'replica-spread',
  scenarios: [],
  async run({kube}) {
    const d = kube!.deployment
    if (d.snapshot.errors.nodes) throw new SkipCheck(`cannot list nodes: ${d.snapshot.errors.nodes.message}`)
    const zoneOf = new Map((d.snapshot.items.nodes ?? []).map((n) => [n.metadata?.name, label(n, 'topology.kubernetes.io/zone')]))
    const zones = new Set([...zoneOf.values()].filter(Boolean)).size
    const findings: Finding[] = []
    const judge = (subject: string, members: {pod: string; node?: string}[]) => {
      const placed = members.filter((m) => m.node)
      const byNode = Map.groupBy(placed, (m) => m.node!)
      const shared = [...byNode].filter(([, ms]) => ms.length > 1)
      const byZone = Map.groupBy(
        placed.filter((m) => zoneOf.get(m.node)),
        (m) => zoneOf.get(m.node)!,
      )
      const evidence = {placement: Object.fromEntries(placed.map((m) => [m.pod, `${m.node}${zoneOf.get(m.node) ? ` (${zoneOf.get(m.node)})` : ''}`]))}
      if (shared.length) {
        findings.push(fail(subject, shared.map(([node, ms]) => `${ms.map((m) => m.pod).join(' and ')} share node ${node}`).join('; '), evidence))
      } else if (zones >= placed.length && byZone.size < placed.length && placed.length > 1) {
        findings.push(
          fail(subject, `${placed.length} members in ${byZone.size} zone(s) although the cluster has ${zones}: one zone outage takes several`, evidence),
        )
      } else {
        findings.push(pass(subject, `${placed.length} members on ${byNode.size} nodes${zones ? ` in ${byZone.size} zones` : ''}`, evidence))
      }
    }
    const active = d.active
    if (active && active.replicasPerShard > 1) {
      for (const [shard, pods] of Map.groupBy(active.pods, (p) => label(p, 'clickhouse.altinity.com/shard') ?? '?')) {
        judge(
          `${active.name} shard ${shard}`,
          pods.map((p) => ({pod: p.metadata?.name ?? '', node: (p.spec as {nodeName?: string} | undefined)?.nodeName})),
        )
      }
    }
    const keeper = (d.snapshot.items.pods ?? []).filter(
      (p) => label(p, 'app.kubernetes.io/component') === 'zookeeper' || label(p, 'app.kubernetes.io/name') === 'clickhouse-keeper',
    )
    if (keeper.length > 1)
      judge(
        'zookeeper',
        keeper.map((p) => ({pod: p.metadata?.name ?? '', node: (p.spec as {nodeName?: string} | undefined)?.nodeName})),
      )
    if (findings.length === 0) throw new SkipCheck('no shard with several replicas and no Keeper ensemble to spread')
    return findings
  },
})
