import {expect, test} from 'vitest'
import {Q} from '../../src/signoz/queries.js'
import {SkipCheck} from '../../src/core/check.js'
import {ERROR_FINGERPRINTS} from '../../src/signoz/error-fingerprints.js'
import {capabilities, failures, fixtureContext, fixtureFleet, fixtureHost} from '../../test/helpers/fixture-fleet.js'
import check from './errors.js'

const modern = capabilities('25.8.1.1', {'system.errors': ['name', 'code', 'value', 'last_error_time', 'last_error_message']})
const [a, b] = [fixtureHost(0, 0, {capabilities: modern}), fixtureHost(0, 1, {capabilities: modern})]

test('no fingerprint error in the window: a pass per host naming how many codes were looked for', async () => {
  const fleet = fixtureFleet([a], {
    [Q.recentErrors.name]: (_, params) => {
      expect(params).toEqual({codes: ERROR_FINGERPRINTS.map((f) => f.code), withinSeconds: 900})
      return []
    },
  })
  expect(await check.run(fixtureContext({fleet}))).toEqual([
    {subject: a.name, ok: true, message: `none of ${ERROR_FINGERPRINTS.length} fingerprint errors in the last 15 minutes`},
  ])
})

test('a fingerprint error fails per host and error, naming its scenario and runbook', async () => {
  const fleet = fixtureFleet([a, b], {
    [Q.recentErrors.name]: (h) =>
      h.name === b.name
        ? [{error_name: 'TABLE_IS_READ_ONLY', error_code: 242, occurrences: 17, age_seconds: 42, last_message: 'Table is in readonly mode\nstack'}]
        : [],
  })
  const findings = await check.run(fixtureContext({fleet}))
  expect(failures(findings)).toEqual({[`${b.name}/TABLE_IS_READ_ONLY`]: 'TABLE_IS_READ_ONLY (242) 42s ago: Table is in readonly mode'})
  expect(findings.find((f) => !f.ok)?.evidence).toEqual({
    code: 242,
    occurrences: 17,
    ageSeconds: 42,
    scenario: 4,
    runbook: 'signoz-ha runbook show replica-readonly',
  })
})

test('servers that do not record when an error happened: skipped with the reason, nothing asked', async () => {
  const old = fixtureHost(0, 0, {version: '18.16.1', capabilities: capabilities('18.16.1', {'system.errors': ['name', 'code', 'value']})})
  const fleet = fixtureFleet([old], {})
  await expect(check.run(fixtureContext({fleet}))).rejects.toThrow(SkipCheck)
  await expect(check.run(fixtureContext({fleet}))).rejects.toThrow(
    'ClickHouse 18.16.1 does not record when errors happened (system.errors.last_error_time, 21.x+)',
  )
  expect(fleet.sent).toEqual([])
})
