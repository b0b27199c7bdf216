import {SkipCheck, defineCheck, fail, pass, type Finding} from '../../src/core/check.js'
import {label} from '../../src/signoz/deployment.js'

/**
 * ZooKeeper/Keeper has at least three members, all ready, and ClickHouse knows every one.
 * Why: with one member (the chart's default) or a lost majority, every replicated table goes
 * read-only and ON CLUSTER DDL stops (catalogue #3, #23).
 * Fails if: fewer than 3 members, fewer ready than desired, or the installation's ZooKeeper
 * node list differs in size from the ensemble.
 */
export default defineCheck({
  id: 'keeper/quorum',
  title: 'ZooKeeper/Keeper has a quorum that survives losing a member',
  severity: 'critical',
  requires: ['kube'],
  runbook: 'keeper-quorum',
  async run({kube}) {
    const d = kube!.deployment
    if (d.snapshot.errors.statefulsets) throw new SkipCheck(`cannot list StatefulSets: ${d.snapshot.errors.statefulsets.message}`)
    const ensembles = (d.snapshot.items.statefulsets ?? []).filter((s) => label(s, 'app.kubernetes.io/component') === 'zookeeper' || label(s, 'app.kubernetes.io/name') === 'zookeeper')
    const nodes = d.active?.zookeeperNodes ?? []
    const findings: Finding[] = []
    for (const sts of ensembles) {
      const name = sts.metadata?.name ?? ''
      const desired = Number((sts.spec as {replicas?: number} | undefined)?.replicas ?? 1)
      const ready = Number((sts.status as {readyReplicas?: number} | undefined)?.readyReplicas ?? 0)
      const evidence = {members: desired, ready, clickhouseNodes: nodes.length}
      if (desired < 3) findings.push(fail(name, `${desired} member(s): losing one leaves no quorum and every replicated table read-only`, evidence))
      else if (ready < desired) findings.push(fail(name, `${ready}/${desired} members ready: ${ready > desired / 2 ? 'quorum holds but one more loss breaks it' : 'quorum is lost'}`, evidence))
      else if (nodes.length && nodes.length !== desired) findings.push(fail(name, `${desired} members but installation ${d.active?.name} lists ${nodes.length} ZooKeeper node(s)`, evidence))
      else findings.push(pass(name, `${ready}/${desired} members ready`, evidence))
    }
    if (ensembles.length === 0) {
      if (nodes.length === 0) throw new SkipCheck(`no ZooKeeper StatefulSet in ${d.namespace} and no Keeper nodes in the installation`)
      // External Keeper: only its size is visible from here.
      const subject = `${d.active?.name} zookeeper.nodes`
      findings.push(nodes.length >= 3 ? pass(subject, `${nodes.length} external members configured`, {members: nodes.length}) : fail(subject, `${nodes.length} external member(s) configured: no quorum survives losing one`, {members: nodes.length}))
    }
    return findings
  },
})
