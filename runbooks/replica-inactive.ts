import {defineRunbook} from '../src/core/runbook.js'

export default defineRunbook({
  id: 'replica-inactive',
  title: 'A replica is registered but not active',
  symptoms: 'active_replicas < total_replicas; a shard runs without redundancy; the replication log keeps growing for a replica that is gone.',
  scenarios: [29, 35],
  checks: ['clickhouse/replicas-active'],
  steps: [
    {
      title: 'Tell a down host from a stale registration',
      safety: 'read',
      explain:
        'If the host exists and is only down, bring it back (clickhouse-host-down). If it was removed by a scale-down, its Keeper registration is stale.',
      commands: ['SELECT database, table, replica_name, active_replicas, total_replicas FROM system.replicas WHERE active_replicas < total_replicas'],
    },
    {
      title: 'Drop the stale replica from Keeper',
      safety: 'destructive',
      explain: "Metadata only, and only after the removed replica's session has expired; run from a healthy replica.",
      commands: ["SYSTEM DROP REPLICA '<replica>' FROM TABLE <db>.<table>"],
    },
    {title: 'Verify', safety: 'read', explain: 'Every replica is active.', commands: ['signoz-ha doctor --only clickhouse/replicas-active']},
  ],
})
