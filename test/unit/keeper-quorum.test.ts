import {describe, expect, test} from 'vitest'
import quorum from '../../checks/keeper/quorum.js'
import type {CheckContext} from '../../src/core/check.js'
import {DEFAULT_THRESHOLDS} from '../../src/core/thresholds.js'
import type {KubeItem} from '../../src/gateways/kube.js'
import {readDeployment} from '../../src/signoz/deployment.js'

/**
 * keeper/quorum on the shapes Keeper takes in the field, judged by what ClickHouse uses (the
 * installation's zookeeper.nodes): the chart's ZooKeeper, a ClickHouseKeeperInstallation behind
 * one Service, an external ensemble. Fixtures are objects as the API serves them.
 */
const ready = {conditions: [{type: 'Ready', status: 'True'}], phase: 'Running'}
const chi = (nodes: {host: string; port?: number}[]): KubeItem => ({
  metadata: {name: 'signoz-clickhouse', namespace: 'platform'},
  spec: {configuration: {clusters: [{name: 'cluster', layout: {shardsCount: 1, replicasCount: 2}}], zookeeper: {nodes}}},
})
const sts = (name: string, replicas: number, readyReplicas = replicas, labels: Record<string, string> = {}): KubeItem => ({
  metadata: {name, namespace: 'platform', labels},
  spec: {replicas},
  status: {readyReplicas},
})
const members = (set: string, n: number, labels: Record<string, string>): KubeItem[] =>
  Array.from({length: n}, (_, i) => ({
    metadata: {name: `${set}-${i}`, namespace: 'platform', labels, ownerReferences: [{kind: 'StatefulSet', name: set}]},
    status: ready,
  }))
const service = (name: string, selector?: Record<string, string>): KubeItem => ({
  metadata: {name, namespace: 'platform'},
  spec: selector ? {selector} : {clusterIP: 'None'},
})

async function run(items: {statefulsets: KubeItem[]; pods: KubeItem[]; services: KubeItem[]; chi: KubeItem}) {
  const deployment = readDeployment({
    namespace: 'platform',
    items: {statefulsets: items.statefulsets, pods: items.pods, services: items.services, clickhouseinstallations: [items.chi]},
    errors: {},
  })
  const ctx = {now: Date.now(), kube: {deployment, podLog: async () => ''}, thresholds: DEFAULT_THRESHOLDS} as unknown as CheckContext
  return (await quorum.run(ctx)).map((f) => ({subject: f.subject, ok: f.ok, message: f.message}))
}

const zkLabels = {'app.kubernetes.io/component': 'zookeeper'}

describe('keeper/quorum', () => {
  test("the chart's ZooKeeper, three members named one by one, all ready: pass", async () => {
    const nodes = [0, 1, 2].map((i) => ({host: `signoz-zookeeper-${i}.signoz-zookeeper-headless`, port: 2181}))
    const findings = await run({
      statefulsets: [sts('signoz-zookeeper', 3, 3, zkLabels)],
      pods: members('signoz-zookeeper', 3, zkLabels),
      services: [service('signoz-zookeeper-headless')],
      chi: chi(nodes),
    })
    expect(findings).toEqual([{subject: 'signoz-zookeeper', ok: true, message: '3/3 members ready'}])
  })

  test("the chart's ZooKeeper with one member: fail", async () => {
    const findings = await run({
      statefulsets: [sts('signoz-zookeeper', 1, 1, zkLabels)],
      pods: members('signoz-zookeeper', 1, zkLabels),
      services: [service('signoz-zookeeper-headless')],
      chi: chi([{host: 'signoz-zookeeper-0.signoz-zookeeper-headless'}]),
    })
    expect(findings).toEqual([
      {subject: 'signoz-zookeeper', ok: false, message: '1 member(s): losing one leaves no quorum and every replicated table read-only'},
    ])
  })

  test('a ClickHouseKeeperInstallation of three behind one Service, with a leftover one-member ZooKeeper unused: judged by the Keeper ClickHouse uses, no false critical', async () => {
    const keeperLabels = {'clickhouse-keeper.altinity.com/chk': 'keeper'}
    const findings = await run({
      statefulsets: [sts('chk-keeper-cluster-0-0', 3, 3, keeperLabels), sts('signoz-zookeeper', 1, 1, zkLabels)],
      pods: [...members('chk-keeper-cluster-0-0', 3, keeperLabels), ...members('signoz-zookeeper', 1, zkLabels)],
      services: [service('keeper-keeper', keeperLabels), service('signoz-zookeeper-headless')],
      chi: chi([{host: 'keeper-keeper.platform.svc.cluster.local', port: 2181}]),
    })
    expect(findings).toEqual([{subject: 'chk-keeper-cluster-0-0', ok: true, message: '3/3 members ready'}])
  })

  test('the same Keeper with one member not ready: the quorum holds but one more loss breaks it', async () => {
    const keeperLabels = {'clickhouse-keeper.altinity.com/chk': 'keeper'}
    const findings = await run({
      statefulsets: [sts('chk-keeper-cluster-0-0', 3, 2, keeperLabels)],
      pods: members('chk-keeper-cluster-0-0', 3, keeperLabels),
      services: [service('keeper-keeper', keeperLabels)],
      chi: chi([{host: 'keeper-keeper'}]),
    })
    expect(findings).toEqual([{subject: 'chk-keeper-cluster-0-0', ok: false, message: '2/3 members ready: quorum holds but one more loss breaks it'}])
  })

  test('an external ensemble: three addresses pass; one load-balanced address passes with what cannot be seen; two member addresses fail', async () => {
    const none = {statefulsets: [], pods: [], services: []}
    expect(await run({...none, chi: chi(['zk-a', 'zk-b', 'zk-c'].map((h) => ({host: `${h}.example.internal`})))})).toEqual([
      {
        subject: 'signoz-clickhouse zookeeper.nodes',
        ok: true,
        message: '3 external members configured: zk-a.example.internal:2181, zk-b.example.internal:2181, zk-c.example.internal:2181',
      },
    ])
    const one = await run({...none, chi: chi([{host: 'keeper.example.internal', port: 9181}])})
    expect(one).toEqual([
      expect.objectContaining({
        ok: true,
        message: expect.stringMatching(/^one external address \(keeper\.example\.internal:9181\) for the whole ensemble: its members are not visible/),
      }),
    ])
    const two = await run({...none, chi: chi([{host: 'zk-0.zk.example.internal'}, {host: 'zk-1.zk.example.internal'}])})
    expect(two).toEqual([
      {
        subject: 'signoz-clickhouse zookeeper.nodes',
        ok: false,
        message: '2 external member(s) configured (zk-0.zk.example.internal:2181, zk-1.zk.example.internal:2181): no quorum survives losing one',
      },
    ])
  })

  test('three members but the installation lists only one of them: fail', async () => {
    const findings = await run({
      statefulsets: [sts('signoz-zookeeper', 3, 3, zkLabels)],
      pods: members('signoz-zookeeper', 3, zkLabels),
      services: [service('signoz-zookeeper-headless')],
      chi: chi([{host: 'signoz-zookeeper-0.signoz-zookeeper-headless'}]),
    })
    expect(findings).toEqual([{subject: 'signoz-zookeeper', ok: false, message: '3 members but installation signoz-clickhouse lists 1 of them'}])
  })
})
