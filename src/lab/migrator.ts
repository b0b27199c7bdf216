import {ident, quote, type ClickHouseConnection} from '../gateways/clickhouse.js'
import {errorMessage} from '../core/errors.js'
import {DISTRIBUTED_PREFIX, LATEST_MIGRATION_STATUS, MIGRATIONS_TABLE, SIGNOZ_DATABASES, type SignozDatabase} from '../signoz/schema.js'

/**
 * The lab's schema migrator. It behaves like SigNoz's `migrate bootstrap` + `sync up`:
 * every DDL is ON CLUSTER, engines are Replicated* only when replication is on (so
 * replication off on a replicated layout reproduces failure #14), and each migration's
 * outcome is recorded in schema_migrations_v2 through the distributed table.
 */
export interface MigratorOptions {
  cluster: string
  replication: boolean
  /** The server is modern enough for TTL and DateTime64 (19.6+ / 20.1+); 18.16 is not. */
  modern: boolean
  /**
   * Every host of a cluster that cannot run ON CLUSTER (the chdb engine: no Keeper, no DDL queue):
   * its DDL is then sent to each of them, as a migrator without a DDL queue would.
   */
  everyHost?: readonly ClickHouseConnection[]
}

/** The ON CLUSTER clause of a DDL statement, where the cluster has a DDL queue. */
const onCluster = (o: MigratorOptions): string => (o.everyHost ? '' : `ON CLUSTER ${ident(o.cluster)}`)

interface TableSpec {
  name: string
  columns: string
  engine: 'MergeTree' | 'ReplacingMergeTree'
  partitionBy?: string
  orderBy: string
  ttl?: string
  shardingKey: string
}

export interface Migration {
  database: SignozDatabase
  id: number
  statements(o: MigratorOptions): string[]
}

const ts = (o: MigratorOptions) => (o.modern ? 'DateTime64(9)' : 'DateTime')

function engine(spec: TableSpec, db: string, o: MigratorOptions): string {
  if (!o.replication) return `${spec.engine}()`
  return `Replicated${spec.engine}('/clickhouse/tables/{shard}/${db}.${spec.name}', '{replica}')`
}

/** CREATE TABLE for a local table and its distributed_ twin, both ON CLUSTER. */
export function tableStatements(db: string, spec: TableSpec, o: MigratorOptions): string[] {
  const on = onCluster(o)
  const local = [
    `CREATE TABLE IF NOT EXISTS ${db}.${spec.name} ${on} (${spec.columns})`,
    `ENGINE = ${engine(spec, db, o)}`,
    spec.partitionBy ? `PARTITION BY ${spec.partitionBy}` : '',
    `ORDER BY ${spec.orderBy}`,
    spec.ttl && o.modern ? `TTL ${spec.ttl}` : '',
    'SETTINGS index_granularity = 8192',
  ]
    .filter(Boolean)
    .join(' ')
  const distributed = `CREATE TABLE IF NOT EXISTS ${db}.${DISTRIBUTED_PREFIX}${spec.name} ${on} AS ${db}.${spec.name} ENGINE = Distributed(${quote(o.cluster)}, ${quote(db)}, ${quote(spec.name)}, ${spec.shardingKey})`
  return [local, distributed]
}

const dayOfSeconds = (expr: string) => `toDate(toDateTime(${expr}))`

/** One representative table per database, shaped like SigNoz's (the public SigNoz chart). */
export const MIGRATIONS: readonly Migration[] = [
  {
    database: 'signoz_traces',
    id: 1,
    statements: (o) =>
      tableStatements(
        'signoz_traces',
        {
          name: 'signoz_index_v3',
          columns: `ts_bucket_start UInt64, resource_fingerprint String, timestamp ${ts(o)}, trace_id String, span_id String, name String, service_name String, kind Int8, duration_nano UInt64, has_error UInt8, status_code Int16`,
          engine: 'MergeTree',
          partitionBy: 'toDate(timestamp)',
          orderBy: '(ts_bucket_start, resource_fingerprint, has_error, name, timestamp)',
          ttl: 'toDateTime(timestamp) + toIntervalSecond(1296000)',
          shardingKey: 'cityHash64(trace_id)',
        },
        o,
      ),
  },
  {
    database: 'signoz_logs',
    id: 1,
    statements: (o) =>
      tableStatements(
        'signoz_logs',
        {
          name: 'logs_v2',
          columns:
            'ts_bucket_start UInt64, resource_fingerprint String, timestamp UInt64, observed_timestamp UInt64, id String, trace_id String, severity_text String, severity_number UInt8, body String, _retention_days UInt16 DEFAULT 15',
          engine: 'MergeTree',
          partitionBy: dayOfSeconds('intDiv(timestamp, 1000000000)'),
          orderBy: '(ts_bucket_start, resource_fingerprint, severity_text, timestamp, id)',
          ttl: 'toDateTime(intDiv(timestamp, 1000000000)) + toIntervalSecond(1296000)',
          shardingKey: 'cityHash64(id)',
        },
        o,
      ),
  },
  {
    database: 'signoz_metrics',
    id: 1,
    statements: (o) => [
      ...tableStatements(
        'signoz_metrics',
        {
          name: 'samples_v4',
          columns: "env String DEFAULT 'default', temporality String, metric_name String, fingerprint UInt64, unix_milli Int64, value Float64",
          engine: 'MergeTree',
          partitionBy: dayOfSeconds('intDiv(unix_milli, 1000)'),
          orderBy: '(env, temporality, metric_name, fingerprint, unix_milli)',
          ttl: 'toDateTime(intDiv(unix_milli, 1000)) + toIntervalSecond(2592000)',
          shardingKey: 'cityHash64(env, temporality, metric_name, fingerprint)',
        },
        o,
      ),
      ...tableStatements(
        'signoz_metrics',
        {
          name: 'time_series_v4',
          columns:
            "env String DEFAULT 'default', temporality String, metric_name String, description String, unit String, type String, is_monotonic UInt8, fingerprint UInt64, unix_milli Int64, labels String",
          engine: 'ReplacingMergeTree',
          partitionBy: dayOfSeconds('intDiv(unix_milli, 1000)'),
          orderBy: '(env, temporality, metric_name, fingerprint, unix_milli)',
          ttl: 'toDateTime(intDiv(unix_milli, 1000)) + toIntervalSecond(2592000)',
          shardingKey: 'cityHash64(env, temporality, metric_name, fingerprint)',
        },
        o,
      ),
    ],
  },
  {
    database: 'signoz_metadata',
    id: 1000,
    statements: (o) =>
      tableStatements(
        'signoz_metadata',
        {
          name: 'attributes_metadata',
          columns: 'unix_milli Int64, data_source String, resource_attributes String, attributes String',
          engine: 'ReplacingMergeTree',
          partitionBy: dayOfSeconds('intDiv(unix_milli, 1000)'),
          orderBy: '(data_source, unix_milli)',
          ttl: 'toDateTime(intDiv(unix_milli, 1000)) + toIntervalSecond(2592000)',
          shardingKey: 'rand()',
        },
        o,
      ),
  },
  {
    database: 'signoz_analytics',
    id: 1,
    statements: (o) =>
      tableStatements(
        'signoz_analytics',
        {
          name: 'rule_state_history_v0',
          columns: 'rule_id String, rule_name String, overall_state String, state String, unix_milli Int64, fingerprint UInt64, value Float64, labels String',
          engine: 'MergeTree',
          partitionBy: dayOfSeconds('intDiv(unix_milli, 1000)'),
          orderBy: '(rule_id, unix_milli)',
          ttl: 'toDateTime(intDiv(unix_milli, 1000)) + toIntervalSecond(2592000)',
          shardingKey: 'rand()',
        },
        o,
      ),
  },
  {
    database: 'signoz_meter',
    id: 1,
    statements: (o) =>
      tableStatements(
        'signoz_meter',
        {
          name: 'samples',
          columns: 'temporality String, metric_name String, fingerprint UInt64, unix_milli Int64, value Float64',
          engine: 'MergeTree',
          partitionBy: dayOfSeconds('intDiv(unix_milli, 1000)'),
          orderBy: '(temporality, metric_name, fingerprint, unix_milli)',
          ttl: 'toDateTime(intDiv(unix_milli, 1000)) + toIntervalSecond(31536000)',
          shardingKey: 'cityHash64(temporality, metric_name, fingerprint)',
        },
        o,
      ),
  },
]

/**
 * Sync migrations that only some collector versions carry, from the version that first shipped
 * each (read in SigNoz/signoz-otel-collector: #833, first released in v0.144.6, adds migration 1011
 * to signoz_traces). A server that lacks a setting it uses answers for itself.
 */
export const VERSIONED_MIGRATIONS: readonly {since: string; migration: Migration}[] = [
  {
    since: 'v0.144.6',
    migration: {
      database: 'signoz_traces',
      id: 1011,
      statements: (o) => [
        `ALTER TABLE signoz_traces.signoz_index_v3 ${onCluster(o)} MODIFY SETTING object_serialization_version = 'v3', object_shared_data_serialization_version = 'advanced'`,
      ],
    },
  },
]

/** v0.144.6 → [0, 144, 6]; compared part by part (the lab's own reading of a collector tag). */
const versionParts = (tag: string): number[] =>
  tag
    .replace(/^v/, '')
    .split(/[.-]/)
    .map((p) => Number.parseInt(p, 10) || 0)
const atLeast = (tag: string, since: string): boolean => {
  const [a, b] = [versionParts(tag), versionParts(since)]
  for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0)
  return true
}

/** The sync migrations a collector of this image tag runs (no tag, a digest or latest: every one the lab knows). */
export function migrationsOf(tag: string | undefined): Migration[] {
  const unversioned = !tag || !/^v?\d/.test(tag)
  return [...MIGRATIONS, ...VERSIONED_MIGRATIONS.filter((v) => unversioned || atLeast(tag, v.since)).map((v) => v.migration)]
}

/**
 * The migration `lab break fail-migration` runs: an ON CLUSTER CREATE whose ORDER BY calls a
 * function no server has, so it fails on every host for real (UNKNOWN_FUNCTION), the way a
 * migration written for a newer ClickHouse fails on an older one (catalogue #9). CREATE, not
 * ALTER: a replicated ALTER needs a leader replica, which a lab still recovering from another
 * fault may not have yet.
 */
export const BROKEN_MIGRATION: Migration = {
  database: 'signoz_traces',
  id: 1015,
  // No IF NOT EXISTS and a table name no run ever creates: the statement reaches the server's
  // analysis (and fails there) every time the fault is injected, healed or not.
  statements: (o) => [spanCostsTable(o, 'signozLabUnknownFunction(trace_id)', 'span_costs_staging')],
}

/** The corrected form of the same migration, which `lab heal fail-migration` applies. */
export const FIXED_MIGRATION: Migration = {
  database: 'signoz_traces',
  id: 1015,
  statements: (o) => [spanCostsTable(o, '(trace_id, timestamp)'), spanCostsDistributed(o)],
}

function spanCostsTable(o: MigratorOptions, orderBy: string, name = 'span_costs'): string {
  const engineSql = engine({name, columns: '', engine: 'MergeTree', orderBy, shardingKey: ''}, 'signoz_traces', o)
  return `CREATE TABLE ${name === 'span_costs' ? 'IF NOT EXISTS ' : ''}signoz_traces.${name} ${onCluster(o)} (timestamp ${ts(o)}, trace_id String, cost UInt64) ENGINE = ${engineSql} ORDER BY ${orderBy}`
}

const spanCostsDistributed = (o: MigratorOptions) =>
  `CREATE TABLE IF NOT EXISTS signoz_traces.${DISTRIBUTED_PREFIX}span_costs ${onCluster(o)} AS signoz_traces.span_costs ENGINE = Distributed(${quote(o.cluster)}, 'signoz_traces', 'span_costs', cityHash64(trace_id))`

function bookkeeping(db: string, o: MigratorOptions): string[] {
  const on = onCluster(o)
  const engineSql = o.replication ? `ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/${db}.${MIGRATIONS_TABLE}', '{replica}')` : 'ReplacingMergeTree()'
  return [
    `CREATE TABLE IF NOT EXISTS ${db}.${MIGRATIONS_TABLE} ${on} (migration_id UInt64, status String, error String, created_at ${ts(o)}, updated_at ${ts(o)}) ENGINE = ${engineSql} ORDER BY migration_id`,
    `CREATE TABLE IF NOT EXISTS ${db}.${DISTRIBUTED_PREFIX}${MIGRATIONS_TABLE} ${on} AS ${db}.${MIGRATIONS_TABLE} ENGINE = Distributed(${quote(o.cluster)}, ${quote(db)}, ${quote(MIGRATIONS_TABLE)}, rand())`,
  ]
}

/** Every statement bootstrap + up would send, in order (used to build the schema in other engines). */
export function schemaStatements(o: MigratorOptions): string[] {
  return [
    ...SIGNOZ_DATABASES.flatMap((db) => [`CREATE DATABASE IF NOT EXISTS ${db} ${onCluster(o)}`, ...bookkeeping(db, o)]),
    ...MIGRATIONS.flatMap((m) => m.statements(o)),
  ]
}

export interface MigrationOutcome {
  database: string
  id: number
  status: 'finished' | 'failed' | 'skipped'
  error?: string
}

export class Migrator {
  constructor(
    private readonly conn: ClickHouseConnection,
    private readonly options: MigratorOptions,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  /**
   * Databases and bookkeeping tables, like `migrate bootstrap`. onlyMissing: as the real command,
   * only what the connected host lacks (the heal of a host missing a database wants them all).
   */
  async bootstrap(options: {onlyMissing?: boolean} = {}): Promise<void> {
    const present = new Set<string>()
    if (options.onlyMissing) {
      const rows = await this.conn.query<{db: string}>(`SELECT database AS db FROM system.tables WHERE name = '${MIGRATIONS_TABLE}'`)
      for (const r of rows) present.add(r.db)
    }
    for (const db of SIGNOZ_DATABASES) {
      if (present.has(db)) continue
      this.log(`bootstrap: database ${db}`)
      await this.ddl(`CREATE DATABASE IF NOT EXISTS ${db} ${onCluster(this.options)}`)
      for (const sql of bookkeeping(db, this.options)) await this.ddl(sql)
    }
  }

  /** Runs every migration not yet finished, recording each outcome; stops at the first failure like `sync up`. */
  async up(migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationOutcome[]> {
    const outcomes: MigrationOutcome[] = []
    for (const m of migrations) {
      const outcome = await this.run(m)
      outcomes.push(outcome)
      if (outcome.status === 'failed') break
    }
    return outcomes
  }

  /**
   * Runs again each of these migrations whose latest outcome is failed, as `migrate sync up`
   * retries a failed migration (the lab's migrator Job carries 1015's corrected form).
   */
  async retryFailed(migrations: readonly Migration[]): Promise<MigrationOutcome[]> {
    const outcomes: MigrationOutcome[] = []
    for (const m of migrations) if ((await this.latestStatus(m)) === 'failed') outcomes.push(await this.run(m, {force: true}))
    return outcomes
  }

  /** Like `migrate sync check`: the last migration of each database must be finished; the first that is not. */
  async unfinished(migrations: readonly Migration[] = MIGRATIONS): Promise<Migration | undefined> {
    const last = new Map<string, Migration>()
    for (const m of migrations) last.set(m.database, m)
    for (const m of last.values()) if (!(await this.isFinished(m))) return m
    return undefined
  }

  /**
   * Records a migration in-progress and nothing after it, as a migrator killed in the middle of it
   * leaves it (`lab break stale-migration-row`).
   */
  async abandon(m: Migration): Promise<void> {
    this.log(`migrate: ${m.database} ${m.id} (abandoned in progress)`)
    await this.record(m, 'in-progress', '')
  }

  /** force: run even if recorded finished. */
  async run(m: Migration, options: {force?: boolean} = {}): Promise<MigrationOutcome> {
    if (!options.force && (await this.isFinished(m))) return {database: m.database, id: m.id, status: 'skipped'}
    this.log(`migrate: ${m.database} ${m.id}`)
    await this.record(m, 'in-progress', '')
    try {
      for (const sql of m.statements(this.options)) await this.ddl(sql)
    } catch (error) {
      const message = errorMessage(error)
      await this.record(m, 'failed', message)
      return {database: m.database, id: m.id, status: 'failed', error: message}
    }
    await this.record(m, 'finished', '')
    return {database: m.database, id: m.id, status: 'finished'}
  }

  /** Runs a migration's statements without bookkeeping (they are idempotent): repairs a host that lost them. */
  async apply(m: Migration): Promise<void> {
    for (const sql of m.statements(this.options)) await this.ddl(sql)
  }

  /** A DDL statement: ON CLUSTER through this host, or on every host where the cluster has no DDL queue. */
  private async ddl(sql: string): Promise<void> {
    if (!this.options.everyHost) return this.conn.command(sql)
    for (const host of this.options.everyHost) await host.command(sql)
  }

  /**
   * Servers without DateTime64 keep outcome times in whole seconds: wait for a second newer than
   * the migration's last row, so "the latest outcome" is never a tie (failed then finished).
   */
  private async nextSecond(m: Migration): Promise<void> {
    const rows = await this.conn.query<{last: number}>(
      `SELECT toUInt32(max(updated_at)) AS last FROM ${m.database}.${DISTRIBUTED_PREFIX}${MIGRATIONS_TABLE} WHERE migration_id = ${m.id}`,
    )
    const wait = (Number(rows[0]?.last ?? 0) + 1) * 1000 - Date.now()
    if (wait > 0 && wait <= 2000) await new Promise((resolve) => setTimeout(resolve, wait))
  }

  private async isFinished(m: Migration): Promise<boolean> {
    return (await this.latestStatus(m)) === 'finished'
  }

  private async latestStatus(m: Migration): Promise<string | undefined> {
    const rows = await this.conn.query<{latest: string}>(
      `SELECT ${LATEST_MIGRATION_STATUS} AS latest FROM ${m.database}.${DISTRIBUTED_PREFIX}${MIGRATIONS_TABLE} WHERE migration_id = ${m.id} GROUP BY migration_id`,
    )
    return rows[0]?.latest
  }

  private async record(m: Migration, status: string, error: string): Promise<void> {
    if (!this.options.modern) await this.nextSecond(m)
    const now = new Date()
    const stamp = this.options.modern ? now.toISOString().replace('T', ' ').replace('Z', '') : now.toISOString().slice(0, 19).replace('T', ' ')
    await this.conn.insert(
      `${m.database}.${DISTRIBUTED_PREFIX}${MIGRATIONS_TABLE}`,
      [{migration_id: m.id, status, error: error.slice(0, 2000), created_at: stamp, updated_at: stamp}],
      {settings: {insert_distributed_sync: 1}},
    )
  }
}
