import {expect, test} from 'vitest'
import {SkipCheck} from '../../src/core/check.js'
import {Q} from '../../src/signoz/queries.js'
import {capabilities, failures, fixtureContext, fixtureFleet, fixtureHost} from '../../test/helpers/fixture-fleet.js'
import check from './distribution-queue.js'

const modern = capabilities('25.8.1.1', {'system.distribution_queue': ['data_files', 'error_count', 'is_blocked', 'last_exception', 'last_exception_time']})
const [a, b] = [fixtureHost(0, 0, {capabilities: modern}), fixtureHost(1, 0, {capabilities: modern})]
const queue = (files: number, errors = 0, lastError = '', age: number | null = null, blocked = 0) => ({
  database: 'signoz_traces',
  table: 'distributed_signoz_index_v3',
  data_files: files,
  error_count: errors,
  blocked,
  last_error: lastError,
  error_age: age,
})

test('files in flight below the threshold pass; nothing queued passes', async () => {
  const fleet = fixtureFleet([a, b], {[Q.distributionQueue.name]: (h) => (h.name === a.name ? [queue(3)] : [])})
  expect((await check.run(fixtureContext({fleet}))).map((f) => f.message)).toEqual(['3 file(s) in flight, below 100', 'nothing queued'])
})

test('a queue at the threshold, blocked, or failing with its error standing fails; an error the server cleared does not', async () => {
  const fleet = fixtureFleet([a, b], {
    [Q.distributionQueue.name]: (h) =>
      h.name === a.name
        ? [queue(100)]
        : [queue(2, 7, 'Code: 210. Connection refused (chi-1-0:9000)\nstack', 30), {...queue(1, 4, '', 600), table: 'distributed_logs_v2'}],
  })
  expect(failures(await check.run(fixtureContext({fleet})))).toEqual({
    [`${a.name}/signoz_traces.distributed_signoz_index_v3`]: '100 file(s) waiting to be sent',
    [`${b.name}/signoz_traces.distributed_signoz_index_v3`]: '2 file(s) waiting to be sent, 7 send error(s): Code: 210. Connection refused (chi-1-0:9000)',
  })
})

test('a server exposing neither the queue table nor the metric: skipped with the reason', async () => {
  const old = fixtureHost(0, 0, {version: '18.16.1', capabilities: capabilities('18.16.1', {})})
  await expect(check.run(fixtureContext({fleet: fixtureFleet([old], {[Q.distributionQueue.name]: []})}))).rejects.toThrow(SkipCheck)
})
