/**
 * What SigNoz keeps in ClickHouse (the public SigNoz chart): databases, the tables each signal
 * is written to, and the migration bookkeeping.
 */

export const SIGNOZ_DATABASES = ['signoz_traces', 'signoz_metrics', 'signoz_logs', 'signoz_metadata', 'signoz_analytics', 'signoz_meter'] as const
export type SignozDatabase = (typeof SIGNOZ_DATABASES)[number]

export const DISTRIBUTED_PREFIX = 'distributed_'
export const MIGRATIONS_TABLE = 'schema_migrations_v2'
export const LEGACY_MIGRATIONS_TABLE = 'schema_migrations'

/**
 * The migration bookkeeping tables of every SigNoz database, which the probe looks for so that
 * signoz/migrations reads them in the run's first statement instead of after a list of tables.
 */
export const BOOKKEEPING_TABLES: readonly string[] = SIGNOZ_DATABASES.flatMap((db) => [MIGRATIONS_TABLE, LEGACY_MIGRATIONS_TABLE].map((t) => `${db}.${t}`))

export type Signal = 'traces' | 'logs' | 'metrics'

/**
 * The 30-minute buckets (ts_bucket_start, the first key of the traces and logs tables' ORDER BY)
 * that can hold a row at or after the given unix second: the primary index then reads the last
 * bucket or two, not the whole day's partition, however much the day holds.
 */
const recentBuckets = (s: string) => `ts_bucket_start >= toUInt64(${s}) - 1800`

/** Where each signal lands and how to read its row time as unix seconds. */
export interface SignalTable {
  signal: Signal
  database: SignozDatabase
  table: string
  /** SQL expression giving the row's time in unix seconds. */
  secondsExpr: string
  /** SQL predicate selecting rows newer than the given unix-seconds expression (prunes partitions). */
  since(secondsSql: string): string
}

export const SIGNAL_TABLES: readonly SignalTable[] = [
  {
    signal: 'traces',
    database: 'signoz_traces',
    table: 'signoz_index_v3',
    secondsExpr: 'toUnixTimestamp(timestamp)',
    since: (s) => `timestamp >= toDateTime(${s}) AND ${recentBuckets(s)}`,
  },
  {
    signal: 'logs',
    database: 'signoz_logs',
    table: 'logs_v2',
    secondsExpr: 'intDiv(timestamp, 1000000000)',
    since: (s) => `timestamp >= toUInt64(${s}) * 1000000000 AND ${recentBuckets(s)}`,
  },
  {
    signal: 'metrics',
    database: 'signoz_metrics',
    table: 'samples_v4',
    secondsExpr: 'intDiv(unix_milli, 1000)',
    since: (s) => `unix_milli >= toInt64(${s}) * 1000`,
  },
]

/**
 * The latest status of a migration from its bookkeeping rows. Rows of one run can share a
 * second on servers without DateTime64, so an outcome beats an in-progress row at the same time.
 */
export const LATEST_MIGRATION_STATUS = "argMax(status, tuple(updated_at, status != 'in-progress'))"

/**
 * The TTL clause of a table from its engine_full ("… TTL <clause> SETTINGS …"), '' without one:
 * read from the list of tables every host answers anyway, not by a second read of system.tables.
 */
export const ttlClause = (engineFull: string): string => /\bTTL (.*?)(?: SETTINGS |$)/.exec(engineFull)?.[1]?.trim() ?? ''
