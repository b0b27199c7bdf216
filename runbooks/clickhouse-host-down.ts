import {defineRunbook} from '../src/core/runbook.js'

export default defineRunbook({
  id: 'clickhouse-host-down',
  title: 'A ClickHouse host does not answer',
  symptoms: 'doctor cannot query a host; queries through distributed tables fail with ALL_CONNECTION_TRIES_FAILED when a whole shard is gone.',
  scenarios: [35, 18, 17],
  checks: ['clickhouse/reachable'],
  steps: [
    {title: 'See why the pod is down', safety: 'read', explain: 'OOMKilled, a liveness kill during table loading and a crash loop need different fixes.', commands: ['kubectl -n {namespace} get pods -l clickhouse.altinity.com/app=chop -o wide', 'kubectl -n {namespace} describe pod <pod>', 'kubectl -n {namespace} logs <pod> --previous --tail=100']},
    {title: 'Check the other replicas of its shard', safety: 'read', explain: 'With a healthy peer replica the shard still serves reads and writes; without one every distributed query fails.', commands: ["SELECT shard_num, replica_num, host_name, errors_count FROM system.clusters WHERE cluster = '{cluster}'"]},
    {title: 'Restart the host', safety: 'disruptive', explain: 'Delete the pod so its StatefulSet recreates it; wait until it is Ready before touching any other host.', commands: ['kubectl -n {namespace} delete pod <pod>']},
    {title: 'Verify', safety: 'read', explain: 'The host answers and has caught up.', commands: ['signoz-ha doctor --only clickhouse']},
  ],
})
