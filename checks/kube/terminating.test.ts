import {expect, test} from 'vitest'
import {failures, fixtureContext, fixtureKube} from '../../test/helpers/fixture-fleet.js'
import check from './terminating.js'

const now = Date.parse('2026-12-01T12:00:00Z')
const deleting = (name: string, secondsAgo: number, finalizers: string[] = []) => ({
  metadata: {name, namespace: 'platform', deletionTimestamp: new Date(now - secondsAgo * 1000).toISOString(), finalizers},
})

test('an object held past the threshold fails with its finalizers; a young deletion and a live object pass', async () => {
  const kube = fixtureKube({
    persistentvolumeclaims: [
      deleting('data-0', 900, ['kubernetes.io/pvc-protection']),
      deleting('data-1', 10),
      {metadata: {name: 'data-2', namespace: 'platform'}},
    ],
    clickhouseinstallations: [deleting('signoz-clickhouse', 400, ['finalizer.clickhouseinstallation.altinity.com'])],
  })
  const findings = await check.run(fixtureContext({now, kube}))
  expect(Object.values(failures(findings))).toEqual(
    expect.arrayContaining([
      'terminating for 900s, held by kubernetes.io/pvc-protection',
      'terminating for 400s, held by finalizer.clickhouseinstallation.altinity.com',
    ]),
  )
  expect(Object.keys(failures(findings))).toHaveLength(2)
})

test('nothing terminating: one pass counting what was looked at', async () => {
  const findings = await check.run(fixtureContext({now, kube: fixtureKube({pods: [{metadata: {name: 'p', namespace: 'platform'}}]})}))
  expect(findings).toEqual([{subject: 'platform', ok: true, message: '1 objects, none stuck terminating'}])
})
