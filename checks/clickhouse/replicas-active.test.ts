import {expect, test} from 'vitest'
import {Q} from '../../src/signoz/queries.js'
import {failures, fixtureContext, fixtureFleet, fixtureHosts} from '../../test/helpers/fixture-fleet.js'
import check from './replicas-active.js'

const counts = (table: string, active: number, total: number) => ({database: 'signoz_logs', table, active_replicas: active, total_replicas: total})
const hosts = fixtureHosts(2, 2)

test('asked of one replica per shard: all active passes with the table count', async () => {
  const fleet = fixtureFleet(hosts, {[Q.replicaCounts.name]: [counts('logs_v2', 2, 2), counts('tag_attributes', 2, 2)]})
  const findings = await check.run(fixtureContext({fleet}))
  expect(findings.map((f) => [f.subject, f.ok, f.message])).toEqual([
    [hosts[0]!.name, true, 'all replicas active on 2 tables'],
    [hosts[2]!.name, true, 'all replicas active on 2 tables'],
  ])
})

test('a shard whose tables see fewer active replicas than registered fails, naming them', async () => {
  const fleet = fixtureFleet(hosts, {
    [Q.replicaCounts.name]: (h) => (h.macros.shard === '1' ? [counts('logs_v2', 1, 2), counts('tag_attributes', 2, 2)] : [counts('logs_v2', 2, 2)]),
  })
  const findings = await check.run(fixtureContext({fleet}))
  expect(failures(findings)).toEqual({[hosts[2]!.name]: '1 tables see fewer active replicas than registered'})
  expect(findings.find((f) => !f.ok)?.evidence).toEqual({tables: [{table: 'signoz_logs.logs_v2', active: 1, total: 2}]})
})
