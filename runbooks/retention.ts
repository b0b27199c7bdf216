import {defineRunbook} from '../src/core/runbook.js'

export default defineRunbook({
  id: 'retention',
  title: 'Retention (TTL) missing or wrong on SigNoz tables',
  symptoms: 'Disk usage grows without bound, or data disappears earlier than the retention set in the UI; one shard differs from the others.',
  scenarios: [6],
  checks: ['signoz/retention', 'clickhouse/disk-free'],
  steps: [
    {
      title: 'Compare the TTL on every host',
      safety: 'read',
      explain: 'A host rebuilt from an old schema can lack the TTL the others have.',
      commands: [
        "SELECT hostName(), database, name, extract(engine_full, 'TTL (.*?)(?: SETTINGS|$)') FROM clusterAllReplicas('{cluster}', system.tables) WHERE database LIKE 'signoz_%' AND engine LIKE '%MergeTree'",
      ],
    },
    {
      title: 'Set retention through SigNoz',
      safety: 'safe',
      explain: 'The retention settings page applies the TTL ON CLUSTER; a hand-made ALTER must be ON CLUSTER too.',
      commands: ['ALTER TABLE <db>.<table> ON CLUSTER {cluster} MODIFY TTL <expr>'],
    },
    {title: 'Verify', safety: 'read', explain: 'Every signal table has the same TTL on every host.', commands: ['signoz-ha doctor --only signoz/retention']},
  ],
})
