import {defineRunbook} from '../src/core/runbook.js'

export default defineRunbook({
  id: 'disk-full',
  title: 'A ClickHouse disk is (nearly) full',
  symptoms: 'NOT_ENOUGH_SPACE (code 243) on insert, merges and fetches failing, replicas lagging; ingestion stops.',
  scenarios: [5, 30, 36],
  checks: ['clickhouse/disk-free', 'clickhouse/replication-lag'],
  steps: [
    {
      title: 'See what uses the space',
      safety: 'read',
      explain: 'Per table and per partition; system logs can be large too.',
      commands: [
        'SELECT database, table, formatReadableSize(sum(bytes_on_disk)) AS size FROM system.parts WHERE active GROUP BY database, table ORDER BY sum(bytes_on_disk) DESC LIMIT 10',
      ],
    },
    {
      title: 'Free space now',
      safety: 'destructive',
      explain:
        'Drop the oldest partitions of the largest telemetry table (data is lost, by design of retention), or expand the volume if the storage class allows it.',
      commands: [
        'ALTER TABLE <db>.<table> ON CLUSTER {cluster} DROP PARTITION <oldest>',
        'kubectl -n {namespace} patch pvc <claim> -p \'{"spec":{"resources":{"requests":{"storage":"<bigger>"}}}}\'',
      ],
    },
    {title: 'Make it last', safety: 'safe', explain: 'Shorten retention (TTL) or add cold storage; size disks with signoz-ha storage plan.'},
    {title: 'Verify', safety: 'read', explain: 'Free space above the threshold on every host.', commands: ['signoz-ha doctor --only clickhouse/disk-free']},
  ],
})
