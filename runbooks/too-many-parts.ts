import {defineRemedy, defineRunbook} from '../src/core/runbook.js'
import {statementsOnHost, type HostRef, type StatementCall} from '../src/remediation/actions/clickhouse.js'
import {failingHosts, failingTables} from '../src/remediation/targets.js'

export default defineRunbook({
  id: 'too-many-parts',
  title: 'Too many parts: merges do not keep up',
  symptoms: 'Inserts delayed, then rejected with TOO_MANY_PARTS (code 252); collectors retry and drop batches.',
  scenarios: [7],
  checks: ['clickhouse/parts-per-partition', 'signoz/ingestion-fresh'],
  steps: [
    {
      title: 'Find the partition and whether merges run',
      safety: 'read',
      explain: 'Merges stopped by hand, a full disk or a failing merge each leave parts piling up.',
      commands: [
        'SELECT database, table, partition, count() FROM system.parts WHERE active GROUP BY database, table, partition ORDER BY count() DESC LIMIT 10',
        'SELECT * FROM system.merges',
      ],
    },
    {
      title: 'Let merges run',
      safety: 'safe',
      explain:
        'Start merges where they were stopped and wait for the parts to merge; make sure the disk has room for merging. OPTIMIZE a partition by hand only on the leader replica, off-peak: it is heavy IO.',
      commands: ['SYSTEM START MERGES <db>.<table>', "OPTIMIZE TABLE <db>.<table> PARTITION ID '<partition_id>'"],
      remedy: defineRemedy<{hosts: {host: HostRef; calls: StatementCall[]}[]}>({
        async target(ctx, diagnosis) {
          const hosts = await failingHosts(ctx, diagnosis, 'clickhouse/parts-per-partition')
          if (hosts.length === 0) return undefined
          return {
            hosts: hosts.map((host) => ({
              host,
              calls: failingTables(diagnosis, 'clickhouse/parts-per-partition', host.host).map((table): StatementCall => ({
                statement: 'startMerges',
                params: {table},
              })),
            })),
          }
        },
        actions: (t) =>
          t.hosts.map(({host, calls}) =>
            statementsOnHost({
              id: `start-merges-${host.pod}`,
              title: `Start merges on ${host.host} and wait for the parts to merge`,
              host,
              calls,
              settledBy: 'clickhouse/parts-per-partition',
            }),
          ),
      }),
    },
    {title: 'Insert fewer, larger batches', safety: 'safe', explain: 'Raise the collector batch size/timeout so each insert makes fewer parts.'},
    {
      title: 'Verify',
      safety: 'read',
      explain: 'Parts per partition fall below the threshold.',
      commands: ['signoz-ha doctor --only clickhouse/parts-per-partition'],
    },
  ],
})
