import {expect, test} from 'vitest'
import {Q} from '../../src/signoz/queries.js'
import {failures, fixtureContext, fixtureFleet, fixtureHosts, timeoutOn} from '../../test/helpers/fixture-fleet.js'
import check from './ingestion-fresh.js'

const hosts = fixtureHosts(2, 2)
const fresh = (rows: number, age: number | null, total: number) => ['traces', 'logs', 'metrics'].map((signal) => ({signal, rows, age, total}))

test('fresh rows on every shard for every signal: one replica per shard is asked, a pass per shard and signal', async () => {
  const asked: string[] = []
  const fleet = fixtureFleet(hosts, {
    [Q.freshness.name]: (h, params) => {
      expect(params).toMatchObject({windowSeconds: 300})
      expect((params as {withTotals?: boolean}).withTotals).toBeFalsy()
      asked.push(h.name)
      return fresh(12, 3, 1000)
    },
  })
  const findings = await check.run(fixtureContext({fleet}))
  expect(findings).toHaveLength(6)
  expect(findings.every((f) => f.ok)).toBe(true)
  expect(findings[0]).toMatchObject({subject: 'shard 0 traces', message: '12 rows in the last 300s, newest 3s old'})
  expect(asked).toEqual([hosts[0]!.name, hosts[2]!.name])
  expect(fleet.sent).toEqual([Q.freshness.name])
})

test('a first replica without fresh rows: every replica of that shard is asked, with totals, and any replica with fresh rows counts', async () => {
  const asked: string[] = []
  const fleet = fixtureFleet(hosts, {
    [Q.freshness.name]: (h, params) => {
      asked.push(`${h.name}${(params as {withTotals?: boolean}).withTotals ? ' with totals' : ''}`)
      // Replica 0 of shard 0 lags behind; replica 1 holds the fresh rows.
      return h.name === hosts[0]!.name ? fresh(0, 900, 10) : fresh(12, 3, 1000)
    },
  })
  const findings = await check.run(fixtureContext({fleet}))
  expect(findings.every((f) => f.ok)).toBe(true)
  expect(asked).toEqual([hosts[0]!.name, hosts[2]!.name, `${hosts[0]!.name} with totals`, `${hosts[1]!.name} with totals`])
  expect(findings.find((f) => f.subject === 'shard 0 logs')?.evidence).toMatchObject({hosts: [hosts[0]!.name, hosts[1]!.name], rowsInWindow: 12})
  expect(findings.find((f) => f.subject === 'shard 1 logs')?.evidence).toMatchObject({hosts: [hosts[2]!.name]})
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

test('a shard none of whose replicas can be read fails with why, the window comes from the configuration; a host that failed is not asked twice', async () => {
  const asked: string[] = []
  const fleet = fixtureFleet(hosts, {
    [Q.freshness.name]: (h) => {
      asked.push(h.name)
      return h.macros.shard === '0' ? timeoutOn(h.name) : fresh(1, 1, 1)
    },
  })
  const f = failures(await check.run(fixtureContext({fleet, thresholds: {freshnessWindowSeconds: 60}})))
  expect(f['shard 0 logs']).toBe(`could not read signoz_logs.logs_v2: ${hosts[0]!.name}: ${hosts[0]!.name}: timed out after 5000 ms`)
  expect(asked).toEqual([hosts[0]!.name, hosts[2]!.name, hosts[1]!.name])
})
