import {defineCheck, fail, pass, type Finding} from '../../src/core/check.js'
import {perHost, shardOf} from '../../src/core/host-results.js'
import type {ClickHouseFleet, HostProbe} from '../../src/gateways/clickhouse-fleet.js'
import {Q} from '../../src/signoz/queries.js'
import {LEGACY_MIGRATIONS_TABLE, MIGRATIONS_TABLE, SIGNOZ_DATABASES} from '../../src/signoz/schema.js'

/**
 * Every SigNoz schema migration has finished, and no legacy migration table is dirty.
 * Why: a failed or stuck migration keeps the collectors in Init (they gate on `migrate sync check`)
 * and blocks upgrades (catalogue #1, #2, #10).
 * Fails if: the latest status of a migration in schema_migrations_v2 is failed, or in-progress for
 * longer than migrationStuckSeconds, or in-progress while later migrations finished after it (a
 * stale row); or schema_migrations (golang-migrate) has dirty = 1.
 */
export default defineCheck({
  id: 'signoz/migrations',
  title: 'Every SigNoz schema migration has finished',
  severity: 'critical',
  requires: ['clickhouse'],
  runbook: 'migration-failed',
  scenarios: [1, 10],
  async run({clickhouse, thresholds, signal, now}) {
    // Which databases keep the bookkeeping: from the probe when every host's records it, so the
    // bookkeeping is read in the same statement as the list of tables; else after that list.
    const hosts = clickhouse.reachable()
    const probed = hosts.every((h) => h.capabilities?.tables) ? new Set(hosts.flatMap((h) => [...h.capabilities!.tables!])) : undefined
    const statusOf = (databases: string[]) => everyShardsStatus(clickhouse, databases, signal)
    const early = probed ? SIGNOZ_DATABASES.filter((db) => probed.has(`${db}.${MIGRATIONS_TABLE}`)) : undefined
    const [listed, earlyStatus] = await Promise.all([
      clickhouse.queryEach(Q.tables, {databases: SIGNOZ_DATABASES}, signal),
      early?.length ? statusOf(early) : undefined,
    ])
    const {answered, unreadable} = perHost(listed, 'system.tables')
    const findings: Finding[] = [...unreadable]
    const tables = probed ?? new Set(answered.flatMap(({rows}) => rows.map((r) => `${r.database}.${r.name}`)))
    const nowSeconds = Math.floor(now / 1000)
    const withTable = early ?? SIGNOZ_DATABASES.filter((db) => tables.has(`${db}.${MIGRATIONS_TABLE}`))
    const latest = new Map<string, {status: string; error: string; updated: number}>()
    const rank = (s: string) => (s === 'in-progress' ? 0 : 1)
    if (withTable.length > 0) {
      const everyHost = perHost(earlyStatus ?? (await statusOf(withTable)), 'schema_migrations_v2')
      findings.push(...everyHost.unreadable)
      for (const {rows} of everyHost.answered) {
        for (const row of rows) {
          const key = `${row.database} ${row.migration_id}`
          const prev = latest.get(key)
          if (!prev || row.updated > prev.updated || (row.updated === prev.updated && rank(row.latest_status) > rank(prev.status))) {
            latest.set(key, {status: row.latest_status, error: row.latest_error, updated: Number(row.updated)})
          }
        }
      }
    }
    for (const database of withTable) {
      const mine = [...latest].filter(([key]) => key.startsWith(`${database} `)).map(([key, m]) => [Number(key.split(' ')[1]), m] as const)
      const failed = mine.filter(([, m]) => m.status === 'failed')
      // An in-progress row that later migrations finished after: the migrator moved on, nothing runs it (signoz-otel-collector#681).
      const finishedAfter = (id: number, m: {updated: number}) =>
        mine.filter(([other, o]) => other > id && o.status === 'finished' && o.updated >= m.updated).map(([other]) => other)
      const stale = mine.filter(([id, m]) => m.status === 'in-progress' && finishedAfter(id, m).length > 0)
      const stuck = mine.filter(
        ([id, m]) => m.status === 'in-progress' && !stale.some(([s]) => s === id) && nowSeconds - m.updated > thresholds.migrationStuckSeconds,
      )
      for (const [id, m] of failed) {
        findings.push(
          fail(`${database} migration ${id}`, 'migration failed', {
            database,
            migration: id,
            error: m.error.split('\n')[0]!.slice(0, 300),
            at: new Date(m.updated * 1000).toISOString(),
          }),
        )
      }
      for (const [id, m] of stale) {
        const later = finishedAfter(id, m)
        findings.push(
          fail(
            `${database} migration ${id}`,
            `left in-progress while later migrations finished (${later.length}, up to ${Math.max(...later)}): a stale row from a migrator that stopped mid-way (signoz-otel-collector#681)`,
            {
              database,
              migration: id,
              since: new Date(m.updated * 1000).toISOString(),
              finishedAfter: later,
            },
          ),
        )
      }
      for (const [id, m] of stuck) {
        findings.push(
          fail(`${database} migration ${id}`, `in progress for ${Math.round((nowSeconds - m.updated) / 60)} minutes`, {
            database,
            migration: id,
            since: new Date(m.updated * 1000).toISOString(),
          }),
        )
      }
      if (failed.length === 0 && stuck.length === 0 && stale.length === 0) {
        findings.push(
          pass(database, mine.length ? `${mine.length} migrations finished` : 'no migrations recorded yet', {
            migrations: mine.length,
            latest: Math.max(0, ...mine.map(([id]) => id)),
          }),
        )
      }
    }
    // The legacy tables at once: one database after another, a remote cluster pays a round trip each.
    const withLegacy = SIGNOZ_DATABASES.filter((database) => tables.has(`${database}.${LEGACY_MIGRATIONS_TABLE}`))
    const legacyRows = await Promise.all(withLegacy.map((database) => clickhouse.queryEach(Q.legacyMigrations, {database}, signal)))
    for (const [i, database] of withLegacy.entries()) {
      const legacy = legacyRows[i]!.flatMap((r) => r.rows ?? [])
      const dirty = legacy.find((r) => Number(r.dirty) === 1)
      findings.push(
        dirty
          ? fail(`${database}.${LEGACY_MIGRATIONS_TABLE}`, `dirty at version ${dirty.version}`, {version: Number(dirty.version)})
          : pass(`${database}.${LEGACY_MIGRATIONS_TABLE}`, 'legacy migrations clean', {version: Number(legacy[0]?.version ?? 0)}),
      )
    }
    return findings
  },
})

/**
 * The bookkeeping of every shard. Rows are spread over shards (the distributed table shards by
 * rand()) and replicated within one. One replica per shard answers for its shard when its own copy
 * of each bookkeeping table is caught up (writable, its session alive, nothing in its replication
 * queue: a row written on another replica is a fetch in that queue until it lands) and every other
 * replica of the shard holds that table on the same Keeper path (replicas that do not replicate
 * each other hold different rows). A shard where that is not so, or whose replica did not answer,
 * is read on every replica, since the newest outcome may not have reached the one asked; its
 * replica's answer is kept. Each host's replica state is read in the same statement anyway (other
 * checks ask it).
 */
async function everyShardsStatus(clickhouse: ClickHouseFleet, databases: readonly string[], signal: AbortSignal) {
  const [first, replicas] = await Promise.all([
    clickhouse.queryPerShard(Q.migrationStatus, {databases}, signal),
    clickhouse.queryEach(Q.replicaStatus, undefined, signal),
  ])
  const bookkeepingOf = (host: HostProbe, database: string) =>
    replicas.find((r) => r.host.name === host.name)?.rows?.find((x) => x.database === database && x.table === MIGRATIONS_TABLE)
  const tablePath = (replicaPath: string) => replicaPath.replace(/\/replicas\/[^/]+$/, '')
  const answersForShard = (reader: HostProbe) => {
    const peers = clickhouse.reachable().filter((h) => shardOf(h) === shardOf(reader) && h.name !== reader.name)
    return databases.every((database) => {
      const own = bookkeepingOf(reader, database)
      if (!own || Number(own.is_readonly) || Number(own.is_session_expired) || Number(own.queue_size) !== 0) return false
      return peers.every((h) => {
        const theirs = bookkeepingOf(h, database)
        return theirs !== undefined && tablePath(theirs.replica_path) === tablePath(own.replica_path)
      })
    })
  }
  const doubtful = new Set(first.filter((r) => !r.rows || !answersForShard(r.host)).map((r) => shardOf(r.host)))
  const asked = new Set(first.map((r) => r.host.name))
  const others = clickhouse.reachable().filter((h) => doubtful.has(shardOf(h)) && !asked.has(h.name))
  return [...first, ...(others.length ? await clickhouse.queryHosts(others, Q.migrationStatus, {databases}, signal) : [])]
}
