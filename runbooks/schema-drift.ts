import {defineRunbook} from '../src/core/runbook.js'

export default defineRunbook({
  id: 'schema-drift',
  title: 'SigNoz tables are missing or defined differently on some hosts',
  symptoms:
    'After adding shards: "Target table ... of view ... doesn\'t exists" (60). During migrations: CANNOT_ASSIGN_ALTER (517) or "Missing columns" (47) from one host of an ON CLUSTER statement.',
  scenarios: [16, 25],
  checks: ['signoz/schema-consistent'],
  steps: [
    {
      title: 'See which tables differ on which hosts',
      safety: 'read',
      explain: 'The evidence lists the tables a host lacks, and for differing ones the columns it lacks or has extra.',
      commands: ['signoz-ha doctor --only signoz/schema-consistent -o json'],
    },
    {
      title: 'Let pending ALTERs finish',
      safety: 'read',
      explain: 'A replica that has not applied an earlier ALTER catches up by itself once its replication queue drains.',
      commands: ["SELECT database, table, type, num_tries, last_exception FROM system.replication_queue WHERE type = 'ALTER_METADATA'"],
    },
    {
      title: 'Restart the lagging replica',
      safety: 'safe',
      explain: 'Re-reads the table metadata from Keeper.',
      commands: ['SYSTEM RESTART REPLICA <db>.<table>'],
    },
    {
      title: 'Create what a new shard lacks',
      safety: 'safe',
      explain:
        'Take SHOW CREATE TABLE from a complete host; create the target tables first, then the materialized views, then the distributed tables. Or re-run the migrator.',
      commands: ['SHOW CREATE TABLE <db>.<table>'],
    },
    {title: 'Verify', safety: 'read', explain: 'Every host has the same tables with the same columns.', commands: ['signoz-ha doctor --only signoz']},
  ],
})
