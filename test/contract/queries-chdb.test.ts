import {Session} from 'chdb'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {PROBE, type Capabilities, type NamedQuery} from '../../src/gateways/queries.js'
import {batchSql, splitBatch, type BatchRow, type Columns} from '../../src/gateways/query-batch.js'
import {Q} from '../../src/signoz/queries.js'
import {SIGNAL_TABLES} from '../../src/signoz/schema.js'
import {schemaStatements} from '../../src/lab/migrator.js'
import {ALL_NAMED_QUERIES, SAMPLE_PARAMS} from '../helpers/sample-params.js'
import type {ClickHouseFleet, HostProbe, HostResult} from '../../src/gateways/clickhouse-fleet.js'
import {DEFAULT_THRESHOLDS} from '../../src/core/thresholds.js'
import diskFree from '../../checks/clickhouse/disk-free.js'
import retention from '../../checks/signoz/retention.js'
import errors from '../../checks/clickhouse/errors.js'

/**
 * Every named query doctor sends, run for real on a modern ClickHouse (chdb, 26.x in-process)
 * over the SigNoz schema. The same queries run against the lab's 18.16 in test/lab.
 */

/** Tables chdb cannot have (no Keeper in-process): those queries are parsed, not executed. */
const NO_KEEPER_TABLES = ['system.zookeeper', 'system.zookeeper_connection', 'system.distributed_ddl_queue']

let session: Session
let caps: Capabilities

const run = (sql: string) => session.query(sql, 'JSONEachRow')

beforeAll(() => {
  session = new Session()
  for (const sql of schemaStatements({cluster: 'cluster', replication: false, modern: true})) {
    if (sql.includes('ENGINE = Distributed')) continue // needs remote_servers, which chdb has none of
    run(sql.replace(/ ON CLUSTER `cluster`/g, ''))
  }
  run('CREATE TABLE signoz_traces.schema_migrations (version Int64, dirty UInt8, sequence UInt64) ENGINE = MergeTree ORDER BY sequence')
  run("INSERT INTO signoz_traces.schema_migrations_v2 VALUES (1, 'in-progress', '', now64(9), now64(9)), (1, 'finished', '', now64(9), now64(9))")
  const rows = run(PROBE.sql(undefined, {} as Capabilities))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as {kind: string; a: string; b: string})
  const version = {version: rows.find((r) => r.kind === 'version')!.a}
  const byTable = new Map<string, Set<string>>()
  for (const c of rows.filter((r) => r.kind === 'column')) byTable.set(`system.${c.a}`, (byTable.get(`system.${c.a}`) ?? new Set()).add(c.b))
  const [major, minor] = version.version.split('.').map(Number)
  caps = {version: version.version, major: major!, minor: minor!, columns: byTable}
})

afterAll(() => session?.cleanup())

const ALL_QUERIES = ALL_NAMED_QUERIES
describe('named queries on modern ClickHouse (chdb)', () => {
  test('chdb is a modern engine', () => {
    expect(caps.major).toBeGreaterThanOrEqual(24)
  })

  test('every named query has sample parameters here', () => {
    expect(Object.keys(SAMPLE_PARAMS).sort()).toEqual(ALL_QUERIES.map((q) => q.name).sort())
  })

  for (const query of ALL_QUERIES) {
    test(query.name, () => {
      const sql = query.sql(SAMPLE_PARAMS[query.name], caps)
      if (query.needs.some((t) => NO_KEEPER_TABLES.includes(t))) {
        expect(() => run(`EXPLAIN AST ${sql}`)).not.toThrow()
        return
      }
      expect(() => run(sql)).not.toThrow()
    })
  }

  test('the queries that may share a statement answer in one batch what each answers alone', () => {
    const batchable = ALL_QUERIES.filter((q) => q.columns && !q.needs.some((t) => NO_KEEPER_TABLES.includes(t)))
    expect(batchable.length).toBeGreaterThan(15)
    const items = batchable.map((q) => ({sql: q.sql(SAMPLE_PARAMS[q.name], caps), columns: q.columns as Columns}))
    const parse = (text: string) =>
      text
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>)
    // Every one is written into the batch, none read through a subquery (which 18.16 analyses twice).
    expect(batchable.filter((_, i) => batchSql([items[i]!]).endsWith(`FROM (${items[i]!.sql})`)).map((q) => q.name)).toEqual([])
    // One thread, as the fleet reads: each query's rows come in its own order.
    run('SET max_threads = 1')
    const split = splitBatch(items, parse(run(batchSql(items))) as unknown as BatchRow[])
    // Alone, the server quotes 64-bit numbers and prints Bool as true/false; the batch reads both back as numbers.
    const readAlone = (row: Record<string, unknown>, columns: Columns) =>
      Object.fromEntries(
        Object.entries(columns).map(([c, kind]) => [
          c,
          kind === 'string' || row[c] === null ? row[c] : typeof row[c] === 'boolean' ? Number(row[c]) : Number(row[c]),
        ]),
      )
    const MOVING = new Set(['uptime', 'server_time', 'age', 'age_seconds', 'error_age', 'free_bytes'])
    const stable = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).filter(([c]) => !MOVING.has(c)))))
    const steady = (rows: Record<string, unknown>[]) => stable(rows).sort()
    let rows = 0
    batchable.forEach((q, i) => {
      const alone = parse(run(items[i]!.sql)).map((r) => readAlone(r, items[i]!.columns))
      expect(Object.keys(split[i]![0] ?? {}).sort(), q.name).toEqual(Object.keys(alone[0] ?? {}).sort())
      expect(steady(split[i]!), q.name).toEqual(steady(alone))
      if (/ ORDER BY /.test(items[i]!.sql)) expect(stable(split[i]!), `${q.name} in its order`).toEqual(stable(alone))
      rows += alone.length
    })
    expect(rows).toBeGreaterThan(20)
  })

  test('the latest migration status prefers the outcome over in-progress at the same time', () => {
    const row = JSON.parse(run(Q.migrationStatus.sql({databases: ['signoz_traces']}, caps)).trim()) as {latest_status: string}
    expect(row.latest_status).toBe('finished')
  })
})

describe('a check over a modern server only (chdb)', () => {
  /** A one-host fleet answering from chdb: the real system.disks of this machine. */
  const chdbFleet = (): ClickHouseFleet => {
    const host: HostProbe = {name: 'chdb', target: 'chdb', reachable: true, macros: {}, capabilities: caps, latencyMs: 0, version: caps.version}
    const answer = async <Row, P>(query: NamedQuery<Row, P>, params: P): Promise<HostResult<Row>[]> => [
      {
        host,
        rows: run(query.sql(params, caps))
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Row),
      },
    ]
    return {hosts: [host], reachable: () => [host], queryEach: answer, queryPerShard: answer, queryHosts: (_hosts, q, p) => answer(q, p), queryCount: () => 0}
  }
  const ctx = (diskFreePercent: number) => ({
    now: Date.now(),
    clickhouse: chdbFleet(),
    expect: {cluster: 'cluster'},
    thresholds: {...DEFAULT_THRESHOLDS, diskFreePercent},
    signal: new AbortController().signal,
  })

  test('signoz/retention sees the TTL the migrator set, and its absence', async () => {
    const withTtl = await retention.run(ctx(10))
    expect(withTtl.every((f) => f.ok)).toBe(true)
    run('ALTER TABLE signoz_logs.logs_v2 REMOVE TTL')
    const without = await retention.run(ctx(10))
    expect(without.filter((f) => !f.ok).map((f) => f.subject)).toEqual(['chdb/signoz_logs.logs_v2'])
  })

  test('clickhouse/errors finds a real fingerprint error the server just raised', async () => {
    expect(() => run('SELECT no_such_column FROM system.one')).toThrow()
    const findings = await errors.run(ctx(10))
    const unknown = findings.find((f) => !f.ok && f.subject === 'chdb/UNKNOWN_IDENTIFIER')
    expect(unknown?.evidence).toMatchObject({code: 47, scenario: 25, runbook: 'signoz-ha runbook show migration-failed'})
  })

  test('clickhouse/disk-free reads real disk figures: passes at the default threshold, fails when asked for more free space than exists', async () => {
    const ok = await diskFree.run(ctx(0))
    expect(ok.length).toBeGreaterThan(0)
    expect(ok.every((f) => f.ok && Number(f.evidence?.totalBytes) > 0)).toBe(true)
    const tight = await diskFree.run(ctx(100))
    expect(tight.some((f) => !f.ok && /below 100%/.test(f.message))).toBe(true)
  })
})

describe('ingestion freshness reads the last buckets, not the whole day (chdb)', () => {
  // A copy of each table in a database of its own, so the other tests' tables keep their rows.
  test.each(['traces', 'logs'] as const)('%s: the primary index selects only granules of recent buckets', (signal) => {
    const t = SIGNAL_TABLES.find((x) => x.signal === signal)!
    const copy = {...t, database: `fresh_${signal}` as typeof t.database}
    run(`CREATE DATABASE IF NOT EXISTS ${copy.database}`)
    run(`CREATE TABLE ${copy.database}.${t.table} AS ${t.database}.${t.table} SETTINGS index_granularity = 1024`)
    // Ten hours of rows a second apart (today's partition and yesterday's), then ten of the last minute.
    const at = (secondsAgo: string) =>
      signal === 'traces' ? `toDateTime64(now() - ${secondsAgo}, 9)` : `toUInt64(toUnixTimestamp(now()) - ${secondsAgo}) * 1000000000`
    const bucket = (secondsAgo: string) => `toUInt64(intDiv(toUnixTimestamp(now()) - ${secondsAgo}, 1800) * 1800)`
    // Many resources, as in production: within a bucket, rows are ordered by resource before time.
    const insert = (n: number, offset: number) =>
      run(
        `INSERT INTO ${copy.database}.${t.table} (ts_bucket_start, resource_fingerprint, timestamp) SELECT ${bucket(`(number + ${offset})`)}, toString(number % 97), ${at(`(number + ${offset})`)} FROM numbers(${n})`,
      )
    insert(36000, 600)
    insert(10, 0)
    run(`OPTIMIZE TABLE ${copy.database}.${t.table} FINAL`)
    const sql = Q.freshness.sql({tables: [copy], windowSeconds: 300}, caps)
    const [row] = run(sql)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as {rows: number; age: number})
    expect(Number(row!.rows)).toBe(10)
    // EXPLAIN indexes = 1 prints, per index, "Granules: selected/total".
    const explain = session.query(`EXPLAIN indexes = 1 ${sql}`, 'TabSeparatedRaw')
    const primary = /PrimaryKey[\s\S]*?Granules: (\d+)\/(\d+)/.exec(explain)
    expect(primary, explain).not.toBeNull()
    const [selected, total] = [Number(primary![1]), Number(primary![2])]
    expect(total).toBeGreaterThan(20)
    expect(selected).toBeLessThanOrEqual(4)
  })
})
