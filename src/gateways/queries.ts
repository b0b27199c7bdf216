import {LATEST_MIGRATION_STATUS} from '../signoz/schema.js'
import {quote} from './clickhouse.js'

/**
 * What a host can answer: its version and which system tables and columns exist. Probed
 * once per host per run; queries adapt to it so one check works on 18.16 and on 26.x.
 */
export interface Capabilities {
  version: string
  major: number
  minor: number
  /** "system.replicas" → its column names. */
  columns: ReadonlyMap<string, ReadonlySet<string>>
}

export const hasTable = (caps: Capabilities, table: string): boolean => caps.columns.has(table)
export const hasColumn = (caps: Capabilities, table: string, column: string): boolean => caps.columns.get(table)?.has(column) ?? false
export const atLeast = (caps: Capabilities, major: number, minor = 0): boolean => caps.major > major || (caps.major === major && caps.minor >= minor)

/**
 * Every SQL statement doctor sends is a NamedQuery: one place to read them all, and a test
 * runs each against the chdb engine (modern) and the lab (18.16).
 */
export interface NamedQuery<Row, Params = void> {
  readonly name: string
  /** System tables the query needs; a host lacking one answers "unsupported" instead of failing. */
  readonly needs: readonly string[]
  sql(params: Params, caps: Capabilities): string
  /** Never materialised; keeps Row in the type. */
  readonly _row?: Row
}

export const defineQuery = <Row, Params = void>(q: Omit<NamedQuery<Row, Params>, '_row'>): NamedQuery<Row, Params> => q

/** The system tables whose columns the probe records. */
export const PROBED_TABLES = [
  'clusters',
  'macros',
  'replicas',
  'replication_queue',
  'tables',
  'databases',
  'columns',
  'zookeeper',
  'zookeeper_connection',
  'distributed_ddl_queue',
  'distribution_queue',
  'disks',
  'errors',
  'mutations',
  'parts',
  'metrics',
  'asynchronous_metrics',
] as const

const list = (values: readonly string[]) => values.map(quote).join(', ')

export const Q = {
  version: defineQuery<{version: string; hostname: string; uptime: number}>({
    name: 'server-version',
    needs: [],
    sql: () => 'SELECT version() AS version, hostName() AS hostname, uptime() AS uptime',
  }),

  systemColumns: defineQuery<{table: string; name: string}>({
    name: 'system-columns',
    needs: [],
    sql: () => `SELECT table, name FROM system.columns WHERE database = 'system' AND table IN (${list(PROBED_TABLES)})`,
  }),

  macros: defineQuery<{macro: string; substitution: string}>({
    name: 'macros',
    needs: ['system.macros'],
    sql: () => 'SELECT macro, substitution FROM system.macros',
  }),

  clusterHosts: defineQuery<{
    cluster: string
    shard_num: number
    replica_num: number
    host_name: string
    host_address: string
    port: number
    is_local: number
    errors_count: number
  }, {cluster: string}>({
    name: 'cluster-hosts',
    needs: ['system.clusters'],
    sql: ({cluster}, caps) =>
      `SELECT cluster, shard_num, replica_num, host_name, host_address, port, is_local, ${
        hasColumn(caps, 'system.clusters', 'errors_count') ? 'errors_count' : '0 AS errors_count'
      } FROM system.clusters WHERE cluster = ${quote(cluster)} ORDER BY shard_num, replica_num`,
  }),

  clusterNames: defineQuery<{cluster: string}>({
    name: 'cluster-names',
    needs: ['system.clusters'],
    sql: () => 'SELECT DISTINCT cluster FROM system.clusters ORDER BY cluster',
  }),

  replicaStatus: defineQuery<{
    database: string
    table: string
    is_readonly: number
    is_session_expired: number
    queue_size: number
    inserts_in_queue: number
    absolute_delay: number
    active_replicas: number
    total_replicas: number
    zookeeper_exception: string
    replica_name: string
    replica_path: string
  }>({
    name: 'replica-status',
    needs: ['system.replicas'],
    sql: (_, caps) => {
      const opt = (col: string, fallback: string) => (hasColumn(caps, 'system.replicas', col) ? col : `${fallback} AS ${col}`)
      return `SELECT database, table, is_readonly, ${opt('is_session_expired', '0')}, queue_size, inserts_in_queue, absolute_delay, active_replicas, total_replicas, ${opt('zookeeper_exception', "''")}, replica_name, replica_path FROM system.replicas ORDER BY database, table`
    },
  }),

  failingQueueEntries: defineQuery<{
    database: string
    table: string
    type: string
    num_tries: number
    last_exception: string
    queued_at: string
  }, {minTries: number; minAgeSeconds: number}>({
    name: 'replication-queue-failing',
    needs: ['system.replication_queue'],
    sql: ({minTries, minAgeSeconds}) =>
      `SELECT database, table, type, num_tries, last_exception, toString(create_time) AS queued_at FROM system.replication_queue WHERE num_tries >= ${Math.floor(minTries)} AND last_exception != '' AND create_time < now() - ${Math.floor(minAgeSeconds)} ORDER BY num_tries DESC LIMIT 20`,
  }),

  keeperRoot: defineQuery<{children: number}>({
    name: 'keeper-root',
    needs: ['system.zookeeper'],
    sql: () => "SELECT count() AS children FROM system.zookeeper WHERE path = '/'",
  }),

  keeperConnection: defineQuery<{name: string; host: string; port: number; session_uptime_elapsed_seconds: number; is_expired: number}>({
    name: 'keeper-connection',
    needs: ['system.zookeeper_connection'],
    sql: (_, caps) =>
      `SELECT name, host, port, ${
        hasColumn(caps, 'system.zookeeper_connection', 'session_uptime_elapsed_seconds') ? 'session_uptime_elapsed_seconds' : '0 AS session_uptime_elapsed_seconds'
      }, ${hasColumn(caps, 'system.zookeeper_connection', 'is_expired') ? 'is_expired' : '0 AS is_expired'} FROM system.zookeeper_connection`,
  }),

  databases: defineQuery<{name: string}, {names: readonly string[]}>({
    name: 'databases',
    needs: ['system.databases'],
    sql: ({names}) => `SELECT name FROM system.databases WHERE name IN (${list(names)}) ORDER BY name`,
  }),

  tables: defineQuery<{database: string; name: string; engine: string; engine_full: string}, {databases: readonly string[]}>({
    name: 'signoz-tables',
    needs: ['system.tables'],
    sql: ({databases}, caps) =>
      `SELECT database, name, engine, ${hasColumn(caps, 'system.tables', 'engine_full') ? 'engine_full' : "'' AS engine_full"} FROM system.tables WHERE database IN (${list(databases)}) ORDER BY database, name`,
  }),

  migrationStatus: defineQuery<{migration_id: number; latest_status: string; latest_error: string; updated: number}, {database: string}>({
    name: 'migration-status',
    needs: [],
    sql: ({database}) =>
      // Aliases must not shadow the columns: newer analyzers resolve them inside the other aggregates.
      `SELECT migration_id, ${LATEST_MIGRATION_STATUS} AS latest_status, argMax(error, tuple(updated_at, status != 'in-progress')) AS latest_error, toUInt32(toUnixTimestamp(max(updated_at))) AS updated FROM ${database}.schema_migrations_v2 GROUP BY migration_id ORDER BY migration_id`,
  }),

  legacyMigrations: defineQuery<{version: number; dirty: number}, {database: string}>({
    name: 'legacy-migration-version',
    needs: [],
    sql: ({database}) => `SELECT version, dirty FROM ${database}.schema_migrations ORDER BY sequence DESC LIMIT 1`,
  }),

  freshness: defineQuery<{rows: number; age: number | null}, {database: string; table: string; secondsExpr: string; since: (s: string) => string; windowSeconds: number}>({
    name: 'ingestion-freshness',
    needs: [],
    sql: ({database, table, secondsExpr, since, windowSeconds}) => {
      const start = `(toUInt32(toUnixTimestamp(now())) - ${Math.floor(windowSeconds)})`
      return `SELECT count() AS rows, if(count() = 0, NULL, toInt64(toUnixTimestamp(now())) - toInt64(max(${secondsExpr}))) AS age FROM ${database}.${table} WHERE ${since(start)}`
    },
  }),
}

export type QueryName = (typeof Q)[keyof typeof Q]['name']
