import {defineRunbook} from '../src/core/runbook.js'

export default defineRunbook({
  id: 'tables-not-replicated',
  title: 'Replicas configured, but SigNoz tables are not replicated',
  symptoms: 'Dashboards show different numbers on every refresh; one replica empty or stale.',
  scenarios: [14],
  checks: ['signoz/tables-replicated'],
  steps: [
    {
      title: 'List the plain MergeTree tables',
      safety: 'read',
      explain: 'With replicasCount > 1 every SigNoz MergeTree table must be Replicated*.',
      commands: [
        "SELECT database, name, engine FROM system.tables WHERE database LIKE 'signoz_%' AND engine LIKE '%MergeTree' AND engine NOT LIKE 'Replicated%'",
      ],
    },
    {
      title: 'Turn replication on for future migrations',
      safety: 'safe',
      explain:
        'Set telemetryStoreMigrator.enableReplication: true (schemaMigrator.enableReplication on charts before 0.113) together with clickhouse.layout.replicasCount.',
    },
    {
      title: 'Convert existing tables',
      safety: 'destructive',
      explain: 'Create Replicated* twins, ATTACH PARTITION ... FROM the old tables, swap names; back up first. Heavy: plan a window.',
    },
    {title: 'Verify', safety: 'read', explain: 'Every SigNoz table is replicated.', commands: ['signoz-ha doctor --only signoz/tables-replicated']},
  ],
})
