import {expect, test} from 'vitest'
import type {KubeItem} from '../../src/gateways/kube.js'
import {
  clickhouseClient,
  failures,
  fixtureContext,
  fixtureFleet,
  fixtureHost,
  fixtureInstallation,
  fixtureKube,
  helmReleaseSecret,
} from '../../test/helpers/fixture-fleet.js'
import check from './version-compat.js'

const hosts = (...versions: string[]) => versions.map((version, i) => fixtureHost(0, i, {version}))

test('every host on one version passes; mixed versions fail with the count of each', async () => {
  expect(await check.run(fixtureContext({fleet: fixtureFleet(hosts('25.12.5.1', '25.12.5.1'), {})}))).toEqual([
    {subject: 'ClickHouse servers', ok: true, message: 'all 2 hosts run 25.12.5.1'},
  ])
  expect(failures(await check.run(fixtureContext({fleet: fixtureFleet(hosts('25.8.1.1', '25.12.5.1', '25.12.5.1'), {})})))).toEqual({
    'ClickHouse servers': 'hosts run 2 versions: 25.8.1.1 (1), 25.12.5.1 (2)',
  })
})

test('hosts behind the image the installation declares: the rollout has not reached them', async () => {
  const inst = fixtureInstallation('signoz-clickhouse', 1, 2)
  const chi: KubeItem = {
    ...inst.chi,
    spec: {...inst.chi.spec, templates: {podTemplates: [{spec: {containers: [{name: 'clickhouse', image: 'clickhouse/clickhouse-server:25.12.5'}]}}]}},
  }
  const findings = await check.run(
    fixtureContext({fleet: fixtureFleet(hosts('25.8.1.1', '25.8.1.1'), {}), kube: fixtureKube({clickhouseinstallations: [chi], pods: inst.pods})}),
  )
  expect(failures(findings)).toEqual({
    'installation signoz-clickhouse': 'declares ClickHouse 25.12.5 but 2 of 2 hosts run 25.8.1.1: the rollout has not reached them',
  })
})

test('a chart or collector that needs a newer ClickHouse than the hosts run fails with why and the source', async () => {
  const kube = fixtureKube({
    secrets: [helmReleaseSecret({chartVersion: '0.131.0'})],
    deployments: [clickhouseClient('signoz-otel-collector', {CLICKHOUSE_HOST: 'clickhouse-signoz-clickhouse'})],
  })
  const findings = await check.run(fixtureContext({fleet: fixtureFleet(hosts('25.8.1.1'), {}), kube}))
  expect(failures(findings)).toEqual({
    'chart signoz-0.131.0':
      "needs ClickHouse ≥ 25.12.5 but runs 25.8.1.1: the migrator's sync sets object_serialization_version, which older servers reject with Code 115 (UNKNOWN_SETTING)",
  })
  expect(findings.find((f) => !f.ok)?.evidence).toEqual({needs: 'ClickHouse 25.12.5', runs: '25.8.1.1', source: 'SigNoz docs upgrade-0-131'})
})
