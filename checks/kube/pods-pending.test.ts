import {expect, test} from 'vitest'
import {SkipCheck} from '../../src/core/check.js'
import {GatewayError} from '../../src/gateways/errors.js'
import type {KubeItem} from '../../src/gateways/kube.js'
import {failures, fixtureContext, fixtureKube} from '../../test/helpers/fixture-fleet.js'
import check from './pods-pending.js'

const now = Date.parse('2026-12-01T12:00:00Z')
const pod = (name: string, status: Record<string, unknown>, ageSeconds = 30): KubeItem => ({
  metadata: {name, namespace: 'platform', creationTimestamp: new Date(now - ageSeconds * 1000).toISOString()},
  status,
})
const run = (pods: KubeItem[], events: KubeItem[] = [], thresholds = {}) => check.run(fixtureContext({now, kube: fixtureKube({pods, events}), thresholds}))

test('nothing Pending: one pass with the count', async () => {
  expect(await run([pod('a', {phase: 'Running'})])).toEqual([{subject: 'platform', ok: true, message: '1 pods, none stuck Pending', evidence: {pods: 1}}])
})

test('Unschedulable fails at once with the scheduler’s words; Pending fails only past the threshold, with the waiting reason', async () => {
  const findings = await run([
    pod(
      'chi-0-1-0',
      {
        phase: 'Pending',
        conditions: [
          {type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 node(s) didn’t match pod anti-affinity rules.'},
        ],
      },
      5,
    ),
    pod('young', {phase: 'Pending'}, 60),
    pod('old', {phase: 'Pending', containerStatuses: [{state: {waiting: {reason: 'ContainerCreating'}}}]}, 121),
  ])
  expect(failures(findings)).toEqual({
    'chi-0-1-0': 'Unschedulable: 0/3 nodes are available: 3 node(s) didn’t match pod anti-affinity rules.',
    old: 'Pending for 121s: ContainerCreating',
  })
  expect(Object.keys(failures(await run([pod('young', {phase: 'Pending'}, 60)], [], {podPendingSeconds: 30})))).toEqual(['young'])
})

test('pods that cannot be listed: skipped with the reason', async () => {
  const kube = fixtureKube({}, {errors: {pods: new GatewayError('forbidden', 'pods is forbidden: User "x" cannot list', 'api', 403)}})
  await expect(check.run(fixtureContext({now, kube}))).rejects.toThrow(SkipCheck)
})
