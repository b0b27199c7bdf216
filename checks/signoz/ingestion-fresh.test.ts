import {expect, test} from 'vitest'
import {Q} from '../../src/signoz/queries.js'
import {failures, fixtureContext, fixtureFleet, fixtureHosts, timeoutOn} from '../../test/helpers/fixture-fleet.js'
import check from './ingestion-fresh.js'

const hosts = fixtureHosts(2, 2)
const fresh = (rows: number, age: number | null, total: number) => ['traces', 'logs', 'metrics'].map((signal) => ({signal, rows, age, total}))

test('fresh rows on every shard for every signal: a pass per shard and signal, any replica counts', async () => {
  const fleet = fixtureFleet(hosts, {
    [Q.freshness.name]: (h, params) => {
      expect((params as {windowSeconds: number}).windowSeconds).toBe(300)
      return h.macros.replica!.endsWith('-1') ? fresh(0, 900, 10) : fresh(12, 3, 1000)
    },
  })
  const findings = await check.run(fixtureContext({fleet}))
  expect(findings).toHaveLength(6)
  expect(findings.every((f) => f.ok)).toBe(true)
  expect(findings[0]).toMatchObject({subject: 'shard 0 traces', message: '12 rows in the last 300s, newest 3s old'})
})

test('a shard with older rows but none in the window fails; one that never received a signal passes with why', async () => {
  const fleet = fixtureFleet(hosts, {
    [Q.freshness.name]: (h) =>
      h.macros.shard === '1'
        ? [
            {signal: 'traces', rows: 0, age: 700, total: 50},
            {signal: 'logs', rows: 5, age: 1, total: 50},
            {signal: 'metrics', rows: 0, age: null, total: 0},
          ]
        : fresh(3, 1, 9),
  })
  const findings = await check.run(fixtureContext({fleet}))
  expect(failures(findings)).toEqual({'shard 1 traces': 'no new traces in the last 300s'})
  expect(findings.find((f) => f.subject === 'shard 1 metrics')?.message).toBe('no metrics ever written to this shard (none routed here by the sharding key)')
})

test('a shard none of whose replicas can be read fails with why, the window comes from the configuration', async () => {
  const fleet = fixtureFleet(hosts, {[Q.freshness.name]: (h) => (h.macros.shard === '0' ? timeoutOn(h.name) : fresh(1, 1, 1))})
  const f = failures(await check.run(fixtureContext({fleet, thresholds: {freshnessWindowSeconds: 60}})))
  expect(f['shard 0 logs']).toBe(`could not read signoz_logs.logs_v2: ${hosts[0]!.name}: ${hosts[0]!.name}: timed out after 5000 ms`)
})
