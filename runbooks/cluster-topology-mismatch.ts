import {defineRunbook} from '../src/core/runbook.js'

export default defineRunbook({
  id: 'cluster-topology-mismatch',
  title: 'The ClickHouse cluster definition is wrong or inconsistent',
  symptoms: "Requested cluster 'cluster' not found (code 170); ON CLUSTER DDL waits on hosts that never run it; REPLICA_ALREADY_EXISTS.",
  scenarios: [19, 1, 16, 22],
  checks: ['clickhouse/cluster-topology'],
  steps: [
    {
      title: 'Compare the cluster on every host',
      safety: 'read',
      explain: 'Every host must define the same shards and replicas under the name SigNoz uses, and find itself (is_local = 1).',
      commands: ["SELECT cluster, shard_num, replica_num, host_name, is_local FROM system.clusters WHERE cluster = '{cluster}'", 'SELECT * FROM system.macros'],
    },
    {
      title: 'Align the names',
      safety: 'safe',
      explain: 'clickhouse.cluster (chart), the CHI cluster name and the migrator --cluster-name must be the same; the default is "cluster".',
    },
    {
      title: 'Make the replica macros unique',
      safety: 'disruptive',
      explain: 'Two hosts with the same shard and replica macros fight over one Keeper path; fix the CHI/operator config and restart the affected host.',
    },
    {title: 'Verify', safety: 'read', explain: 'Every host agrees.', commands: ['signoz-ha doctor --only clickhouse/cluster-topology']},
  ],
})
