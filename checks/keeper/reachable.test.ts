import {expect, test} from 'vitest'
import {SkipCheck} from '../../src/core/check.js'
import {GatewayError} from '../../src/gateways/errors.js'
import {Q} from '../../src/signoz/queries.js'
import {failures, fixtureContext, fixtureFleet, fixtureHost, timeoutOn, unsupportedOn} from '../../test/helpers/fixture-fleet.js'
import check from './reachable.js'

const [a, b, c] = [fixtureHost(0, 0), fixtureHost(0, 1), fixtureHost(1, 0)]
const session = (expired = 0) => [{name: 'default', host: 'signoz-zookeeper', port: 2181, session_uptime_elapsed_seconds: 100, is_expired: expired}]

test('every host reaches Keeper: a pass naming the server it is connected to', async () => {
  const fleet = fixtureFleet([a], {[Q.keeperRoot.name]: [{children: 3}], [Q.keeperConnection.name]: session()})
  expect(await check.run(fixtureContext({fleet}))).toEqual([
    {subject: a.name, ok: true, message: 'connected to signoz-zookeeper:2181', evidence: {keeper: 'signoz-zookeeper:2181', rootChildren: 3}},
  ])
})

test('Keeper refusing, a session expired, a host not answering: each its own words', async () => {
  const fleet = fixtureFleet([a, b, c], {
    [Q.keeperRoot.name]: (h) =>
      h.name === a.name
        ? new GatewayError('server', 'Code: 999. Coordination::Exception: Connection loss', a.name, 999)
        : h.name === c.name
          ? timeoutOn(c.name)
          : [{children: 3}],
    [Q.keeperConnection.name]: (h) => (h.name === b.name ? session(1) : session()),
  })
  expect(failures(await check.run(fixtureContext({fleet})))).toEqual({
    [a.name]: 'cannot reach Keeper: Code: 999. Coordination::Exception: Connection loss',
    [b.name]: 'Keeper session to signoz-zookeeper:2181 is expired',
    [c.name]: `could not ask the host: ${c.name}: timed out after 5000 ms`,
  })
})

test('no Keeper configured: fine without replicated tables (skipped when no host uses Keeper), read-only tables with them', async () => {
  const none = fixtureFleet([a], {
    [Q.keeperRoot.name]: unsupportedOn(a.name, 'system.zookeeper'),
    [Q.keeperConnection.name]: unsupportedOn(a.name),
    [Q.replicaCounts.name]: [],
  })
  await expect(check.run(fixtureContext({fleet: none}))).rejects.toThrow(SkipCheck)
  const mixed = fixtureFleet([a, b], {
    [Q.keeperRoot.name]: unsupportedOn(a.name, 'system.zookeeper'),
    [Q.keeperConnection.name]: unsupportedOn(a.name),
    [Q.replicaCounts.name]: (h) => (h.name === b.name ? [{database: 'signoz_logs', table: 'logs_v2', active_replicas: 1, total_replicas: 1}] : []),
  })
  const findings = await check.run(fixtureContext({fleet: mixed}))
  expect(failures(findings)).toEqual({[b.name]: 'no ZooKeeper/Keeper is configured on this host: replicated tables are read-only'})
  expect(findings[0]).toMatchObject({subject: a.name, ok: true, message: 'no Keeper configured and no replicated table on this host: none needed'})
})
