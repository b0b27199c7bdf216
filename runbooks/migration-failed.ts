import {defineRunbook} from '../src/core/runbook.js'
import {rerunMigratorRemedy} from '../src/remediation/remedies.js'

export default defineRunbook({
  id: 'migration-failed',
  title: 'A SigNoz schema migration failed or is stuck',
  symptoms:
    'The migrator Job fails (often after 180 s: distributed_ddl_task_timeout, code 159); collectors stay in Init on `migrate sync check`; helm upgrade times out; schema_migrations_v2 shows a migration in-progress long after later ones finished.',
  scenarios: [1, 2, 9, 10, 21],
  checks: ['signoz/migrations'],
  steps: [
    {
      title: 'Read the recorded error',
      safety: 'read',
      explain: 'The error column says which statement failed and why.',
      commands: ["SELECT migration_id, status, error FROM <db>.distributed_schema_migrations_v2 WHERE status != 'finished'"],
    },
    {
      title: 'Clear what blocks DDL',
      safety: 'read',
      explain: 'Unfinished ON CLUSTER tasks and stuck mutations block every migration.',
      commands: ["SELECT * FROM system.distributed_ddl_queue WHERE status != 'Finished'", 'SELECT * FROM system.mutations WHERE NOT is_done'],
    },
    {
      title: 'Fix the cause and re-run the migrator',
      safety: 'safe',
      explain:
        'Keeper down, a host unreachable, a ClickHouse too old for the migration (UNKNOWN_SETTING): fix that first, then run the migrator again: it retries the failed migration. Migrations are idempotent. A row left in-progress while later migrations finished (a migrator stopped mid-way, signoz-otel-collector#681) is cleared the same way: the re-run applies that migration again and records it finished; never delete bookkeeping rows by hand.',
      commands: ['helm -n {namespace} upgrade {release} signoz/signoz --reuse-values'],
      remedy: rerunMigratorRemedy,
    },
    {title: 'Verify', safety: 'read', explain: 'Every migration finished.', commands: ['signoz-ha doctor --only signoz/migrations']},
  ],
})
