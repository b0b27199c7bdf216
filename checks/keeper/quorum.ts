import {SkipCheck, defineCheck, fail, pass, type Finding} from '../../src/core/check.js'
import type {KubeItem} from '../../src/gateways/kube.js'
import {label, podReady, type SignozDeployment} from '../../src/signoz/deployment.js'

type Node = {host: string; port?: number}

/**
 * The pods a ZooKeeper/Keeper address of the installation reaches in this namespace: a member's
 * own DNS name (`<pod>.<headless service>`), or a Service (its selector's pods, as a
 * ClickHouseKeeperInstallation or a Keeper StatefulSet is usually addressed). None: the address
 * is outside the namespace (an external ensemble, or another namespace).
 */
function podsBehind(host: string, d: SignozDeployment): KubeItem[] {
  const [first, second, third, fourth] = host.split('.')
  // <name>.<ns>.svc… or <pod>.<service>.<ns>.svc…: another namespace's objects are not in the snapshot.
  const namespace = second === 'svc' ? undefined : third === 'svc' ? second : fourth === 'svc' ? third : undefined
  if (namespace && namespace !== d.namespace) return []
  const pods = d.snapshot.items.pods ?? []
  const services = d.snapshot.items.services ?? []
  const pod = pods.find((p) => p.metadata?.name === first)
  if (pod && (!second || second === 'svc' || services.some((s) => s.metadata?.name === second))) return [pod]
  const service = services.find((s) => s.metadata?.name === first)
  const selector = (service?.spec as {selector?: Record<string, string>} | undefined)?.selector
  if (!service || !selector || Object.keys(selector).length === 0) return []
  return pods.filter((p) => Object.entries(selector).every(([k, v]) => label(p, k) === v))
}

/** The StatefulSet a pod belongs to (its controller). */
const ownerSet = (pod: KubeItem, sets: readonly KubeItem[]) => {
  const owners = (pod.metadata as {ownerReferences?: {kind: string; name: string}[]} | undefined)?.ownerReferences
  return sets.find((s) =>
    owners ? owners.some((o) => o.kind === 'StatefulSet' && o.name === s.metadata?.name) : String(pod.metadata?.name).startsWith(`${s.metadata?.name}-`),
  )
}

/**
 * ZooKeeper/Keeper has at least three members, all ready, and ClickHouse knows every one.
 * Why: with one member (the chart's default) or a lost majority, every replicated table goes
 * read-only and ON CLUSTER DDL stops (catalogue #3, #23).
 * The members are what ClickHouse uses: the installation's `spec.configuration.zookeeper.nodes`,
 * whatever runs them (the chart's ZooKeeper, a Keeper StatefulSet, a ClickHouseKeeperInstallation
 * behind one Service, an external ensemble). Without such a list, the ZooKeeper StatefulSets of
 * the namespace.
 * Fails if: the ensemble behind the nodes has fewer than 3 members or fewer ready than desired,
 * the installation lists members individually but not all of them, or fewer than 3 external
 * addresses are listed for an ensemble the cluster cannot see into.
 */
export default defineCheck({
  id: 'keeper/quorum',
  title: 'ZooKeeper/Keeper has a quorum that survives losing a member',
  severity: 'critical',
  requires: ['kube'],
  runbook: 'keeper-quorum',
  scenarios: [3, 23, 28],
  async run({kube}) {
    const d = kube!.deployment
    if (d.snapshot.errors.statefulsets) throw new SkipCheck(`cannot list StatefulSets: ${d.snapshot.errors.statefulsets.message}`)
    const sets = d.snapshot.items.statefulsets ?? []
    const nodes: Node[] = d.active?.zookeeperNodes ?? []
    const findings: Finding[] = []
    const judge = (sts: KubeItem, listed: number | undefined) => {
      const name = sts.metadata?.name ?? ''
      const desired = Number((sts.spec as {replicas?: number} | undefined)?.replicas ?? 1)
      const ready = Number((sts.status as {readyReplicas?: number} | undefined)?.readyReplicas ?? 0)
      const evidence = {members: desired, ready, clickhouseNodes: nodes.length}
      if (desired < 3) return fail(name, `${desired} member(s): losing one leaves no quorum and every replicated table read-only`, evidence)
      if (ready < desired)
        return fail(name, `${ready}/${desired} members ready: ${ready > desired / 2 ? 'quorum holds but one more loss breaks it' : 'quorum is lost'}`, evidence)
      if (listed !== undefined && listed !== desired)
        return fail(name, `${desired} members but installation ${d.active?.name} lists ${listed} of them`, evidence)
      return pass(name, `${ready}/${desired} members ready`, evidence)
    }
    if (nodes.length === 0) {
      const ensembles = sets.filter((s) => label(s, 'app.kubernetes.io/component') === 'zookeeper' || label(s, 'app.kubernetes.io/name') === 'zookeeper')
      if (ensembles.length === 0) throw new SkipCheck(`no ZooKeeper StatefulSet in ${d.namespace} and no Keeper nodes in the installation`)
      return ensembles.map((s) => judge(s, undefined))
    }
    const resolved = nodes.map((n) => ({node: n, pods: podsBehind(n.host, d)}))
    // Each ensemble ClickHouse reaches, with how many of its members the node list names one by one.
    const ensembles = new Map<KubeItem, {listed: number; individually: boolean}>()
    for (const {pods} of resolved) {
      for (const pod of pods) {
        const sts = ownerSet(pod, sets)
        if (!sts) continue
        const e = ensembles.get(sts) ?? {listed: 0, individually: true}
        if (pods.length === 1) e.listed++
        else e.individually = false
        ensembles.set(sts, e)
      }
    }
    for (const [sts, e] of ensembles) findings.push(judge(sts, e.individually ? e.listed : undefined))
    // Members outside any StatefulSet (bare pods): ready or not.
    for (const pod of resolved.flatMap((r) => r.pods).filter((p) => !ownerSet(p, sets))) {
      findings.push(podReady(pod) ? pass(pod.metadata?.name ?? '', 'member ready') : fail(pod.metadata?.name ?? '', 'member not ready', {ready: false}))
    }
    const external = resolved.filter((r) => r.pods.length === 0)
    if (external.length > 0) {
      const subject = `${d.active?.name} zookeeper.nodes`
      const hosts = external.map((r) => `${r.node.host}:${r.node.port ?? 2181}`)
      const evidence = {external: hosts, members: external.length}
      if (ensembles.size > 0)
        findings.push(fail(subject, `${hosts.join(', ')} listed beside the in-cluster ensemble but not found in ${d.namespace}`, evidence))
      else if (external.length >= 3) findings.push(pass(subject, `${external.length} external members configured: ${hosts.join(', ')}`, evidence))
      else if (external.length === 1 && !/-\d+\./.test(external[0]!.node.host)) {
        // One address for a whole ensemble (a load-balanced Service elsewhere): its members are not visible from here.
        findings.push(
          pass(
            subject,
            `one external address (${hosts[0]}) for the whole ensemble: its members are not visible from the cluster; make sure it runs at least 3`,
            {...evidence, visible: false},
          ),
        )
      } else findings.push(fail(subject, `${external.length} external member(s) configured (${hosts.join(', ')}): no quorum survives losing one`, evidence))
    }
    return findings
  },
})
