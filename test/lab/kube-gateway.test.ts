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

describe('port-forwards as doctor opens them', () => {
  /** A TCP server that answers each connection's bytes with "echo:" and them. */
  async function echo(): Promise<{port: number; close(): void}> {
    const {createServer} = await import('node:net')
    const server = createServer((s) => s.on('data', (d) => s.write(`echo:${d}`)))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return {port: (server.address() as {port: number}).port, close: () => server.close()}
  }
  const ask = async (port: number, message: string) => {
    const {connect} = await import('node:net')
    return new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(message))
      socket.on('data', (d) => {
        resolve(String(d))
        socket.end()
      })
      socket.on('error', reject)
      socket.on('close', () => resolve(''))
    })
  }
  const forwardTo = async (s: {store: typeof store}, name: string, target: number) => {
    const {FORWARD_ANNOTATION} = await import('../../src/lab/kube/portforward.js')
    s.store.create(s.store.kindByPath('', 'v1', 'pods')!, 'platform', {
      metadata: {name, annotations: {[FORWARD_ANNOTATION]: JSON.stringify({8123: target})}},
      spec: {containers: [{name: 'c'}], nodeName: 'lab-node-0'},
      status: {phase: 'Running'},
    } as never)
  }

  test('one SPDY session per pod carries every connection to it', async () => {
    const target = await echo()
    await forwardTo({store}, 'fwd-spdy', target.port)
    const kube = KubeGateway.open({kubeconfig})
    try {
      const {port} = await kube.forward('platform', 'fwd-spdy', 8123)
      const answers = await Promise.all(Array.from({length: 6}, (_, i) => ask(port, `q${i}`)))
      expect(answers.sort()).toEqual(['echo:q0', 'echo:q1', 'echo:q2', 'echo:q3', 'echo:q4', 'echo:q5'])
      expect(kube.streamsOpened).toBe(1)
    } finally {
      await kube.close()
      target.close()
    }
  })

  test('an API server that refuses SPDY (a proxy passing WebSockets only): one WebSocket per connection', async () => {
    const websocketsOnly = await startSimulator('kubegw-ws', {portForwardSpdy: false})
    const target = await echo()
    await forwardTo(websocketsOnly, 'fwd-ws', target.port)
    const kube = KubeGateway.open({kubeconfig: websocketsOnly.kubeconfig})
    try {
      const {port} = await kube.forward('platform', 'fwd-ws', 8123)
      const answers = await Promise.all(Array.from({length: 3}, (_, i) => ask(port, `w${i}`)))
      expect(answers.sort()).toEqual(['echo:w0', 'echo:w1', 'echo:w2'])
      // The refused SPDY upgrade, then a WebSocket for each connection.
      expect(kube.streamsOpened).toBe(4)
    } finally {
      await kube.close()
      target.close()
      await websocketsOnly.sim.close()
    }
  })

  test('a run remembers its sessions: the next opens that many connections with its first read, and no upgrade waits for a handshake', async () => {
    const {mkdtempSync} = await import('node:fs')
    const {tmpdir} = await import('node:os')
    const saved = process.env.SIGNOZ_HA_CACHE_DIR
    process.env.SIGNOZ_HA_CACHE_DIR = mkdtempSync(join(tmpdir(), 'signoz-ha-conn-'))
    const targets = await Promise.all([0, 1, 2, 3].map(() => echo()))
    for (const [i, t] of targets.entries()) await forwardTo({store}, `fwd-warm-${i}`, t.port)
    /** One run as doctor's: a read, then a session to each pod; the connections opened before and by the upgrades. */
    const run = async () => {
      const kube = KubeGateway.open({kubeconfig})
      try {
        await kube.list('pods', 'platform')
        // The warming requests (if any) are answered: their connections wait in the pool.
        await new Promise((resolve) => setTimeout(resolve, 300))
        const beforeUpgrades = kube.connectionsOpened
        const forwarded = await Promise.all(targets.map((_, i) => kube.forward('platform', `fwd-warm-${i}`, 8123)))
        expect(await Promise.all(forwarded.map((f, i) => ask(f.port, `w${i}`)))).toEqual(['echo:w0', 'echo:w1', 'echo:w2', 'echo:w3'])
        return {beforeUpgrades, byUpgrades: kube.connectionsOpened - beforeUpgrades, requests: kube.requests}
      } finally {
        await kube.close()
      }
    }
    try {
      // Nothing remembered: the read's connection carries one upgrade, the other three each open their own.
      const first = await run()
      expect(first).toEqual({beforeUpgrades: 1, byUpgrades: 3, requests: 5})
      // Four sessions remembered: four more connections (a GET /version each) beside the read; the upgrades open none.
      const next = await run()
      expect(next).toEqual({beforeUpgrades: 5, byUpgrades: 0, requests: 9})
    } finally {
      for (const t of targets) t.close()
      if (saved === undefined) delete process.env.SIGNOZ_HA_CACHE_DIR
      else process.env.SIGNOZ_HA_CACHE_DIR = saved
    }
  })

  test("a pod that is not running: the forward fails with the API server's reason", async () => {
    store.create(store.kindByPath('', 'v1', 'pods')!, 'platform', {
      metadata: {name: 'fwd-pending'},
      spec: {containers: [{name: 'c'}]},
      status: {phase: 'Pending'},
    } as never)
    const kube = KubeGateway.open({kubeconfig})
    try {
      const forwarded = await kube.forward('platform', 'fwd-pending', 8123)
      expect(await ask(forwarded.port, 'x').catch(() => '')).toBe('')
      expect(forwarded.errors.join(' ')).toMatch(/unable to upgrade connection: pod fwd-pending is not running/)
    } finally {
      await kube.close()
    }
  })
})
