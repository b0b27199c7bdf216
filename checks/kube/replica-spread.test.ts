import {expect, test} from 'vitest'
import {SkipCheck} from '../../src/core/check.js'
import type {KubeItem} from '../../src/gateways/kube.js'
import {failures, fixtureContext, fixtureInstallation, fixtureKube} from '../../test/helpers/fixture-fleet.js'
import check from './replica-spread.js'

const node = (name: string, zone: string): KubeItem => ({metadata: {name, labels: {'topology.kubernetes.io/zone': zone}}})
const nodes = [node('n1', 'a'), node('n2', 'b'), node('n3', 'c'), node('n4', 'a')]

test('replicas of each shard on different nodes in different zones: pass per shard', async () => {
  const inst = fixtureInstallation('signoz-clickhouse', 2, 2, {node: (s, r) => ['n1', 'n2', 'n3', 'n2'][s * 2 + r]})
  const findings = await check.run(fixtureContext({kube: fixtureKube({clickhouseinstallations: [inst.chi], pods: inst.pods, nodes})}))
  expect(findings.map((f) => [f.subject, f.ok, f.message])).toEqual([
    ['signoz-clickhouse shard 0', true, '2 members on 2 nodes in 2 zones'],
    ['signoz-clickhouse shard 1', true, '2 members on 2 nodes in 2 zones'],
  ])
})

test('two replicas of a shard on one node fail; on two nodes of one zone while others exist, fail', async () => {
  const sameNode = fixtureInstallation('signoz-clickhouse', 1, 2, {node: () => 'n1'})
  expect(failures(await check.run(fixtureContext({kube: fixtureKube({clickhouseinstallations: [sameNode.chi], pods: sameNode.pods, nodes})})))).toEqual({
    'signoz-clickhouse shard 0': 'chi-signoz-clickhouse-cluster-0-0-0 and chi-signoz-clickhouse-cluster-0-1-0 share node n1',
  })
  const sameZone = fixtureInstallation('signoz-clickhouse', 1, 2, {node: (_, r) => (r === 0 ? 'n1' : 'n4')})
  expect(failures(await check.run(fixtureContext({kube: fixtureKube({clickhouseinstallations: [sameZone.chi], pods: sameZone.pods, nodes})})))).toEqual({
    'signoz-clickhouse shard 0': '2 members in 1 zone(s) although the cluster has 3: one zone outage takes several',
  })
})

test('one replica per shard and no Keeper ensemble: nothing to spread, skipped', async () => {
  const single = fixtureInstallation('signoz-clickhouse', 2, 1)
  await expect(check.run(fixtureContext({kube: fixtureKube({clickhouseinstallations: [single.chi], pods: single.pods, nodes})}))).rejects.toThrow(SkipCheck)
})
