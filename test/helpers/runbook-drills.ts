/**
 * Every runbook with automated steps and the lab fault it is drilled against in
 * test/lab/runbooks.test.ts (a procedure needs none). A contract test proves the list is complete.
 */
export interface RunbookDrill {
  runbook: string
  fault?: string
  /** Thresholds lowered by the drill's config file, so seconds show what production sees in minutes. */
  lowThresholds?: boolean
  /** Time the fault needs to develop before the run (ingestion going stale, replicas lagging); then doctor is polled until it shows. */
  settleMs?: number
}

export const RUNBOOK_DRILLS: readonly RunbookDrill[] = [
  {runbook: 'helm-release-stuck', fault: 'helm-pending-upgrade'},
  {runbook: 'keeper-quorum', fault: 'keeper-single-replica'},
  {runbook: 'keeper-down', fault: 'stop-keeper', settleMs: 3000},
  {runbook: 'replica-readonly', fault: 'readonly-table'},
  {runbook: 'replication-queue-stuck', fault: 'lag-replica', lowThresholds: true, settleMs: 6000},
  {runbook: 'too-many-parts', fault: 'too-many-parts', lowThresholds: true},
  {runbook: 'collector-wrong-target', fault: 'collector-wrong-host'},
  {runbook: 'ingestion-stopped', fault: 'collector-wrong-host', settleMs: 4000},
  {runbook: 'migrator-job-failed', fault: 'migrator-job-failed'},
  {runbook: 'migration-failed', fault: 'fail-migration'},
  {runbook: 'pods-pending', fault: 'node-drained'},
  {runbook: 'clickhouse-host-down', fault: 'kill-replica'},
  {runbook: 'duplicate-clickhouse', fault: 'duplicate-clickhouse'},
  {runbook: 'clickhouse-rolling-restart'},
]
