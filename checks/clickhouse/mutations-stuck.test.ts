import {expect, test} from 'vitest'
import {Q} from '../../src/signoz/queries.js'
import {capabilities, failures, fixtureContext, fixtureFleet, fixtureHost} from '../../test/helpers/fixture-fleet.js'
import check from './mutations-stuck.js'

const mutation = (id: string, age: number, failReason = '') => ({
  database: 'signoz_logs',
  table: 'logs_v2',
  mutation_id: id,
  command: 'DELETE WHERE timestamp < 1',
  age_seconds: age,
  parts_left: 3,
  fail_reason: failReason,
})
const modern = capabilities('25.8.1.1', {'system.mutations': ['latest_fail_reason']})
const a = fixtureHost(0, 0, {capabilities: modern})

test('none in progress, or in progress and young: pass', async () => {
  expect(await check.run(fixtureContext({fleet: fixtureFleet([a], {[Q.unfinishedMutations.name]: []})}))).toEqual([
    {subject: a.name, ok: true, message: 'no mutation in progress', evidence: {inProgress: 0}},
  ])
  const young = fixtureFleet([a], {[Q.unfinishedMutations.name]: [mutation('0000000001', 60)]})
  expect((await check.run(fixtureContext({fleet: young})))[0]).toMatchObject({ok: true, message: '1 mutation(s) in progress, none stuck'})
})

test('older than the threshold, or reporting a failure at any age: stuck, with the KILL statement', async () => {
  const fleet = fixtureFleet([a], {[Q.unfinishedMutations.name]: [mutation('0000000001', 1801), mutation('0000000002', 5, 'Code: 341. Exception\nmore')]})
  const findings = await check.run(fixtureContext({fleet}))
  expect(failures(findings)).toEqual({[`${a.name}/signoz_logs.logs_v2`]: 'mutation 0000000002 not done after 5s: Code: 341. Exception'})
  expect(findings.filter((f) => !f.ok).map((f) => f.message)).toEqual([
    'mutation 0000000001 not done after 1801s',
    'mutation 0000000002 not done after 5s: Code: 341. Exception',
  ])
  expect(findings[0]!.evidence).toMatchObject({
    kill: "KILL MUTATION WHERE database = 'signoz_logs' AND table = 'logs_v2' AND mutation_id = '0000000001'",
    partsLeft: 3,
  })
})

test('a server that records no failure on the mutation: its failing part mutations tell, asked only where one is unfinished', async () => {
  const old = capabilities('18.16.1', {'system.mutations': ['mutation_id']})
  const [x, y] = [fixtureHost(0, 0, {capabilities: old}), fixtureHost(0, 1, {capabilities: old})]
  const fleet = fixtureFleet([x, y], {
    [Q.unfinishedMutations.name]: (h) => (h.name === x.name ? [mutation('0000000003', 10)] : []),
    [Q.failingPartMutations.name]: (h, params) => {
      expect([h.name, params]).toEqual([x.name, {minTries: 2}])
      return [{database: 'signoz_logs', table: 'logs_v2', entries: 2, tries: 14, last_failure: 'Code: 6. Cannot parse'}]
    },
  })
  expect(failures(await check.run(fixtureContext({fleet})))).toEqual({
    [`${x.name}/signoz_logs.logs_v2`]:
      'mutation 0000000003 not done after 10s: 2 part mutation(s) failing in the replication queue (14 tries): Code: 6. Cannot parse',
  })
})
