import {defineRunbook} from '../src/core/runbook.js'

export default defineRunbook({
  id: 'too-many-parts',
  title: 'Too many parts: merges do not keep up',
  symptoms: 'Inserts delayed, then rejected with TOO_MANY_PARTS (code 252); collectors retry and drop batches.',
  scenarios: [7],
  checks: ['clickhouse/parts-per-partition', 'signoz/ingestion-fresh'],
  steps: [
    {title: 'Find the partition and whether merges run', safety: 'read', explain: 'Merges stopped by hand, a full disk or a failing merge each leave parts piling up.', commands: ["SELECT database, table, partition, count() FROM system.parts WHERE active GROUP BY database, table, partition ORDER BY count() DESC LIMIT 10", 'SELECT * FROM system.merges']},
    {title: 'Let merges run', safety: 'safe', explain: 'Start merges if they were stopped; make sure the disk has room for merging.', commands: ['SYSTEM START MERGES <db>.<table>']},
    {title: 'Insert fewer, larger batches', safety: 'safe', explain: 'Raise the collector batch size/timeout so each insert makes fewer parts.'},
    {title: 'Verify', safety: 'read', explain: 'Parts per partition fall below the threshold.', commands: ['signoz-ha doctor --only clickhouse/parts-per-partition']},
  ],
})
