import {expect, test} from 'vitest'
import {Q} from '../../src/signoz/queries.js'
import {SIGNOZ_DATABASES} from '../../src/signoz/schema.js'
import {failures, fixtureContext, fixtureFleet, fixtureHost} from '../../test/helpers/fixture-fleet.js'
import check from './databases.js'

const [a, b] = [fixtureHost(0, 0), fixtureHost(1, 0)]

test('every SigNoz database on every host: pass; a host without some fails naming them', async () => {
  const all = SIGNOZ_DATABASES.map((name) => ({name}))
  const fleet = fixtureFleet([a, b], {
    [Q.databases.name]: (h, params) => {
      expect(params).toEqual({names: SIGNOZ_DATABASES})
      return h.name === b.name ? all.filter((d) => d.name !== 'signoz_meter' && d.name !== 'signoz_analytics') : all
    },
  })
  const findings = await check.run(fixtureContext({fleet}))
  expect(findings[0]).toMatchObject({subject: a.name, ok: true, message: `all ${SIGNOZ_DATABASES.length} databases present`})
  expect(failures(findings)).toEqual({[b.name]: 'missing signoz_analytics, signoz_meter'})
  expect(findings[1]!.evidence).toMatchObject({missing: ['signoz_analytics', 'signoz_meter']})
})
