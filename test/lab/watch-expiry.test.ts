import {CoreV1Api, KubeConfig, Watch, makeInformer, type V1Pod} from '@kubernetes/client-node'
import {afterAll, describe, expect, test} from 'vitest'
import type {WireFaults} from '../../src/lab/kube/request-context.js'
import {eventually} from '../helpers/lab.js'
import {startSimulator} from '../helpers/simulator.js'

/**
 * The simulator's watch-expiry fault (etcd compacted) against the real client-node: a watch from
 * an older resourceVersion is told 410 Gone in an ERROR event, an open watch ends with one, and
 * client-node's informer lists again and carries on, as it does against a real API server.
 * signoz-ha itself lists and never watches; the lab's own clients and operators' tools do.
 */
let faults: WireFaults | undefined
const {sim, kubeconfig} = await startSimulator('watch-expiry', {wireFaults: () => faults})
const kc = new KubeConfig()
kc.loadFromFile(kubeconfig)
const core = kc.makeApiClient(CoreV1Api)

afterAll(async () => {
  await sim.close()
})

const pod = (name: string): V1Pod => ({metadata: {name}, spec: {containers: [{name: 'c', image: 'busybox'}]}})

describe('watch-expiry', () => {
  test('a watch from a resourceVersion older than the compaction is answered 410 Gone (Expired) at once', async () => {
    const old = (await core.listNamespacedPod({namespace: 'platform'})).metadata!.resourceVersion!
    await core.createNamespacedPod({namespace: 'platform', body: pod('after-the-list')})
    faults = {expireWatches: {afterMs: 60_000}}
    try {
      const events: {phase: string; obj: {code?: number; reason?: string; message?: string}}[] = []
      const ended = new Promise<unknown>((resolve) => {
        void new Watch(kc).watch('/api/v1/namespaces/platform/pods', {resourceVersion: old}, (phase, obj) => events.push({phase, obj}), resolve)
      })
      await ended
      expect(events).toEqual([
        {
          phase: 'ERROR',
          obj: expect.objectContaining({
            code: 410,
            reason: 'Expired',
            message: expect.stringMatching(new RegExp(`^too old resource version: ${old} \\(\\d+\\)$`)),
          }),
        },
      ])
    } finally {
      faults = undefined
    }
  })

  test("client-node's informer: its watch expires every 300 ms, it lists again each time and misses no pod", async () => {
    const informer = makeInformer(kc, '/api/v1/namespaces/platform/pods', () => core.listNamespacedPod({namespace: 'platform'}))
    let connects = 0
    informer.on('connect', () => connects++)
    const errors: unknown[] = []
    informer.on('error', (e) => errors.push(e))
    faults = {expireWatches: {afterMs: 300}}
    await informer.start()
    try {
      await eventually('the informer to list again after its watch expired', () => connects >= 3, 10_000)
      for (const name of ['made-while-expiring-1', 'made-while-expiring-2']) {
        await core.createNamespacedPod({namespace: 'platform', body: pod(name)})
        await eventually(`the informer to see ${name}`, () => informer.get(name, 'platform') !== undefined, 10_000)
      }
      await core.deleteNamespacedPod({namespace: 'platform', name: 'made-while-expiring-1'})
      await eventually('the informer to see the deletion', () => informer.get('made-while-expiring-1', 'platform') === undefined, 10_000)
      expect(errors).toEqual([])
    } finally {
      faults = undefined
      await informer.stop()
    }
  })
})
