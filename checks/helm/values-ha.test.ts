import {expect, test} from 'vitest'
import {CHART_DEFAULT_PASSWORD} from '../../src/signoz/values-rules.js'
import {failures, fixtureContext, fixtureKube, helmReleaseSecret} from '../../test/helpers/fixture-fleet.js'
import check from './values-ha.js'

const run = (config: Record<string, unknown>) =>
  check.run(
    fixtureContext({
      kube: fixtureKube({
        secrets: [
          helmReleaseSecret({
            config,
            chartValues: {clickhouse: {password: CHART_DEFAULT_PASSWORD, layout: {shardsCount: 1, replicasCount: 1}, zookeeper: {replicaCount: 1}}},
          }),
        ],
      }),
    }),
  )

test("the chart's defaults fail the HA rules, each with its fix; the password is left to security/default-password", async () => {
  const findings = await run({})
  const f = failures(findings)
  expect(f['clickhouse.layout.replicasCount']).toBe("one replica per shard: losing a host loses that shard's data and stops its writes")
  expect(f['clickhouse.zookeeper.replicaCount']).toMatch(/^1 ZooKeeper\/Keeper member\(s\): no quorum survives losing one/)
  expect(findings.find((x) => x.subject === 'clickhouse.layout.replicasCount')?.evidence).toEqual({rule: 'replicas', fix: 'clickhouse.layout.replicasCount=2'})
  expect(findings.some((x) => x.subject === 'clickhouse.password')).toBe(false)
})

test('replicas and a Keeper quorum set by the user pass those rules', async () => {
  const findings = await run({clickhouse: {layout: {shardsCount: 2, replicasCount: 2}, zookeeper: {replicaCount: 3}}})
  expect(findings.find((x) => x.subject === 'clickhouse.layout.replicasCount')).toMatchObject({ok: true, message: '2 shard(s) × 2 replicas'})
  expect(findings.find((x) => x.subject === 'clickhouse.zookeeper.replicaCount')).toMatchObject({ok: true, message: '3 ZooKeeper/Keeper members'})
})

test('an external ClickHouse: the layout rules have nothing to judge', async () => {
  expect(failures(await run({clickhouse: {enabled: false}}))).toEqual({})
})
