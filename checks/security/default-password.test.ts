import {expect, test} from 'vitest'
import {CHART_DEFAULT_PASSWORD} from '../../src/signoz/values-rules.js'
import {failures, fixtureContext, fixtureKube, helmReleaseSecret} from '../../test/helpers/fixture-fleet.js'
import check from './default-password.js'

test("the chart's published default password in the values fails; a value of the team's own passes", async () => {
  const run = (config: Record<string, unknown>) =>
    check.run(fixtureContext({kube: fixtureKube({secrets: [helmReleaseSecret({config, chartValues: {clickhouse: {password: CHART_DEFAULT_PASSWORD}}})]})}))
  expect(failures(await run({}))).toEqual({'clickhouse.password': "the release sets the chart's published default password"})
  expect(await run({clickhouse: {password: 'a-long-random-secret'}})).toEqual([{subject: 'clickhouse.password', ok: true, message: 'not the chart default'}])
  // An external ClickHouse: the chart's own is not deployed.
  expect(failures(await run({clickhouse: {enabled: false}}))).toEqual({})
})
