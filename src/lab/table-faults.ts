import {UsageError} from '../core/errors.js'
import {ident, quote} from '../gateways/clickhouse.js'
import {chopStatefulSetName} from './operator-names.js'
import {onLabHost} from './connections.js'
import {statfsSync} from 'node:fs'
import {restartWithConfig, waitHost} from './hosts.js'
import {hostState} from './state.js'
import {syntheticBatch} from './ingest.js'
import {signal, waitFor} from './processes.js'
import {labHost, type Fault} from './fault.js'
import {recoverHosts} from './recovery.js'
import {keeperCli} from './keeper.js'

const PROBE_TABLE = 'signoz_logs.lab_mutation_probe'
/** A replicated SigNoz table: its mutations are part mutations every replica of the shard runs from its queue. */
const MUTATED_TABLE = {database: 'signoz_logs', table: 'logs_v2'}
const FAILING_MUTATION = 'DELETE WHERE throwIf(timestamp > 0) = 0'
/** Tables no lab agent writes to, so only the schema checks see them gone. */
const SHARD_TABLES = ['signoz_metadata.distributed_attributes_metadata', 'signoz_metadata.attributes_metadata']
const DRIFT_TABLE = 'signoz_traces.distributed_signoz_index_v3'
const STALE_SOURCE = 'signoz_logs.logs_v2'
const STALE_GHOST = 'default.lab_stale_replica'

/** Faults inside ClickHouse's tables and queues: each one made with real statements. */
export const TABLE_FAULTS: readonly Fault[] = [
  {
    id: 'stuck-mutation',
    summary: 'start a mutation that fails on every part (throwIf in its WHERE): it never finishes and blocks later ALTERs on the table (catalogue #21)',
    target: {description: 'pod name or SHARD-REPLICA', default: (s) => s.clickhouse[0]!.pod},
    async inject(state, target) {
      const host = labHost(state, target, state.clickhouse[0]!)
      await onLabHost(state, host, async (conn) => {
        // A table of its own: on 18.16 a mutation can only be dropped with its table.
        await conn.command(`CREATE TABLE IF NOT EXISTS ${PROBE_TABLE} (id UInt64, body String) ENGINE = MergeTree ORDER BY id`)
        await conn.command(`INSERT INTO ${PROBE_TABLE} VALUES (1, 'a'), (2, 'b')`)
        // Newer servers try the mutation at once and answer its failure, leaving it registered (and failing) all the same.
        await conn.command(`ALTER TABLE ${PROBE_TABLE} DELETE WHERE throwIf(id > 0) = 0`).catch(async (error: unknown) => {
          const [left] = await conn.query<{n: number}>(
            `SELECT count() AS n FROM system.mutations WHERE database = 'signoz_logs' AND table = 'lab_mutation_probe' AND NOT is_done`,
          )
          if (!Number(left?.n)) throw error
        })
      })
      return {pod: host.pod}
    },
    async heal(state, fault) {
      const host = labHost(state, fault.undo.pod as string, state.clickhouse[0]!)
      await onLabHost(state, host, (conn) => conn.command(`DROP TABLE IF EXISTS ${PROBE_TABLE}`))
    },
  },
  {
    id: 'failing-mutation',
    summary:
      'start a mutation on a replicated SigNoz table (signoz_logs.logs_v2) whose part mutations all fail: every replica of the shard retries them from its replication queue, and later ALTERs wait (catalogue #21)',
    target: {description: 'pod name or SHARD-REPLICA', default: (s) => s.clickhouse[0]!.pod},
    async inject(state, target) {
      const host = labHost(state, target, state.clickhouse[0]!)
      if (!state.replication) throw new UsageError('failing-mutation needs a lab with replication (not --no-replication)')
      await onLabHost(state, host, (conn) => conn.command(`ALTER TABLE ${MUTATED_TABLE.database}.${MUTATED_TABLE.table} ${FAILING_MUTATION}`))
      return {shard: host.shard}
    },
    async heal(state, fault) {
      // Servers before 19.x cannot KILL MUTATION: its node and the part mutations it queued go from Keeper, then each replica reloads.
      const hosts = state.clickhouse.filter((h) => h.shard === fault.undo.shard)
      const {database, table} = MUTATED_TABLE
      const paths = await onLabHost(state, hosts[0]!, (conn) =>
        conn.query<{zookeeper_path: string; replica_path: string}>(
          `SELECT zookeeper_path, replica_path FROM system.replicas WHERE database = ${quote(database)} AND table = ${quote(table)}`,
        ),
      )
      const zkPath = paths[0]?.zookeeper_path
      if (!zkPath) throw new Error(`no replica path of ${database}.${table}`)
      const deletes = await onLabHost(state, hosts[0]!, async (conn) => {
        const mutations = await conn.query<{node: string}>(
          `SELECT concat(path, '/', name) AS node FROM system.zookeeper WHERE path = ${quote(`${zkPath}/mutations`)} AND position(value, 'throwIf') > 0`,
        )
        const replicas = await conn.query<{name: string}>(`SELECT name FROM system.zookeeper WHERE path = ${quote(`${zkPath}/replicas`)}`)
        // 18.x reads system.zookeeper only with path = '…': one replica's queue at a time.
        const queued = (
          await Promise.all(
            replicas.map((r) =>
              conn.query<{node: string}>(
                `SELECT concat(path, '/', name) AS node FROM system.zookeeper WHERE path = ${quote(`${zkPath}/replicas/${r.name}/queue`)} AND position(value, '\\nmutate\\n') > 0`,
              ),
            ),
          )
        ).flat()
        return [...queued, ...mutations].map((r) => `delete ${r.node}`)
      })
      if (deletes.length) await keeperCli(state, deletes)
      for (const host of hosts) await onLabHost(state, host, (conn) => conn.command(`SYSTEM RESTART REPLICA ${database}.${table}`))
      await waitFor(
        'the failing mutation to be gone',
        async () => {
          const left = await Promise.all(
            hosts.map((h) =>
              onLabHost(state, h, async (conn) => {
                const [m] = await conn.query<{n: number}>(
                  `SELECT count() AS n FROM system.mutations WHERE NOT is_done AND database = ${quote(database)} AND table = ${quote(table)}`,
                )
                const [q] = await conn.query<{n: number}>(
                  `SELECT count() AS n FROM system.replication_queue WHERE type = 'MUTATE_PART' AND database = ${quote(database)} AND table = ${quote(table)}`,
                )
                return Number(m?.n ?? 1) + Number(q?.n ?? 1)
              }),
            ),
          )
          return left.every((n) => n === 0)
        },
        30_000,
        500,
      )
    },
  },
  {
    id: 'too-many-parts',
    summary: 'stop merges on one replica of signoz_logs.logs_v2 and insert 40 tiny batches there: parts pile up in one partition (catalogue #7)',
    target: {description: 'pod name or SHARD-REPLICA', default: (s) => s.clickhouse[s.clickhouse.length - 1]!.pod},
    async inject(state, target) {
      const host = labHost(state, target, state.clickhouse[state.clickhouse.length - 1]!)
      await onLabHost(state, host, async (conn) => {
        await conn.command('SYSTEM STOP MERGES signoz_logs.logs_v2')
        // One insert, one part: the way a collector with a tiny batch size writes.
        for (let i = 0; i < 40; i++) await conn.insert('signoz_logs.logs_v2', syntheticBatch(new Date())['signoz_logs.distributed_logs_v2']!.slice(0, 1))
      })
      return {pod: host.pod}
    },
    async heal(state, fault) {
      const host = labHost(state, fault.undo.pod as string, state.clickhouse[state.clickhouse.length - 1]!)
      // Merges resume; healed means the piled-up parts are merged away.
      await onLabHost(state, host, (conn) => conn.command('SYSTEM START MERGES signoz_logs.logs_v2'))
      await waitFor(
        `merges on ${host.pod} to catch up`,
        () =>
          onLabHost(state, host, async (conn) => {
            const rows = await conn.query<{n: number}>(
              "SELECT count() AS n FROM system.parts WHERE active AND database = 'signoz_logs' AND table = 'logs_v2' GROUP BY partition ORDER BY n DESC LIMIT 1",
            )
            return Number(rows[0]?.n ?? 0) < 10
          }),
        90_000,
        500,
      )
    },
  },
  {
    id: 'ddl-stuck',
    summary: 'hang one host (SIGSTOP) and run an ON CLUSTER statement: the task times out and stays unfinished on that host (catalogue #1, #26)',
    target: {description: 'pod name or SHARD-REPLICA', default: (s) => s.clickhouse[s.clickhouse.length - 1]!.pod},
    async inject(state, target) {
      const host = labHost(state, target, state.clickhouse[state.clickhouse.length - 1]!)
      const initiator = state.clickhouse.find((h) => h !== host)
      if (!initiator) throw new UsageError('ddl-stuck needs a lab with at least two hosts')
      if (hostState(host) === 'dead') throw new Error(`${host.pod} has no process`)
      signal(host.pid!, 'SIGSTOP')
      await onLabHost(state, initiator, (conn) =>
        conn
          .command(`CREATE TABLE IF NOT EXISTS default.lab_ddl_probe ON CLUSTER ${ident(state.cluster)} (x UInt8) ENGINE = Memory`, {
            settings: {distributed_ddl_task_timeout: 2},
          })
          .catch(() => undefined),
      )
      return {pod: host.pod}
    },
    async heal(state, fault) {
      const host = labHost(state, fault.undo.pod as string, state.clickhouse[state.clickhouse.length - 1]!)
      if (hostState(host) === 'stopped') signal(host.pid!, 'SIGCONT')
      await waitHost(host)
      const initiator = state.clickhouse.find((h) => h !== host)!
      // The resumed host works through the queue; then the probe table goes everywhere.
      await waitFor(
        `${host.pod} to run the pending ON CLUSTER task`,
        () =>
          onLabHost(
            state,
            host,
            async (conn) =>
              (await conn.query<{n: number}>("SELECT count() AS n FROM system.tables WHERE database = 'default' AND name = 'lab_ddl_probe'"))[0]?.n === 1,
          ),
        60_000,
        500,
      )
      await onLabHost(state, initiator, (conn) => conn.command(`DROP TABLE IF EXISTS default.lab_ddl_probe ON CLUSTER ${ident(state.cluster)}`))
      // After a stall its Keeper session may have expired: healed means writable and caught up again.
      await recoverHosts(state, [host])
    },
  },
  {
    id: 'shard-missing-tables',
    summary: "drop signoz_metadata's tables on every replica of the last shard: the shard looks added after the migrations ran (catalogue #16)",
    target: {description: 'shard number', default: (s) => String(s.clickhouse[s.clickhouse.length - 1]!.shard)},
    async inject(state, target) {
      const shard = target ?? String(state.clickhouse[state.clickhouse.length - 1]!.shard)
      const hosts = state.clickhouse.filter((h) => String(h.shard) === shard)
      if (hosts.length === 0)
        throw new UsageError(`no shard "${shard}" in this lab`, `shards: ${[...new Set(state.clickhouse.map((h) => h.shard))].join(', ')}`)
      const statements: string[] = []
      // Distributed first, then the local table it points at, as the definitions depend.
      for (const table of SHARD_TABLES) {
        const [row] = await onLabHost(state, hosts[0]!, (conn) => conn.query<{statement: string}>(`SHOW CREATE TABLE ${table}`))
        if (!row) throw new Error(`no ${table} on ${hosts[0]!.pod}`)
        statements.push(row.statement)
      }
      for (const host of hosts)
        await onLabHost(state, host, async (conn) => {
          for (const table of SHARD_TABLES) await conn.command(`DROP TABLE IF EXISTS ${table}`)
        })
      // Recreated in reverse order: the local table before the distributed one.
      return {shard, statements: statements.reverse()}
    },
    async heal(state, fault) {
      const hosts = state.clickhouse.filter((h) => String(h.shard) === fault.undo.shard)
      for (const host of hosts)
        await onLabHost(state, host, async (conn) => {
          for (const statement of fault.undo.statements as string[]) await conn.command(statement.replace(/^CREATE TABLE /, 'CREATE TABLE IF NOT EXISTS '))
        })
    },
  },
  {
    id: 'schema-drift',
    summary: 'add a column to a distributed table on one host only: a migration that reached some hosts (catalogue #25)',
    target: {description: 'pod name or SHARD-REPLICA', default: (s) => s.clickhouse[s.clickhouse.length - 1]!.pod},
    async inject(state, target) {
      const host = labHost(state, target, state.clickhouse[state.clickhouse.length - 1]!)
      await onLabHost(state, host, (conn) => conn.command(`ALTER TABLE ${DRIFT_TABLE} ADD COLUMN lab_drift String DEFAULT ''`))
      return {pod: host.pod}
    },
    async heal(state, fault) {
      const host = labHost(state, fault.undo.pod as string, state.clickhouse[state.clickhouse.length - 1]!)
      await onLabHost(state, host, (conn) => conn.command(`ALTER TABLE ${DRIFT_TABLE} DROP COLUMN lab_drift`))
    },
  },
  {
    id: 'stale-replica',
    summary:
      'register a replica of signoz_logs.logs_v2 under the name of a host removed by scale-down, then detach it: Keeper keeps a replica no host serves (catalogue #29)',
    target: {description: 'pod name or SHARD-REPLICA of the host that registers it', default: (s) => s.clickhouse[0]!.pod},
    async inject(state, target) {
      const host = labHost(state, target, state.clickhouse[0]!)
      // The name the next replica of this shard had before a scale-down removed it.
      const ghost = chopStatefulSetName(state.chi, state.cluster, host.shard, state.replicasPerShard)
      await onLabHost(state, host, async (conn) => {
        const [row] = await conn.query<{statement: string}>(`SHOW CREATE TABLE ${STALE_SOURCE}`)
        if (!row) throw new Error(`no ${STALE_SOURCE} on ${host.pod}`)
        // Same Keeper path and definition, the departed host's replica name, a table of its own.
        const create = row.statement.replace(`CREATE TABLE ${STALE_SOURCE}`, `CREATE TABLE ${STALE_GHOST}`).replace("'{replica}'", `'${ghost}'`)
        await conn.command(create)
        // Detached, the registration stays in Keeper with no session: what a removed host leaves.
        await conn.command(`DETACH TABLE ${STALE_GHOST}`)
      })
      return {pod: host.pod, replica: ghost}
    },
    async heal(state, fault) {
      const host = labHost(state, fault.undo.pod as string, state.clickhouse[0]!)
      await onLabHost(state, host, async (conn) => {
        // Attached again (if a restart has not already), then dropped: DROP removes the registration.
        await conn.command(`ATTACH TABLE ${STALE_GHOST}`).catch(() => undefined)
        await conn.command(`DROP TABLE IF EXISTS ${STALE_GHOST}`)
      })
    },
  },
  {
    id: 'disk-nearly-full',
    summary:
      "make one host's disk nearly full as ClickHouse sees it: keep_free_space_bytes reserves all but 2% of what is free, so merges and inserts run out of room (catalogue #5; servers with system.disks)",
    target: {description: 'pod name or SHARD-REPLICA', default: (s) => s.clickhouse[0]!.pod},
    async inject(state, target) {
      const host = labHost(state, target, state.clickhouse[0]!)
      const disk = statfsSync(host.dir)
      const free = disk.bavail * disk.bsize
      host.keepFreeBytes = Math.max(0, free - Math.floor(disk.blocks * disk.bsize * 0.02))
      await restartWithConfig(state, host)
      return {pod: host.pod}
    },
    async heal(state, fault) {
      const host = labHost(state, fault.undo.pod as string, state.clickhouse[0]!)
      host.keepFreeBytes = undefined
      await restartWithConfig(state, host)
    },
  },
  {
    id: 'clickhouse-busy',
    summary:
      'one host at its query limit (max_concurrent_queries 2): reads beyond it are refused with 202 TOO_MANY_SIMULTANEOUS_QUERIES, as a host busy with heavy queries refuses them',
    target: {description: 'pod name or SHARD-REPLICA', default: (s) => s.clickhouse[0]!.pod},
    async inject(state, target) {
      const host = labHost(state, target, state.clickhouse[0]!)
      host.maxConcurrentQueries = 2
      await restartWithConfig(state, host)
      await recoverHosts(state, [host])
      return {pod: host.pod}
    },
    async heal(state, fault) {
      const host = labHost(state, fault.undo.pod as string, state.clickhouse[0]!)
      host.maxConcurrentQueries = undefined
      await restartWithConfig(state, host)
      await recoverHosts(state, [host])
    },
  },
  {
    id: 'error-fingerprint',
    summary:
      'raise a known error on one host for real (a query over its memory limit: MEMORY_LIMIT_EXCEEDED, code 241, as an OOM-bound host raises it): system.errors records when (catalogue #17; 21.x+)',
    target: {description: 'pod name or SHARD-REPLICA', default: (s) => s.clickhouse[0]!.pod},
    async inject(state, target) {
      const host = labHost(state, target, state.clickhouse[0]!)
      const answer = await onLabHost(state, host, (conn) =>
        conn.query('SELECT groupArray(number) FROM numbers(1000000) SETTINGS max_memory_usage = 1000000').then(
          () => 'no error',
          (error: unknown) => String(error),
        ),
      )
      if (!/241|MEMORY_LIMIT_EXCEEDED|memory limit exceeded/i.test(answer)) throw new Error(`the server did not raise MEMORY_LIMIT_EXCEEDED: ${answer}`)
      return {pod: host.pod}
    },
    async heal(state, fault) {
      // system.errors keeps what it counted until the server restarts.
      const host = labHost(state, fault.undo.pod as string, state.clickhouse[0]!)
      await restartWithConfig(state, host)
    },
  },
  {
    id: 'ttl-missing',
    summary:
      'remove the TTL of signoz_logs.logs_v2 on one host, as a table made by hand or an old migration leaves it: its logs are kept until the disk fills (catalogue #6; servers with table TTL)',
    target: {description: 'pod name or SHARD-REPLICA', default: (s) => s.clickhouse[0]!.pod},
    async inject(state, target) {
      const host = labHost(state, target, state.clickhouse[0]!)
      const ttl = await onLabHost(state, host, async (conn) => {
        const [row] = await conn.query<{ttl: string}>(
          "SELECT extract(engine_full, 'TTL (.+?) SETTINGS') AS ttl FROM system.tables WHERE database = 'signoz_logs' AND name = 'logs_v2'",
        )
        if (!row?.ttl) throw new Error(`signoz_logs.logs_v2 on ${host.pod} has no TTL to remove`)
        await conn.command('ALTER TABLE signoz_logs.logs_v2 REMOVE TTL')
        return row.ttl
      })
      return {pod: host.pod, ttl}
    },
    async heal(state, fault) {
      const host = labHost(state, fault.undo.pod as string, state.clickhouse[0]!)
      await onLabHost(state, host, (conn) => conn.command(`ALTER TABLE signoz_logs.logs_v2 MODIFY TTL ${fault.undo.ttl as string}`))
    },
  },
]
