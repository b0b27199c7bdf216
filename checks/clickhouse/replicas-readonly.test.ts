import {expect, test} from 'vitest'
import {Q} from '../../src/signoz/queries.js'
import {failures, fixtureContext, fixtureFleet, fixtureHost, timeoutOn} from '../../test/helpers/fixture-fleet.js'
import check from './replicas-readonly.js'

const replica = (table: string, readonly = 0, expired = 0) => ({
  database: 'signoz_traces',
  table,
  is_readonly: readonly,
  is_session_expired: expired,
  queue_size: 0,
  inserts_in_queue: 0,
  absolute_delay: 0,
  replica_name: 'r',
  replica_path: `/clickhouse/tables/0/signoz_traces/${table}/replicas/r`,
})
const [a, b] = [fixtureHost(0, 0), fixtureHost(0, 1)]

test('every replicated table writable: one pass per host with the count, and no Keeper question asked', async () => {
  const fleet = fixtureFleet([a, b], {[Q.replicaStatus.name]: [replica('signoz_index_v3'), replica('signoz_spans')], [Q.replicaKeeperErrors.name]: []})
  const findings = await check.run(fixtureContext({fleet}))
  expect(findings).toEqual([
    {subject: a.name, ok: true, message: '2 replicated tables writable', evidence: {tables: 2}},
    {subject: b.name, ok: true, message: '2 replicated tables writable', evidence: {tables: 2}},
  ])
  // The Keeper error costs round trips: asked only where a table is read-only.
  expect(fleet.sent).toEqual([Q.replicaStatus.name])
})

test('a read-only table fails per table, with the Keeper error asked of that host only', async () => {
  const fleet = fixtureFleet([a, b], {
    [Q.replicaStatus.name]: (h) => (h.name === b.name ? [replica('signoz_index_v3', 1, 1), replica('signoz_spans', 1)] : [replica('signoz_index_v3')]),
    [Q.replicaKeeperErrors.name]: (h) => {
      expect(h.name).toBe(b.name)
      return [{database: 'signoz_traces', table: 'signoz_index_v3', zookeeper_exception: 'Coordination::Exception: Session expired'}]
    },
  })
  const findings = await check.run(fixtureContext({fleet}))
  expect(failures(findings)).toEqual({
    [`${b.name}/signoz_traces.signoz_index_v3`]: 'Keeper session expired; the replica is read-only',
    [`${b.name}/signoz_traces.signoz_spans`]: 'replica is read-only',
  })
  expect(findings.find((f) => f.subject === `${b.name}/signoz_traces.signoz_index_v3`)?.evidence).toEqual({
    readonly: true,
    sessionExpired: true,
    keeperException: 'Coordination::Exception: Session expired',
    replicaPath: '/clickhouse/tables/0/signoz_traces/signoz_index_v3/replicas/r',
  })
  expect(findings.find((f) => f.subject === a.name)?.ok).toBe(true)
  expect(fleet.unused()).toEqual([])
})

test('a host that cannot be read fails: silence is not writable', async () => {
  const fleet = fixtureFleet([a, b], {[Q.replicaStatus.name]: (h) => (h.name === a.name ? timeoutOn(a.name) : [replica('t')])})
  expect(failures(await check.run(fixtureContext({fleet})))).toEqual({[a.name]: `could not read system.replicas: ${a.name}: timed out after 5000 ms`})
})
