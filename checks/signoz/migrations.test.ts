import {describe, expect, test} from 'vitest'
import {GatewayError} from '../../src/gateways/errors.js'
import {Q} from '../../src/signoz/queries.js'
import {failures, fixtureContext, fixtureFleet, fixtureHost, timeoutOn} from '../../test/helpers/fixture-fleet.js'
import check from './migrations.js'

const now = Date.parse('2026-12-01T12:00:00Z')
const at = (minutesAgo: number) => Math.floor(now / 1000) - minutesAgo * 60
const row = (id: number, status: string, minutesAgo: number, error = '') => ({
  database: 'signoz_logs',
  migration_id: id,
  latest_status: status,
  latest_error: error,
  updated: at(minutesAgo),
})
const tables = (...names: string[]) => names.map((n) => ({database: 'signoz_logs', name: n, engine: 'ReplicatedMergeTree', engine_full: ''}))
const [a, b] = [fixtureHost(0, 0), fixtureHost(1, 0)]
/** A host's replicated bookkeeping as system.replicas shows it: caught up unless told otherwise. */
const bookkeeping = (o: {queue_size?: number; is_readonly?: number; path?: string} = {}, replica = 'r') => [
  {
    database: 'signoz_logs',
    table: 'schema_migrations_v2',
    is_readonly: o.is_readonly ?? 0,
    is_session_expired: 0,
    queue_size: o.queue_size ?? 0,
    inserts_in_queue: 0,
    absolute_delay: 0,
    replica_name: replica,
    replica_path: `${o.path ?? '/clickhouse/tables/0/signoz_logs.schema_migrations_v2'}/replicas/${replica}`,
  },
]

test('every migration finished: a pass per database with the count and the latest', async () => {
  const fleet = fixtureFleet([a], {
    [Q.tables.name]: tables('schema_migrations_v2'),
    [Q.replicaStatus.name]: [],
    [Q.migrationStatus.name]: (_, params) => {
      expect(params).toEqual({databases: ['signoz_logs']})
      return [row(1000, 'finished', 60), row(1001, 'finished', 59)]
    },
  })
  expect(await check.run(fixtureContext({fleet, now}))).toEqual([
    {subject: 'signoz_logs', ok: true, message: '2 migrations finished', evidence: {migrations: 2, latest: 1001}},
  ])
})

test('the newest outcome over every replica wins: failed on one host after in-progress on another fails, with the error', async () => {
  const fleet = fixtureFleet([a, b], {
    [Q.tables.name]: tables('schema_migrations_v2'),
    [Q.replicaStatus.name]: [],
    [Q.migrationStatus.name]: (h) => (h.name === a.name ? [row(1002, 'in-progress', 10)] : [row(1002, 'failed', 9, 'code: 47, Unknown identifier\nstack')]),
  })
  const findings = await check.run(fixtureContext({fleet, now}))
  expect(failures(findings)).toEqual({'signoz_logs migration 1002': 'migration failed'})
  expect(findings[0]!.evidence).toEqual({
    database: 'signoz_logs',
    migration: 1002,
    error: 'code: 47, Unknown identifier',
    at: new Date(at(9) * 1000).toISOString(),
  })
})

test('in progress past the threshold is stuck; in progress while later ones finished is a stale row (#681)', async () => {
  const stuck = fixtureFleet([a], {
    [Q.tables.name]: tables('schema_migrations_v2'),
    [Q.replicaStatus.name]: [],
    [Q.migrationStatus.name]: [row(1000, 'finished', 90), row(1001, 'in-progress', 31)],
  })
  expect(failures(await check.run(fixtureContext({fleet: stuck, now})))).toEqual({'signoz_logs migration 1001': 'in progress for 31 minutes'})
  expect(failures(await check.run(fixtureContext({fleet: stuck, now, thresholds: {migrationStuckSeconds: 3600}})))).toEqual({})
  const stale = fixtureFleet([a], {
    [Q.tables.name]: tables('schema_migrations_v2'),
    [Q.replicaStatus.name]: [],
    [Q.migrationStatus.name]: [row(1001, 'in-progress', 5), row(1002, 'finished', 4), row(1003, 'finished', 3)],
  })
  expect(failures(await check.run(fixtureContext({fleet: stale, now})))['signoz_logs migration 1001']).toMatch(
    /^left in-progress while later migrations finished \(2, up to 1003\)/,
  )
})

test('a dirty legacy migrations table fails with its version', async () => {
  const fleet = fixtureFleet([a], {
    [Q.tables.name]: tables('schema_migrations'),
    [Q.legacyMigrations.name]: (_, params) => {
      expect(params).toEqual({database: 'signoz_logs'})
      return [{version: 14, dirty: 1}]
    },
  })
  expect(await check.run(fixtureContext({fleet, now}))).toEqual([
    {subject: 'signoz_logs.schema_migrations', ok: false, message: 'dirty at version 14', evidence: {version: 14}},
  ])
})

test('hosts whose probe recorded the bookkeeping tables: the bookkeeping is asked at once with the list of tables, for every database any host keeps it in', async () => {
  const probed = (...names: string[]) => ({capabilities: {version: '25.8', major: 25, minor: 8, columns: new Map(), tables: new Set(names)}})
  const hosts = [fixtureHost(0, 0, probed('signoz_logs.schema_migrations_v2')), fixtureHost(1, 0, probed('signoz_traces.schema_migrations_v2'))]
  const fleet = fixtureFleet(hosts, {
    // The list of tables says nothing of the bookkeeping: what the probe recorded decides.
    [Q.tables.name]: [],
    [Q.replicaStatus.name]: [],
    [Q.migrationStatus.name]: (h, params) => {
      expect(params).toEqual({databases: ['signoz_traces', 'signoz_logs']})
      return h.name === hosts[0]!.name ? [row(1000, 'finished', 60)] : [{...row(7, 'finished', 50), database: 'signoz_traces'}]
    },
  })
  const findings = await check.run(fixtureContext({fleet, now}))
  expect(fleet.sent).toEqual([Q.tables.name, Q.migrationStatus.name, Q.replicaStatus.name])
  expect(findings.map((f) => `${f.subject}: ${f.message}`)).toEqual(['signoz_traces: 1 migrations finished', 'signoz_logs: 1 migrations finished'])
})

describe('one replica per shard answers for it when its bookkeeping is caught up', () => {
  const [reader, other] = [fixtureHost(0, 0), fixtureHost(0, 1)]
  const asked: string[] = []
  const fleetWith = (readerReplica: ReturnType<typeof bookkeeping> | GatewayError, otherReplica = bookkeeping({}, 'other')) =>
    fixtureFleet([reader, other], {
      [Q.tables.name]: tables('schema_migrations_v2'),
      [Q.replicaStatus.name]: (h) => (h.name === reader.name ? readerReplica : otherReplica),
      [Q.migrationStatus.name]: (h) => {
        asked.push(h.name)
        if (h.name === reader.name) return readerReplica instanceof GatewayError ? readerReplica : [row(1002, 'in-progress', 10)]
        return [row(1002, 'failed', 9, 'code: 47, Unknown identifier')]
      },
    })

  test('caught up (writable, nothing queued), the other replica on the same Keeper path: the other replica is not asked', async () => {
    asked.length = 0
    const findings = await check.run(fixtureContext({fleet: fleetWith(bookkeeping()), now}))
    expect(asked).toEqual([reader.name])
    expect(failures(findings)).toEqual({})
  })

  test.each([
    ['a fetch queued', bookkeeping({queue_size: 1})],
    ['read-only', bookkeeping({is_readonly: 1})],
    ['not replicated (no row in system.replicas)', []],
    ['the other replica not replicated', bookkeeping(), []],
    [
      'the other replica on another Keeper path (they do not replicate each other)',
      bookkeeping(),
      bookkeeping({path: '/clickhouse/tables/1/signoz_logs.schema_migrations_v2'}, 'other'),
    ],
  ])('%s: every replica of the shard is read and the newest outcome wins', async (_, state, otherState = bookkeeping({}, 'other')) => {
    asked.length = 0
    const findings = await check.run(fixtureContext({fleet: fleetWith(state, otherState), now}))
    expect(asked).toEqual([reader.name, other.name])
    expect(failures(findings)).toEqual({'signoz_logs migration 1002': 'migration failed'})
  })

  test('a replica that did not answer: the others are read, and the silence is reported', async () => {
    asked.length = 0
    const fleet = fixtureFleet([reader, other], {
      [Q.tables.name]: tables('schema_migrations_v2'),
      [Q.replicaStatus.name]: bookkeeping(),
      [Q.migrationStatus.name]: (h) => {
        asked.push(h.name)
        return h.name === reader.name ? timeoutOn(h.name) : [row(1002, 'failed', 9, 'boom')]
      },
    })
    const findings = await check.run(fixtureContext({fleet, now}))
    expect(asked).toEqual([reader.name, other.name])
    expect(failures(findings)).toMatchObject({'signoz_logs migration 1002': 'migration failed', [reader.name]: expect.stringMatching(/timed out/)})
  })
})
