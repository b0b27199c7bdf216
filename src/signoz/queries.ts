import {defineQuery, hasColumn, hasTable, list} from '../gateways/queries.js'
import {quote} from '../gateways/sql.js'
import {LATEST_MIGRATION_STATUS} from './schema.js'

/**
 * What doctor's checks and status read of each host: the ClickHouse and SigNoz state, adapted to
 * the server's probed capabilities. The contract test runs every one on both engines.
 */
export const Q = {
  clusterHosts: defineQuery<
    {
      cluster: string
      shard_num: number
      replica_num: number
      host_name: string
      host_address: string
      port: number
      is_local: number
      errors_count: number
    },
    {cluster: string}
  >({
    name: 'cluster-hosts',
    columns: {
      cluster: 'string',
      shard_num: 'number',
      replica_num: 'number',
      host_name: 'string',
      host_address: 'string',
      port: 'number',
      is_local: 'number',
      errors_count: 'number',
    },
    needs: ['system.clusters'],
    sql: ({cluster}, caps) =>
      `SELECT cluster, shard_num, replica_num, host_name, host_address, port, is_local, ${
        hasColumn(caps, 'system.clusters', 'errors_count') ? 'errors_count' : '0 AS errors_count'
      } FROM system.clusters WHERE cluster = ${quote(cluster)} ORDER BY shard_num, replica_num`,
  }),
  clusterNames: defineQuery<{cluster: string}>({
    name: 'cluster-names',
    columns: {cluster: 'string'},
    needs: ['system.clusters'],
    sql: () => 'SELECT DISTINCT cluster FROM system.clusters ORDER BY cluster',
  }),
  // Only columns a replica knows locally: asking for active_replicas, total_replicas or
  // zookeeper_exception costs Keeper round trips per table (the slow part of system.replicas).
  replicaStatus: defineQuery<{
    database: string
    table: string
    is_readonly: number
    is_session_expired: number
    queue_size: number
    inserts_in_queue: number
    absolute_delay: number
    replica_name: string
    replica_path: string
  }>({
    name: 'replica-status',
    columns: {
      database: 'string',
      table: 'string',
      is_readonly: 'number',
      is_session_expired: 'number',
      queue_size: 'number',
      inserts_in_queue: 'number',
      absolute_delay: 'number',
      replica_name: 'string',
      replica_path: 'string',
    },
    needs: ['system.replicas'],
    sql: (_, caps) =>
      `SELECT database, table, is_readonly, ${
        hasColumn(caps, 'system.replicas', 'is_session_expired') ? 'is_session_expired' : '0 AS is_session_expired'
      }, queue_size, inserts_in_queue, absolute_delay, replica_name, replica_path FROM system.replicas ORDER BY database, table`,
  }),
  /** The Keeper view of each table's replicas; the same from any replica of a shard. */
  replicaCounts: defineQuery<{database: string; table: string; active_replicas: number; total_replicas: number}>({
    name: 'replica-counts',
    columns: {database: 'string', table: 'string', active_replicas: 'number', total_replicas: 'number'},
    needs: ['system.replicas'],
    sql: () => 'SELECT database, table, active_replicas, total_replicas FROM system.replicas ORDER BY database, table',
  }),
  /** Keeper errors of the tables that are read-only (asked only where there are some). */
  replicaKeeperErrors: defineQuery<{database: string; table: string; zookeeper_exception: string}>({
    name: 'replica-keeper-errors',
    columns: {database: 'string', table: 'string', zookeeper_exception: 'string'},
    needs: ['system.replicas'],
    sql: (_, caps) =>
      `SELECT database, table, ${hasColumn(caps, 'system.replicas', 'zookeeper_exception') ? 'zookeeper_exception' : "'' AS zookeeper_exception"} FROM system.replicas WHERE is_readonly${
        hasColumn(caps, 'system.replicas', 'is_session_expired') ? ' OR is_session_expired' : ''
      }`,
  }),
  failingQueueEntries: defineQuery<
    {
      database: string
      table: string
      type: string
      num_tries: number
      last_exception: string
      queued_at: string
    },
    {minTries: number; minAgeSeconds: number}
  >({
    name: 'replication-queue-failing',
    columns: {database: 'string', table: 'string', type: 'string', num_tries: 'number', last_exception: 'string', queued_at: 'string'},
    needs: ['system.replication_queue'],
    sql: ({minTries, minAgeSeconds}) =>
      `SELECT database, table, type, num_tries, last_exception, toString(create_time) AS queued_at FROM system.replication_queue WHERE num_tries >= ${Math.floor(minTries)} AND last_exception != '' AND create_time < now() - ${Math.floor(minAgeSeconds)} ORDER BY num_tries DESC LIMIT 20`,
  }),
  /** Mutations not done: their age, parts left, and (19.x+) the latest failure. */
  unfinishedMutations: defineQuery<{
    database: string
    table: string
    mutation_id: string
    command: string
    age_seconds: number
    parts_left: number
    fail_reason: string
  }>({
    name: 'unfinished-mutations',
    columns: {
      database: 'string',
      table: 'string',
      mutation_id: 'string',
      command: 'string',
      age_seconds: 'number',
      parts_left: 'number',
      fail_reason: 'string',
    },
    needs: ['system.mutations'],
    sql: (_, caps) =>
      `SELECT database, table, mutation_id, command, toUInt32(now()) - toUInt32(create_time) AS age_seconds, ${
        hasColumn(caps, 'system.mutations', 'parts_to_do') ? 'parts_to_do' : 'toInt64(-1)'
      } AS parts_left, ${hasColumn(caps, 'system.mutations', 'latest_fail_reason') ? 'latest_fail_reason' : "''"} AS fail_reason FROM system.mutations WHERE is_done = 0 AND database != 'system' ORDER BY create_time LIMIT 100`,
  }),
  /**
   * Part mutations that keep failing, per table: how servers without system.mutations'
   * latest_fail_reason (before 19.x) show a failing mutation of a replicated table.
   */
  failingPartMutations: defineQuery<{database: string; table: string; entries: number; tries: number; last_failure: string}, {minTries: number}>({
    name: 'failing-part-mutations',
    columns: {database: 'string', table: 'string', entries: 'number', tries: 'number', last_failure: 'string'},
    needs: ['system.replication_queue'],
    sql: ({minTries}) =>
      `SELECT database, table, count() AS entries, max(num_tries) AS tries, any(last_exception) AS last_failure FROM system.replication_queue WHERE type = 'MUTATE_PART' AND last_exception != '' AND num_tries >= ${Math.floor(minTries)} GROUP BY database, table ORDER BY database, table`,
  }),
  /** The partitions with the most active parts on the host. */
  partsPerPartition: defineQuery<{database: string; table: string; partition_id: string; active_parts: number}, {limit: number}>({
    name: 'parts-per-partition',
    columns: {database: 'string', table: 'string', partition_id: 'string', active_parts: 'number'},
    needs: ['system.parts'],
    sql: ({limit}) =>
      `SELECT database, table, partition AS partition_id, count() AS active_parts FROM system.parts WHERE active AND database != 'system' GROUP BY database, table, partition ORDER BY active_parts DESC LIMIT ${Math.max(1, Math.floor(limit))}`,
  }),
  /** Free and total bytes per disk (system.disks, 19.15+; older servers expose no disk figures). */
  diskSpace: defineQuery<{disk: string; disk_path: string; free_bytes: number; total_bytes: number; keep_free_bytes: number}>({
    name: 'disk-space',
    columns: {disk: 'string', disk_path: 'string', free_bytes: 'number', total_bytes: 'number', keep_free_bytes: 'number'},
    needs: ['system.disks'],
    sql: () =>
      'SELECT name AS disk, path AS disk_path, free_space AS free_bytes, total_space AS total_bytes, keep_free_space AS keep_free_bytes FROM system.disks',
  }),
  /** ON CLUSTER tasks not finished on some host, older than the threshold (21.x+: the system table). */
  ddlQueueUnfinished: defineQuery<{entry: string; target_host: string; state: string; age_seconds: number; query_text: string}, {olderThanSeconds: number}>({
    name: 'ddl-queue-unfinished',
    columns: {entry: 'string', target_host: 'string', state: 'string', age_seconds: 'number', query_text: 'string'},
    needs: ['system.distributed_ddl_queue'],
    sql: ({olderThanSeconds}, caps) =>
      `SELECT entry, ifNull(${hasColumn(caps, 'system.distributed_ddl_queue', 'host_name') ? 'host_name' : 'host'}, '') AS target_host, toString(status) AS state, toUInt32(now()) - toUInt32(query_create_time) AS age_seconds, query AS query_text FROM system.distributed_ddl_queue WHERE toString(status) != 'Finished' AND query_create_time < now() - ${Math.floor(olderThanSeconds)} LIMIT 100`,
  }),
  /** Older servers: the ON CLUSTER tasks themselves, read from Keeper (the node value names the hosts). */
  ddlTasksInKeeper: defineQuery<{name: string; value: string; age_seconds: number}, {path: string; olderThanSeconds: number}>({
    name: 'ddl-tasks-in-keeper',
    needs: ['system.zookeeper'],
    sql: ({path, olderThanSeconds}) =>
      `SELECT name, value, toUInt32(now()) - toUInt32(ctime) AS age_seconds FROM system.zookeeper WHERE path = ${quote(path)} AND ctime < now() - ${Math.floor(olderThanSeconds)} ORDER BY ctime DESC LIMIT 20`,
  }),
  /**
   * The hosts that finished each of some ON CLUSTER tasks (children of their finished nodes), in
   * one statement: a SELECT per path (18.x reads system.zookeeper only by path = '…'), joined by UNION ALL.
   */
  ddlTasksFinished: defineQuery<{task: string; name: string}, {tasks: readonly {task: string; path: string}[]}>({
    name: 'ddl-tasks-finished',
    needs: ['system.zookeeper'],
    sql: ({tasks}) => tasks.map((t) => `SELECT ${quote(t.task)} AS task, name FROM system.zookeeper WHERE path = ${quote(t.path)}`).join(' UNION ALL '),
  }),
  /** Distributed tables' pending sends: per table (20.x+), else the server-wide file count from system.metrics (no row: the server exposes neither). */
  distributionQueue: defineQuery<{
    database: string
    table: string
    data_files: number
    error_count: number
    blocked: number
    last_error: string
    error_age: number | null
  }>({
    name: 'distribution-queue',
    columns: {
      database: 'string',
      table: 'string',
      data_files: 'number',
      error_count: 'number',
      blocked: 'number',
      last_error: 'string',
      error_age: 'nullable-number',
    },
    needs: [],
    sql: (_, caps) =>
      hasTable(caps, 'system.distribution_queue')
        ? `SELECT database, table, data_files, error_count, toUInt8(is_blocked) AS blocked, ${hasColumn(caps, 'system.distribution_queue', 'last_exception') ? 'last_exception' : "''"} AS last_error, ${hasColumn(caps, 'system.distribution_queue', 'last_exception_time') ? 'if(error_count > 0, toInt64(now() - last_exception_time), NULL)' : 'NULL'} AS error_age FROM system.distribution_queue WHERE data_files > 0 OR error_count > 0 OR is_blocked`
        : "SELECT '' AS database, '' AS table, toUInt64(value) AS data_files, toUInt64(0) AS error_count, toUInt8(0) AS blocked, '' AS last_error, NULL AS error_age FROM system.metrics WHERE metric = 'DistributedFilesToInsert'",
  }),
  /** The TTL clause of the SigNoz signal tables (TTL exists from 19.6; older servers keep data forever). */
  tableTtls: defineQuery<{database: string; table: string; ttl_clause: string}, {tables: readonly {database: string; table: string}[]}>({
    name: 'table-ttls',
    columns: {database: 'string', table: 'string', ttl_clause: 'string'},
    needs: ['system.tables'],
    sql: ({tables}) =>
      `SELECT database, name AS table, extract(engine_full, 'TTL (.*?)(?: SETTINGS|$)') AS ttl_clause FROM system.tables WHERE (database, name) IN (${tables.map((t) => `(${quote(t.database)}, ${quote(t.table)})`).join(', ')})`,
  }),
  /** Server errors of the given codes seen recently (system.errors with last_error_time, 21.x+). */
  recentErrors: defineQuery<
    {error_name: string; error_code: number; occurrences: number; age_seconds: number; last_message: string},
    {codes: readonly number[]; withinSeconds: number}
  >({
    name: 'recent-errors',
    columns: {error_name: 'string', error_code: 'number', occurrences: 'number', age_seconds: 'number', last_message: 'string'},
    needs: ['system.errors'],
    sql: ({codes, withinSeconds}, caps) =>
      hasColumn(caps, 'system.errors', 'last_error_time')
        ? `SELECT name AS error_name, code AS error_code, value AS occurrences, toUInt32(now()) - toUInt32(last_error_time) AS age_seconds, last_error_message AS last_message FROM system.errors WHERE code IN (${codes.map((c) => Math.floor(c)).join(', ')}) AND last_error_time > now() - ${Math.floor(withinSeconds)}${hasColumn(caps, 'system.errors', 'remote') ? ' AND remote = 0' : ''}`
        : `SELECT name AS error_name, code AS error_code, value AS occurrences, toUInt32(0) AS age_seconds, '' AS last_message FROM system.errors WHERE code IN (${codes.map((c) => Math.floor(c)).join(', ')})`,
  }),
  keeperRoot: defineQuery<{children: number}>({
    name: 'keeper-root',
    needs: ['system.zookeeper'],
    sql: () => "SELECT count() AS children FROM system.zookeeper WHERE path = '/'",
  }),
  keeperConnection: defineQuery<{name: string; host: string; port: number; session_uptime_elapsed_seconds: number; is_expired: number}>({
    name: 'keeper-connection',
    columns: {name: 'string', host: 'string', port: 'number', session_uptime_elapsed_seconds: 'number', is_expired: 'number'},
    needs: ['system.zookeeper_connection'],
    sql: (_, caps) =>
      `SELECT name, host, port, ${
        hasColumn(caps, 'system.zookeeper_connection', 'session_uptime_elapsed_seconds')
          ? 'session_uptime_elapsed_seconds'
          : '0 AS session_uptime_elapsed_seconds'
      }, ${hasColumn(caps, 'system.zookeeper_connection', 'is_expired') ? 'is_expired' : '0 AS is_expired'} FROM system.zookeeper_connection`,
  }),
  /** Where each replicated SigNoz table lives in Keeper; local columns only (no Keeper round trip). */
  replicaPaths: defineQuery<{database: string; table: string; zookeeper_path: string; replica_name: string}, {databases: readonly string[]}>({
    name: 'replica-paths',
    columns: {database: 'string', table: 'string', zookeeper_path: 'string', replica_name: 'string'},
    needs: ['system.replicas'],
    sql: ({databases}) =>
      `SELECT database, table, zookeeper_path, replica_name FROM system.replicas WHERE database IN (${list(databases)}) ORDER BY database, table`,
  }),
  /**
   * Children of several Keeper paths in one statement. system.zookeeper needs an equality on
   * path before 20.x, hence one branch per path.
   */
  keeperChildren: defineQuery<{parent: string; name: string}, {paths: readonly string[]}>({
    name: 'keeper-children',
    needs: ['system.zookeeper'],
    // The alias must not be "path": it would shadow the column the server needs in WHERE.
    sql: ({paths}) => paths.map((p) => `SELECT ${quote(p)} AS parent, name FROM system.zookeeper WHERE path = ${quote(p)}`).join(' UNION ALL '),
  }),
  databases: defineQuery<{name: string}, {names: readonly string[]}>({
    name: 'databases',
    columns: {name: 'string'},
    needs: ['system.databases'],
    sql: ({names}) => `SELECT name FROM system.databases WHERE name IN (${list(names)}) ORDER BY name`,
  }),
  tables: defineQuery<{database: string; name: string; engine: string; engine_full: string}, {databases: readonly string[]}>({
    name: 'signoz-tables',
    columns: {database: 'string', name: 'string', engine: 'string', engine_full: 'string'},
    needs: ['system.tables'],
    sql: ({databases}, caps) =>
      `SELECT database, name, engine, ${hasColumn(caps, 'system.tables', 'engine_full') ? 'engine_full' : "'' AS engine_full"} FROM system.tables WHERE database IN (${list(databases)}) ORDER BY database, name`,
  }),
  /**
   * One signature per SigNoz table: its column count and an order-free hash of (name, type).
   * Hosts compare signatures instead of shipping every column (~1,500 rows per host).
   */
  tableSignatures: defineQuery<{database: string; table: string; columns: number; signature: string}, {databases: readonly string[]}>({
    name: 'table-signatures',
    columns: {database: 'string', table: 'string', columns: 'number', signature: 'string'},
    needs: ['system.columns'],
    sql: ({databases}) =>
      `SELECT database, table, count() AS columns, toString(sum(cityHash64(name, type))) AS signature FROM system.columns WHERE database IN (${list(databases)}) GROUP BY database, table ORDER BY database, table`,
  }),
  tableColumns: defineQuery<{name: string; type: string}, {database: string; table: string}>({
    name: 'table-columns',
    columns: {name: 'string', type: 'string'},
    needs: ['system.columns'],
    sql: ({database, table}) => `SELECT name, type FROM system.columns WHERE database = ${quote(database)} AND table = ${quote(table)}`,
  }),
  migrationStatus: defineQuery<
    {database: string; migration_id: number; latest_status: string; latest_error: string; updated: number},
    {databases: readonly string[]}
  >({
    name: 'migration-status',
    columns: {database: 'string', migration_id: 'number', latest_status: 'string', latest_error: 'string', updated: 'number'},
    needs: [],
    // One statement for every database that has the table, grouped once over their rows: on 18.16 a
    // GROUP BY per database cost about 1 ms each on every host. Aliases must not shadow the columns
    // (newer analyzers resolve an alias inside the other aggregates).
    sql: ({databases}) =>
      `SELECT database, migration_id, ${LATEST_MIGRATION_STATUS} AS latest_status, argMax(error, tuple(updated_at, status != 'in-progress')) AS latest_error, toUInt32(toUnixTimestamp(max(updated_at))) AS updated FROM (${databases
        .map((db) => `SELECT ${quote(db)} AS database, migration_id, status, error, updated_at FROM ${db}.schema_migrations_v2`)
        .join(' UNION ALL ')}) GROUP BY database, migration_id`,
  }),
  legacyMigrations: defineQuery<{version: number; dirty: number}, {database: string}>({
    name: 'legacy-migration-version',
    needs: [],
    sql: ({database}) => `SELECT version, dirty FROM ${database}.schema_migrations ORDER BY sequence DESC LIMIT 1`,
  }),
  /**
   * Rows of each signal in the last window and the newest one's age; with withTotals also every
   * row the table holds (a bare count() is answered from part metadata, no scan), which tells a
   * shard that never received a signal from one that stopped receiving it.
   */
  freshness: defineQuery<
    {signal: string; rows: number; age: number | null; total: number | null},
    {
      tables: readonly {signal: string; database: string; table: string; secondsExpr: string; since: (s: string) => string}[]
      windowSeconds: number
      withTotals?: boolean
    }
  >({
    name: 'ingestion-freshness',
    columns: {signal: 'string', rows: 'number', age: 'nullable-number', total: 'nullable-number'},
    needs: [],
    sql: ({tables, windowSeconds, withTotals}) => {
      const start = `(toUInt32(toUnixTimestamp(now())) - ${Math.floor(windowSeconds)})`
      return tables
        .map(
          (t) =>
            `SELECT ${quote(t.signal)} AS signal, count() AS rows, if(count() = 0, NULL, toInt64(toUnixTimestamp(now())) - toInt64(max(${t.secondsExpr}))) AS age, ${
              withTotals ? `(SELECT count() FROM ${t.database}.${t.table})` : 'CAST(NULL AS Nullable(UInt64))'
            } AS total FROM ${t.database}.${t.table} WHERE ${t.since(start)}`,
        )
        .join(' UNION ALL ')
    },
  }),
  /** The server itself: version, uptime, clock and time zone (status, the bundle). */
  serverInfo: defineQuery<{version: string; uptime: number; server_time: string; timezone: string; hostname: string}>({
    name: 'server-info',
    columns: {version: 'string', uptime: 'number', server_time: 'string', timezone: 'string', hostname: 'string'},
    needs: [],
    sql: () => 'SELECT version() AS version, uptime() AS uptime, toString(now()) AS server_time, timezone() AS timezone, hostName() AS hostname',
  }),
}
