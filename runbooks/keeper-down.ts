import {defineRunbook} from '../src/core/runbook.js'

export default defineRunbook({
  id: 'keeper-down',
  title: 'ZooKeeper/Keeper is down or unreachable',
  symptoms: 'All connection tries failed while connecting to ZooKeeper (code 999); replicated tables read-only; every ON CLUSTER statement times out; collectors crash-loop.',
  scenarios: [3, 23, 28, 31],
  checks: ['keeper/reachable', 'clickhouse/replicas-readonly'],
  steps: [
    {title: 'See the Keeper pods and their last errors', safety: 'read', explain: 'Pending pods, a full data volume and a corrupted snapshot need different fixes.', commands: ['kubectl -n {namespace} get pods -l app.kubernetes.io/component=zookeeper -o wide', 'kubectl -n {namespace} logs <zookeeper-pod> --tail=100']},
    {title: 'Bring Keeper back', safety: 'safe', explain: 'Restart the failed member; in a 3-member ensemble a broken member can be re-created from its peers. Never wipe a single-member Keeper: every replicated table would lose its metadata.'},
    {title: 'Let ClickHouse reconnect', safety: 'safe', explain: 'Sessions come back within a minute; tables still read-only afterwards need the replica-readonly runbook.', commands: ['SYSTEM DROP DNS CACHE']},
    {title: 'Verify', safety: 'read', explain: 'Every host reaches Keeper and every table is writable.', commands: ['signoz-ha doctor --only keeper --only clickhouse/replicas-readonly']},
  ],
})
