import {expect, test} from 'vitest'
import {SkipCheck} from '../../src/core/check.js'
import {failures, fixtureContext, fixtureInstallation, fixtureKube, helmReleaseSecret} from '../../test/helpers/fixture-fleet.js'
import check from './duplicate-clickhouse.js'

test('one installation passes, naming its Service and ready hosts', async () => {
  const one = fixtureInstallation('signoz-clickhouse', 1, 2)
  const findings = await check.run(fixtureContext({kube: fixtureKube({clickhouseinstallations: [one.chi], pods: one.pods})}))
  expect(findings).toEqual([
    expect.objectContaining({subject: 'signoz-clickhouse', ok: true, message: 'one installation (2/2 hosts ready, Service clickhouse-signoz-clickhouse)'}),
  ])
})

test('two installations: each fails, saying which serves (the ready hosts) and which the release now names', async () => {
  const old = fixtureInstallation('signoz-clickhouse', 1, 2)
  const renamed = fixtureInstallation('signoz-ch', 1, 2, {ready: () => false})
  const secrets = [helmReleaseSecret({config: {clickhouse: {fullnameOverride: 'signoz-ch'}}})]
  const findings = await check.run(
    fixtureContext({kube: fixtureKube({secrets, clickhouseinstallations: [old.chi, renamed.chi], pods: [...old.pods, ...renamed.pods]})}),
  )
  expect(failures(findings)).toEqual({
    'signoz-clickhouse':
      '2 installations in platform; this one has 2/2 hosts ready behind Service clickhouse-signoz-clickhouse and serves (it holds the ready hosts)',
    'signoz-ch': '2 installations in platform; this one has 0/2 hosts ready behind Service clickhouse-signoz-ch, and is the one the release now names',
  })
})

test('ClickHouse outside the operator: skipped', async () => {
  await expect(check.run(fixtureContext({kube: fixtureKube({clickhouseinstallations: []})}))).rejects.toThrow(SkipCheck)
})
