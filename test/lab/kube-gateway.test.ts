import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {UsageError} from '../../src/core/errors.js'
import {KubeGateway, SNAPSHOT_KINDS} from '../../src/gateways/kube.js'
import {writeKubeconfig} from '../../src/lab/kube/kubeconfig.js'
import {takeSnapshot} from '../../src/signoz/kube-snapshot.js'
import {startSimulator} from '../helpers/simulator.js'

/** The product's Kubernetes gateway against the lab simulator: kubeconfig handling, errors, one LIST per kind. */
const {dir, store, tls, api, sim, kubeconfig} = await startSimulator('kubegw')

beforeAll(() => {
  const pods = store.kindByPath('', 'v1', 'pods')!
  store.create(pods, 'platform', {metadata: {name: 'chi-signoz-clickhouse-cluster-0-0-0', labels: {'clickhouse.altinity.com/chi': 'signoz-clickhouse'}}})
})

afterAll(async () => {
  await sim.close()
})

describe('kubeconfig handling', () => {
  test('missing file, garbage, unknown context → usage errors (exit 2), one line each', () => {
    expect(() => KubeGateway.open({kubeconfig: join(dir, 'nope')})).toThrow(UsageError)
    const garbage = join(dir, 'garbage')
    writeFileSync(garbage, ':\n  - [unbalanced')
    expect(() => KubeGateway.open({kubeconfig: garbage})).toThrow(/cannot read the kubeconfig/)
    expect(() => KubeGateway.open({kubeconfig, context: 'prod'})).toThrow(/no context "prod".*/)
  })
  test('context and namespace come from the kubeconfig', () => {
    const kube = KubeGateway.open({kubeconfig})
    expect(kube.context).toBe('signoz-ha-lab')
    expect(kube.namespace).toBe('platform')
  })
})

describe('snapshot', () => {
  test('one LIST per kind; a kind the cluster does not serve is recorded, not thrown', async () => {
    const kube = KubeGateway.open({kubeconfig})
    const snapshot = await takeSnapshot(kube, 'platform')
    expect(kube.requests).toBe(SNAPSHOT_KINDS.length)
    expect(snapshot.items.pods?.map((p) => p.metadata?.name)).toEqual(['chi-signoz-clickhouse-cluster-0-0-0'])
    expect(snapshot.items.nodes).toHaveLength(3)
    // No operator CRD in this cluster: the CHI kind is not served.
    expect(snapshot.errors.clickhouseinstallations?.kind).toBe('not-found')
  })
  test('the read-only context lists fine', async () => {
    const snapshot = await takeSnapshot(KubeGateway.open({kubeconfig, context: 'signoz-ha-lab-readonly'}), 'platform', ['pods', 'nodes'])
    expect(Object.keys(snapshot.errors)).toEqual([])
  })
  test('an API server that is not there: every kind unreachable, with the reason', async () => {
    const dead = join(dir, 'dead-kubeconfig')
    writeKubeconfig(dead, {...api, port: 9}, 'platform', tls.cert)
    const snapshot = await takeSnapshot(KubeGateway.open({kubeconfig: dead}), 'platform', ['pods', 'services'])
    expect(snapshot.errors.pods?.kind).toBe('unreachable')
    expect(snapshot.errors.services?.message).toMatch(/cannot reach the API server https:\/\/127\.0\.0\.1:9/)
  })
  test('a wrong token: auth error', async () => {
    const wrong = join(dir, 'wrong-kubeconfig')
    writeKubeconfig(wrong, {...api, adminToken: 'not-a-token'}, 'platform', tls.cert)
    const snapshot = await takeSnapshot(KubeGateway.open({kubeconfig: wrong}), 'platform', ['pods'])
    expect(snapshot.errors.pods?.kind).toBe('auth')
  })
})
