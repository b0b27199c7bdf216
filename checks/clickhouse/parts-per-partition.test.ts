import {expect, test} from 'vitest'
import {Q} from '../../src/signoz/queries.js'
import {failures, fixtureContext, fixtureFleet, fixtureHost} from '../../test/helpers/fixture-fleet.js'
import check from './parts-per-partition.js'

const parts = (table: string, partition: string, active: number) => ({database: 'signoz_traces', table, partition_id: partition, active_parts: active})
const a = fixtureHost(0, 0)

test('below the threshold: one pass naming the busiest partition', async () => {
  const fleet = fixtureFleet([a], {[Q.partsPerPartition.name]: [parts('signoz_index_v3', '20261201', 42), parts('signoz_spans', '20261201', 7)]})
  expect(await check.run(fixtureContext({fleet}))).toEqual([
    {subject: a.name, ok: true, message: 'at most 42 parts in a partition (signoz_traces.signoz_index_v3)', evidence: {maxParts: 42}},
  ])
})

test('at the threshold or above fails per table with the partition; a host with no parts passes', async () => {
  const b = fixtureHost(0, 1)
  const fleet = fixtureFleet([a, b], {
    [Q.partsPerPartition.name]: (h) => (h.name === a.name ? [parts('signoz_index_v3', '20261201', 300), parts('signoz_spans', '20261130', 299)] : []),
  })
  const findings = await check.run(fixtureContext({fleet}))
  expect(failures(findings)).toEqual({[`${a.name}/signoz_traces.signoz_index_v3`]: 'partition 20261201 has 300 active parts (threshold 300)'})
  expect(findings.find((f) => f.subject === b.name)).toMatchObject({ok: true, message: 'no parts'})
})

test('the threshold comes from the configuration', async () => {
  const fleet = fixtureFleet([a], {[Q.partsPerPartition.name]: [parts('logs_v2', 'p', 31)]})
  expect(Object.keys(failures(await check.run(fixtureContext({fleet, thresholds: {partsPerPartition: 30}}))))).toEqual([`${a.name}/signoz_traces.logs_v2`])
})
