import {expect, test} from 'vitest'
import {SkipCheck} from '../../src/core/check.js'
import {failures, fixtureContext, fixtureKube, helmReleaseSecret} from '../../test/helpers/fixture-fleet.js'
import check from './upgrade-path.js'

const revision = (n: number, appVersion: string, status = 'superseded') => helmReleaseSecret({revision: n, appVersion, status})
const run = (...secrets: ReturnType<typeof helmReleaseSecret>[]) => check.run(fixtureContext({kube: fixtureKube({secrets})}))

test('an upgrade that jumped over required stops fails, naming them and the migration guide of the first', async () => {
  const findings = await run(revision(1, 'v0.75.0'), revision(2, 'v0.90.0', 'deployed'))
  expect(failures(findings)).toEqual({'signoz revision 2': 'upgraded v0.75.0 (revision 1) → v0.90.0 past required stops v0.76.0, v0.88.0'})
  expect(findings[0]!.evidence).toMatchObject({
    from: 'v0.75.0',
    to: 'v0.90.0',
    skipped: ['v0.76.0', 'v0.88.0'],
    fix: 'follow signoz.io/docs/operate/migration/upgrade-0-76 for the one-off steps the skipped release runs',
  })
})

test('an upgrade with no stop in between passes; a failed revision does not count as where the release came from', async () => {
  expect((await run(revision(1, 'v0.88.0'), revision(2, 'v0.90.0', 'deployed')))[0]!.message).toBe(
    'v0.88.0 (revision 1) → v0.90.0: no required stop in between',
  )
  const failedInBetween = await run(revision(1, 'v0.88.0'), revision(2, 'v0.60.0', 'failed'), revision(3, 'v0.90.0', 'deployed'))
  expect(failedInBetween[0]).toMatchObject({ok: true, message: 'v0.88.0 (revision 1) → v0.90.0: no required stop in between'})
  expect((await run(revision(1, 'v0.90.0', 'deployed')))[0]!.message).toBe('v0.90.0; no earlier app version in the 1 stored revision(s)')
})

test('no SigNoz release: skipped', async () => {
  await expect(run()).rejects.toThrow(SkipCheck)
})
