import {defineRunbook} from '../src/core/runbook.js'

export default defineRunbook({
  id: 'schema-missing',
  title: 'SigNoz databases or tables are missing on some hosts',
  symptoms: 'UNKNOWN_DATABASE / UNKNOWN_TABLE from collectors or the UI; "Target table ... of view ... doesn\'t exists" after adding shards.',
  scenarios: [2, 16, 19],
  checks: ['signoz/databases', 'signoz/distributed-tables'],
  steps: [
    {
      title: 'Compare tables across hosts',
      safety: 'read',
      explain: 'Every host should hold the same SigNoz tables.',
      commands: ["SELECT database, count() FROM system.tables WHERE database LIKE 'signoz_%' GROUP BY database"],
    },
    {
      title: 'Re-run the migrator',
      safety: 'safe',
      explain: 'Migrations are idempotent; delete the finished/failed migrator Job and run helm upgrade again (or signoz-ha upgrade --safe).',
    },
    {
      title: 'Copy missing tables to a new shard',
      safety: 'safe',
      explain: 'Take SHOW CREATE TABLE from a complete host and create the target tables first, then the materialized views.',
      commands: ['SHOW CREATE TABLE <db>.<table>'],
    },
    {title: 'Verify', safety: 'read', explain: 'Every host has every database and distributed table.', commands: ['signoz-ha doctor --only signoz']},
  ],
})
