import {expect, test} from 'vitest'
import {SkipCheck} from '../../src/core/check.js'
import {Q} from '../../src/signoz/queries.js'
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
import check from './cluster-name.js'

const inst = fixtureInstallation('signoz-clickhouse', 1, 2)
const a = fixtureHost(0, 0)

test('values, components and servers all name the installation’s cluster: pass each', async () => {
  const kube = fixtureKube({
    secrets: [helmReleaseSecret({config: {clickhouse: {cluster: 'cluster'}}})],
    clickhouseinstallations: [inst.chi],
    pods: inst.pods,
    deployments: [clickhouseClient('signoz-otel-collector', {CLICKHOUSE_HOST: 'clickhouse-signoz-clickhouse', CLICKHOUSE_CLUSTER: 'cluster'})],
  })
  const findings = await check.run(fixtureContext({kube, fleet: fixtureFleet([a], {[Q.clusterNames.name]: [{cluster: 'cluster'}]})}))
  expect(findings.map((f) => [f.subject, f.ok])).toEqual([
    ['values clickhouse.cluster', true],
    ['Deployment/signoz-otel-collector CLICKHOUSE_CLUSTER', true],
    [`${a.name} system.clusters`, true],
  ])
})

test('a collector naming another cluster, and servers that do not define it, fail in their words', async () => {
  const kube = fixtureKube({
    clickhouseinstallations: [inst.chi],
    pods: inst.pods,
    deployments: [clickhouseClient('signoz-otel-collector', {CLICKHOUSE_HOST: 'clickhouse-signoz-clickhouse', CLICKHOUSE_CLUSTER: 'signoz-prod'})],
  })
  const findings = await check.run(fixtureContext({kube, fleet: fixtureFleet([a], {[Q.clusterNames.name]: [{cluster: 'default'}]})}))
  expect(failures(findings)).toEqual({
    'Deployment/signoz-otel-collector CLICKHOUSE_CLUSTER':
      '"signoz-prod" but the installation\'s cluster is "cluster": its ON CLUSTER and distributed queries fail',
    [`${a.name} system.clusters`]: 'does not define "cluster" (defines default)',
  })
})

test('no installation to compare with: skipped', async () => {
  await expect(check.run(fixtureContext({kube: fixtureKube({}), fleet: fixtureFleet([a], {})}))).rejects.toThrow(SkipCheck)
})
