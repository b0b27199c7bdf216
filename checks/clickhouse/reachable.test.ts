import {expect, test} from 'vitest'
import {failures, fixtureContext, fixtureFleet, fixtureHost} from '../../test/helpers/fixture-fleet.js'
import check from './reachable.js'

test('a host that answers passes with its version; one that does not fails with the connection error and its shard', async () => {
  const up = fixtureHost(0, 0)
  const down = fixtureHost(1, 1, {
    reachable: false,
    version: undefined,
    macros: {},
    error: {kind: 'unreachable', message: 'connect ECONNREFUSED 10.0.0.7:8123'},
  })
  const findings = await check.run(fixtureContext({fleet: fixtureFleet([up, down], {})}))
  expect(findings[0]).toEqual({
    subject: up.name,
    ok: true,
    message: 'answers (ClickHouse 25.8.1.1)',
    evidence: {target: up.target, version: '25.8.1.1', latencyMs: 1, shard: '0'},
  })
  expect(failures(findings)).toEqual({[down.name]: 'does not answer: connect ECONNREFUSED 10.0.0.7:8123'})
  expect(findings[1]!.evidence).toMatchObject({error: 'unreachable', shard: null})
})
