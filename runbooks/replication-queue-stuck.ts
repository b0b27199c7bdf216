import {defineRemedy, defineRunbook} from '../src/core/runbook.js'
import {statementsOnHost, type HostRef, type StatementCall} from '../src/remediation/actions/clickhouse.js'
import {failingHosts, failingTables} from '../src/remediation/targets.js'

export default defineRunbook({
  id: 'replication-queue-stuck',
  title: 'Replication lags or its queue is stuck',
  symptoms: 'absolute_delay grows, queue_size in the thousands, the same GET_PART or MUTATE_PART entry retried over and over; replicas return different data.',
  scenarios: [24, 22, 21],
  checks: ['clickhouse/replication-lag'],
  steps: [
    {
      title: 'Read the failing entries',
      safety: 'read',
      explain: 'last_exception names the cause: DNS, a peer unreachable on the interserver port, a full disk, a blocked ALTER.',
      commands: [
        'SELECT database, table, type, num_tries, last_exception, postpone_reason FROM system.replication_queue WHERE num_tries > 5 ORDER BY num_tries DESC LIMIT 20',
      ],
    },
    {
      title: 'Fix the cause, then restart the replica and let it catch up',
      safety: 'safe',
      explain:
        'Fetches, merges and replication queues stopped by hand or by a tool are started again (their normal state); RESTART re-reads the queue; then the replica catches up from its peers. SYNC waits for that by hand.',
      commands: [
        'SYSTEM DROP DNS CACHE',
        'SYSTEM START FETCHES',
        'SYSTEM START REPLICATION QUEUES',
        'SYSTEM START MERGES',
        'SYSTEM RESTART REPLICA <db>.<table>',
        'SYSTEM SYNC REPLICA <db>.<table>',
      ],
      remedy: defineRemedy<{hosts: {host: HostRef; calls: StatementCall[]}[]}>({
        async target(ctx, diagnosis) {
          const hosts = await failingHosts(ctx, diagnosis, 'clickhouse/replication-lag')
          if (hosts.length === 0) return undefined
          return {
            hosts: hosts.map((host) => ({
              host,
              calls: [
                {statement: 'dropDnsCache', params: {}},
                {statement: 'startFetches', params: {}},
                {statement: 'startReplicationQueues', params: {}},
                {statement: 'startMerges', params: {}},
                ...failingTables(diagnosis, 'clickhouse/replication-lag', host.host).map((table): StatementCall => ({
                  statement: 'restartReplica',
                  params: {table},
                })),
              ],
            })),
          }
        },
        actions: (t) =>
          t.hosts.map(({host, calls}) =>
            statementsOnHost({
              id: `resume-replication-${host.pod}`,
              title: `Resume replication on ${host.host} and let it catch up`,
              host,
              calls,
              settledBy: 'clickhouse/replication-lag',
            }),
          ),
      }),
    },
    {title: 'Verify', safety: 'read', explain: 'Delay and queue back under the thresholds.', commands: ['signoz-ha doctor --only clickhouse/replication-lag']},
  ],
})
