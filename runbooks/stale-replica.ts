import {defineRunbook} from '../src/core/runbook.js'

export default defineRunbook({
  id: 'stale-replica',
  title: 'Keeper still holds replicas of removed hosts',
  symptoms:
    "After lowering replicasCount or deleting a replica's volume: total_replicas stays above active_replicas, the replication log grows, and a re-created host fails with REPLICA_ALREADY_EXISTS (253).",
  scenarios: [29],
  checks: ['keeper/stale-replicas'],
  steps: [
    {
      title: 'List the stale registrations',
      safety: 'read',
      explain: 'The evidence names each replica registered in Keeper that is no host of the cluster.',
      commands: ['signoz-ha doctor --only keeper/stale-replicas -o json', "SELECT name FROM system.zookeeper WHERE path = '<zookeeper_path>/replicas'"],
    },
    {
      title: 'Make sure the host is really gone',
      safety: 'read',
      explain:
        'Dropping the replica of a host that is only down makes it re-fetch everything when it returns. Its Keeper session must have expired (no is_active node).',
      commands: ["SELECT name FROM system.zookeeper WHERE path = '<zookeeper_path>/replicas/<replica>'"],
    },
    {
      title: 'Drop the stale replica from a healthy replica',
      safety: 'destructive',
      explain:
        'Removes metadata only, never data of live replicas; run it on a healthy host of the same shard (ClickHouse 20.x+). Older servers: remove the path with zkCli.',
      commands: ["SYSTEM DROP REPLICA '<replica>' FROM TABLE <db>.<table>", "SYSTEM DROP REPLICA '<replica>' FROM DATABASE <db>"],
    },
    {
      title: 'Verify',
      safety: 'read',
      explain: 'No stale registration is left and active equals total replicas.',
      commands: ['signoz-ha doctor --only keeper --only clickhouse/replicas-active'],
    },
  ],
})
