import {expect, test} from 'vitest'
import {SkipCheck} from '../../src/core/check.js'
import {Q} from '../../src/signoz/queries.js'
import {SIGNAL_TABLES} from '../../src/signoz/schema.js'
import {capabilities, failures, fixtureContext, fixtureFleet, fixtureHost} from '../../test/helpers/fixture-fleet.js'
import check from './retention.js'

const a = fixtureHost(0, 0, {capabilities: capabilities('25.8.1.1', {})})
/** The signal tables as the list of tables answers them, engine_full as a 25.x server prints it. */
const ttl = (clause: string) =>
  SIGNAL_TABLES.map((t) => ({
    database: t.database,
    name: t.table,
    engine: 'ReplicatedMergeTree',
    engine_full: `ReplicatedMergeTree('/clickhouse/tables/{uuid}/{shard}', '{replica}') PARTITION BY toDate(timestamp) ORDER BY (ts_bucket_start, timestamp)${
      clause ? ` TTL ${clause}` : ''
    } SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1`,
  }))

test('every signal table with a TTL passes, quoting them; a table without one fails', async () => {
  const fleet = fixtureFleet([a], {[Q.tables.name]: ttl('toDateTime(timestamp) + toIntervalDay(15)')})
  expect((await check.run(fixtureContext({fleet})))[0]).toMatchObject({
    ok: true,
    message: expect.stringContaining('traces: toDateTime(timestamp) + toIntervalDay(15);'),
  })
  const none = fixtureFleet([a], {[Q.tables.name]: ttl('').map((r, i) => (i === 0 ? r : ttl('x')[i]!))})
  const t = SIGNAL_TABLES[0]!
  expect(failures(await check.run(fixtureContext({fleet: none})))).toEqual({
    [`${a.name}/${t.database}.${t.table}`]: `no TTL: ${t.signal} are kept until the disk fills`,
  })
})

test('servers before 19.6 have no table TTL: skipped with the reason', async () => {
  const old = fixtureHost(0, 0, {version: '18.16.1', capabilities: capabilities('18.16.1', {})})
  await expect(check.run(fixtureContext({fleet: fixtureFleet([old], {})}))).rejects.toThrow(SkipCheck)
})
