import {expect, test} from 'vitest'
import {Q} from '../../src/signoz/queries.js'
import {failures, fixtureContext, fixtureFleet, fixtureHost, timeoutOn} from '../../test/helpers/fixture-fleet.js'
import check from './disk-free.js'

const GiB = 1024 ** 3
const disk = (free: number, total: number, name = 'default', keep = 0) => ({
  disk: name,
  disk_path: `/var/lib/clickhouse/${name}/`,
  free_bytes: free * GiB,
  total_bytes: total * GiB,
  keep_free_bytes: keep * GiB,
})
const [a, b] = [fixtureHost(0, 0), fixtureHost(0, 1)]

test('every disk above the free-space threshold passes, with its figures', async () => {
  const fleet = fixtureFleet([a, b], {[Q.diskSpace.name]: [disk(50, 100)]})
  const findings = await check.run(fixtureContext({fleet}))
  expect(findings).toEqual([
    {subject: a.name, ok: true, message: '50.0 GiB free of 100.0 GiB (50%)', evidence: expect.objectContaining({freePercent: 50, threshold: 10})},
    {subject: b.name, ok: true, message: '50.0 GiB free of 100.0 GiB (50%)', evidence: expect.objectContaining({freePercent: 50})},
  ])
  expect(fleet.unused()).toEqual([])
})

test('a disk below the threshold fails; space the server keeps free does not count; each disk of a host is its own subject', async () => {
  const fleet = fixtureFleet([a, b], {
    [Q.diskSpace.name]: (h) => (h.name === a.name ? [disk(9, 100), disk(80, 100, 's3cache')] : [disk(20, 100, 'default', 15)]),
  })
  const findings = await check.run(fixtureContext({fleet}))
  expect(failures(findings)).toEqual({
    [`${a.name}/default`]: '9.0 GiB free of 100.0 GiB (9%, below 10%)',
    [b.name]: '5.0 GiB free of 100.0 GiB (5%, below 10%)',
  })
  expect(findings.find((f) => f.subject === `${a.name}/s3cache`)?.ok).toBe(true)
})

test('an object-storage disk (no size) is not judged; the threshold comes from the configuration', async () => {
  const fleet = fixtureFleet([a], {[Q.diskSpace.name]: [disk(0, 0, 's3'), disk(15, 100)]})
  expect(failures(await check.run(fixtureContext({fleet, thresholds: {diskFreePercent: 20}})))).toEqual({
    [`${a.name}/default`]: '15.0 GiB free of 100.0 GiB (15%, below 20%)',
  })
})

test('a host that cannot be read fails with why; when none can, the check errs', async () => {
  const fleet = fixtureFleet([a, b], {[Q.diskSpace.name]: (h) => (h.name === a.name ? timeoutOn(a.name) : [disk(50, 100)])})
  expect(failures(await check.run(fixtureContext({fleet})))).toEqual({[a.name]: `could not read disk space: ${a.name}: timed out after 5000 ms`})
  await expect(check.run(fixtureContext({fleet: fixtureFleet([a], {[Q.diskSpace.name]: timeoutOn(a.name)})}))).rejects.toThrow(/no host could read disk space/)
})
