import {expect, test} from 'vitest'
import type {KubeItem} from '../../src/gateways/kube.js'
import {failures, fixtureContext, fixtureKube} from '../../test/helpers/fixture-fleet.js'
import check from './pvc.js'

const claim = (name: string, status: Record<string, unknown>, requested = '20Gi', extra: Record<string, unknown> = {}): KubeItem => ({
  metadata: {name, namespace: 'platform', labels: {'clickhouse.altinity.com/chi': 'signoz-clickhouse'}},
  spec: {resources: {requests: {storage: requested}}, storageClassName: 'gp3', ...extra},
  status,
})
const chi = (size: string): KubeItem => ({
  metadata: {name: 'signoz-clickhouse', namespace: 'platform'},
  spec: {
    configuration: {clusters: [{name: 'cluster', layout: {shardsCount: 1, replicasCount: 1}}]},
    templates: {volumeClaimTemplates: [{name: 'data-volumeclaim-template', spec: {resources: {requests: {storage: size}}}}]},
  },
})
const run = (claims: KubeItem[], installations: KubeItem[] = [], events: KubeItem[] = []) =>
  check.run(fixtureContext({kube: fixtureKube({persistentvolumeclaims: claims, clickhouseinstallations: installations, events})}))

test('every claim bound at its size: pass', async () => {
  expect(await run([claim('data-0', {phase: 'Bound', capacity: {storage: '20Gi'}})], [chi('20Gi')])).toEqual([
    {subject: 'platform', ok: true, message: '1 claims, all bound at their requested size', evidence: {claims: 1}},
  ])
})

test('a Pending claim fails with the provisioner’s warning', async () => {
  const events: KubeItem[] = [
    {
      metadata: {name: 'e1', namespace: 'platform'},
      involvedObject: {name: 'data-0'},
      type: 'Warning',
      reason: 'ProvisioningFailed',
      message: 'storageclass "gp3" not found',
    } as KubeItem,
  ]
  expect(failures(await run([claim('data-0', {phase: 'Pending'})], [], events))).toEqual({
    'data-0': 'Pending: ProvisioningFailed: storageclass "gp3" not found',
  })
})

test('a resize not finished, and a claim out of step with the installation’s template, each fail', async () => {
  const resizing = claim(
    'data-0',
    {phase: 'Bound', capacity: {storage: '20Gi'}, conditions: [{type: 'FileSystemResizePending', message: 'waiting for the pod to restart'}]},
    '50Gi',
  )
  expect(failures(await run([resizing], [chi('50Gi')]))).toEqual({
    'data-0': 'resize to 50Gi not finished: the volume has 20Gi (FileSystemResizePending: waiting for the pod to restart)',
  })
  const findings = await run([claim('data-1', {phase: 'Bound', capacity: {storage: '20Gi'}})], [chi('30Gi')])
  expect(failures(findings)).toEqual({'data-1': "requests 20Gi but installation signoz-clickhouse's volume claim template says 30Gi: sizes out of step"})
})
