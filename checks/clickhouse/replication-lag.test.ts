import {expect, test} from 'vitest'
import {Q} from '../../src/signoz/queries.js'
import {failures, fixtureContext, fixtureFleet, fixtureHost} from '../../test/helpers/fixture-fleet.js'
import check from './replication-lag.js'

const now = Date.parse('2026-12-01T12:00:00Z')
const status = (table: string, delay: number, queue: number) => ({
  database: 'signoz_traces',
  table,
  is_readonly: 0,
  is_session_expired: 0,
  queue_size: queue,
  inserts_in_queue: queue,
  absolute_delay: delay,
  replica_name: 'r',
  replica_path: 'p',
})
const [a, b] = [fixtureHost(0, 0), fixtureHost(0, 1)]

test('delay and queue under the thresholds: one pass per host with the maxima', async () => {
  const fleet = fixtureFleet([a], {[Q.replicaStatus.name]: [status('t1', 3, 2), status('t2', 1, 9)], [Q.failingQueueEntries.name]: []})
  expect(await check.run(fixtureContext({fleet, now}))).toEqual([
    {
      subject: a.name,
      ok: true,
      message: 'max delay 3s, max queue 9',
      evidence: {maxDelaySeconds: 3, maxQueueSize: 9, delayThreshold: 300, queueThreshold: 1000},
    },
  ])
})

test('a replica behind or with a long queue fails per table; an entry retried over and over fails too', async () => {
  const fleet = fixtureFleet([a, b], {
    [Q.replicaStatus.name]: (h) => (h.name === b.name ? [status('t1', 301, 2), status('t2', 0, 1001)] : [status('t1', 0, 0)]),
    [Q.failingQueueEntries.name]: (h, params) => {
      expect(params).toEqual({minTries: 10, minAgeSeconds: 600})
      return h.name === a.name
        ? [
            {
              database: 'signoz_traces',
              table: 't3',
              type: 'GET_PART',
              num_tries: 57,
              queued_at: '2026-12-01 10:00:00',
              last_exception: 'Code: 210. Connection refused\nstack',
            },
          ]
        : []
    },
  })
  const findings = await check.run(fixtureContext({fleet, now}))
  expect(failures(findings)).toEqual({
    [`${b.name}/signoz_traces.t1`]: 'replica lags 301s with 2 queued entries',
    [`${b.name}/signoz_traces.t2`]: 'replica lags 0s with 1001 queued entries',
    [`${a.name}/signoz_traces.t3`]: 'GET_PART retried 57 times',
  })
  expect(findings.find((f) => f.subject === `${a.name}/signoz_traces.t3`)?.evidence).toMatchObject({lastException: 'Code: 210. Connection refused'})
})

test('a replica whose queue is not loaded yet (a delay since 1970 on old servers) is no lag', async () => {
  const fleet = fixtureFleet([a], {[Q.replicaStatus.name]: [status('t1', now / 1000 - 5, 0)], [Q.failingQueueEntries.name]: []})
  expect(failures(await check.run(fixtureContext({fleet, now})))).toEqual({})
})

test('the delay threshold comes from the configuration', async () => {
  const fleet = fixtureFleet([a], {[Q.replicaStatus.name]: [status('t1', 3, 0)], [Q.failingQueueEntries.name]: []})
  expect(Object.keys(failures(await check.run(fixtureContext({fleet, now, thresholds: {replicaDelaySeconds: 2}}))))).toEqual([`${a.name}/signoz_traces.t1`])
})
