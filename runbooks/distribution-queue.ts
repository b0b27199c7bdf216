import {defineRunbook} from '../src/core/runbook.js'

export default defineRunbook({
  id: 'distribution-queue',
  title: 'Distributed inserts pile up on the sending hosts',
  symptoms:
    "Recent rows missing from queries, distribution_queue data_files growing or erroring, the sending hosts' disks filling; usually a shard down or refusing inserts.",
  scenarios: [15, 35],
  checks: ['clickhouse/distribution-queue', 'clickhouse/reachable', 'clickhouse/disk-free'],
  steps: [
    {
      title: 'See what is queued and why',
      safety: 'read',
      explain: 'The last exception names the shard that refuses.',
      commands: ['SELECT database, table, data_files, error_count, is_blocked, last_exception FROM system.distribution_queue'],
    },
    {
      title: 'Bring the shard back',
      safety: 'safe',
      explain: 'Once every replica of the shard is back, the queue drains by itself.',
      commands: ['signoz-ha runbook show clickhouse-host-down'],
    },
    {
      title: 'Flush when it is back',
      safety: 'safe',
      explain: 'Sends the queued files at once.',
      commands: ['SYSTEM FLUSH DISTRIBUTED <db>.<distributed table>'],
    },
    {
      title: 'Verify',
      safety: 'read',
      explain: 'Nothing queued, fresh rows on every shard.',
      commands: ['signoz-ha doctor --only clickhouse/distribution-queue --only signoz/ingestion-fresh'],
    },
  ],
})
