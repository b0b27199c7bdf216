import {defineRemedy, defineRunbook} from '../src/core/runbook.js'
import {uncordonNodes} from '../src/remediation/actions/kube.js'
import {failingFindings} from '../src/remediation/context.js'

export default defineRunbook({
  id: 'pods-pending',
  title: 'Pods stay Pending (anti-affinity, capacity, volumes)',
  symptoms:
    'ClickHouse or ZooKeeper pods Pending with FailedScheduling events: "didn\'t match pod anti-affinity rules", "Insufficient cpu", "unbound immediate PersistentVolumeClaims".',
  scenarios: [11, 33],
  checks: ['kube/pods-pending', 'kube/pvc', 'kube/duplicate-clickhouse'],
  steps: [
    {
      title: "Read the scheduler's reason",
      safety: 'read',
      explain: 'The FailedScheduling event says which filter rejected each node.',
      commands: ['kubectl -n {namespace} get events --field-selector reason=FailedScheduling', 'kubectl -n {namespace} describe pod <pod>'],
    },
    {
      title: 'Anti-affinity: look for a duplicate installation or a lost node',
      safety: 'read',
      explain: 'With one ClickHouse host per node, a second installation or a missing node leaves pods with nowhere to go.',
      commands: ['kubectl get nodes', 'kubectl -n {namespace} get chi'],
    },
    {
      title: 'Uncordon nodes left cordoned',
      safety: 'safe',
      explain: 'A drain for maintenance that was never undone leaves a node unschedulable; with one ClickHouse host per node its pod has nowhere else to go.',
      commands: ['kubectl get nodes', 'kubectl uncordon <node>'],
      remedy: defineRemedy<{namespace: string; nodes: string[]; waitForPods: string[]}>({
        async target(ctx, diagnosis) {
          const pending = failingFindings(diagnosis, 'kube/pods-pending').map((f) => f.subject)
          const d = await ctx.deployment()
          const nodes = (d.snapshot.items.nodes ?? [])
            .filter((n) => (n.spec as {unschedulable?: boolean} | undefined)?.unschedulable)
            .map((n) => n.metadata!.name!)
          return pending.length && nodes.length ? {namespace: d.namespace, nodes, waitForPods: pending} : undefined
        },
        actions: (t) => [uncordonNodes(t)],
      }),
    },
    {
      title: 'Give the pod a place',
      safety: 'disruptive',
      explain:
        'Add a node, remove the duplicate installation (duplicate-clickhouse runbook), or fix the claim (pvc-pending runbook). Do not drop anti-affinity: replicas would share a node.',
    },
    {title: 'Verify', safety: 'read', explain: 'Every pod scheduled and ready.', commands: ['signoz-ha doctor --only kube']},
  ],
})
