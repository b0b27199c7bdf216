import {defineRunbook} from '../src/core/runbook.js'

export default defineRunbook({
  id: 'keeper-quorum',
  title: 'ZooKeeper/Keeper has no fault-tolerant quorum',
  symptoms: 'One ZooKeeper member (the chart default) or members not ready: the next restart of that member makes every replicated table read-only.',
  scenarios: [3, 23],
  checks: ['keeper/quorum', 'keeper/reachable', 'helm/values-ha'],
  steps: [
    {title: 'See the ensemble', safety: 'read', explain: 'Members desired and ready, and the node list ClickHouse uses.', commands: ['kubectl -n {namespace} get sts -l app.kubernetes.io/component=zookeeper', 'kubectl -n {namespace} get chi -o jsonpath="{.items[*].spec.configuration.zookeeper.nodes}"']},
    {title: 'Grow to three members', safety: 'disruptive', explain: 'Set clickhouse.zookeeper.replicaCount=3 (and a disruption budget); the installation picks up the new node list. Never wipe the existing member\'s data: it holds every replicated table\'s metadata.', commands: ['helm -n {namespace} upgrade {release} signoz/signoz --reuse-values --set clickhouse.zookeeper.replicaCount=3']},
    {title: 'Verify', safety: 'read', explain: 'Three ready members, ClickHouse connected to them.', commands: ['signoz-ha doctor --only keeper']},
  ],
})
