import {defineRunbook} from '../src/core/runbook.js'

export default defineRunbook({
  id: 'pods-pending',
  title: 'Pods stay Pending (anti-affinity, capacity, volumes)',
  symptoms: 'ClickHouse or ZooKeeper pods Pending with FailedScheduling events: "didn\'t match pod anti-affinity rules", "Insufficient cpu", "unbound immediate PersistentVolumeClaims".',
  scenarios: [11, 17],
  checks: ['kube/pods-pending', 'kube/pvc', 'kube/duplicate-clickhouse'],
  steps: [
    {title: "Read the scheduler's reason", safety: 'read', explain: 'The FailedScheduling event says which filter rejected each node.', commands: ['kubectl -n {namespace} get events --field-selector reason=FailedScheduling', 'kubectl -n {namespace} describe pod <pod>']},
    {title: 'Anti-affinity: look for a duplicate installation or a lost node', safety: 'read', explain: 'With one ClickHouse host per node, a second installation or a missing node leaves pods with nowhere to go.', commands: ['kubectl get nodes', 'kubectl -n {namespace} get chi']},
    {title: 'Give the pod a place', safety: 'disruptive', explain: 'Add or uncordon a node, remove the duplicate installation (duplicate-clickhouse runbook), or fix the claim (pvc-pending runbook). Do not drop anti-affinity: replicas would share a node.'},
    {title: 'Verify', safety: 'read', explain: 'Every pod scheduled and ready.', commands: ['signoz-ha doctor --only kube']},
  ],
})
