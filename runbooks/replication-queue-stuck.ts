import {defineRunbook} from '../src/core/runbook.js'

export default defineRunbook({
  id: 'replication-queue-stuck',
  title: 'Replication lags or its queue is stuck',
  symptoms: 'absolute_delay grows, queue_size in the thousands, the same GET_PART or MUTATE_PART entry retried over and over; replicas return different data.',
  scenarios: [24, 22, 21],
  checks: ['clickhouse/replication-lag'],
  steps: [
    {title: 'Read the failing entries', safety: 'read', explain: 'last_exception names the cause: DNS, a peer unreachable on the interserver port, a full disk, a blocked ALTER.', commands: ["SELECT database, table, type, num_tries, last_exception, postpone_reason FROM system.replication_queue WHERE num_tries > 5 ORDER BY num_tries DESC LIMIT 20"]},
    {title: 'Fix the cause, then restart and sync the replica', safety: 'safe', explain: 'RESTART re-reads the queue; SYNC waits until the replica has caught up.', commands: ['SYSTEM DROP DNS CACHE', 'SYSTEM RESTART REPLICA <db>.<table>', 'SYSTEM SYNC REPLICA <db>.<table>']},
    {title: 'Verify', safety: 'read', explain: 'Delay and queue back under the thresholds.', commands: ['signoz-ha doctor --only clickhouse/replication-lag']},
  ],
})
