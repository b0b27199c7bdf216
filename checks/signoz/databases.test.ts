import {expect, test} from 'vitest'
import {Q} from '../../src/signoz/queries.js'
import {SIGNOZ_DATABASES} from '../../src/signoz/schema.js'
import {failures, fixtureContext, fixtureFleet, fixtureHost} from '../../test/helpers/fixture-fleet.js'
import check from './databases.js'

const [a, b] = [fixtureHost(0, 0), fixtureHost(1, 0)]

test('every SigNoz database on every host: pass; a host without some fails naming them', async () => {
  const all = SIGNOZ_DATABASES.map((name) => ({name}))
  const asked: string[] = []
  const fleet = fixtureFleet([a, b], {
    // Host b lists no table in two databases: only it is asked for its databases.
    [Q.tables.name]: (h) =>
      SIGNOZ_DATABASES.filter((db) => h.name === a.name || (db !== 'signoz_meter' && db !== 'signoz_analytics')).map((database) => ({
        database,
        name: 'schema_migrations_v2',
        engine: 'MergeTree',
        engine_full: '',
      })),
    [Q.databases.name]: (h, params) => {
      expect(params).toEqual({names: SIGNOZ_DATABASES})
      asked.push(h.name)
      return all.filter((d) => d.name !== 'signoz_meter' && d.name !== 'signoz_analytics')
    },
  })
  const findings = await check.run(fixtureContext({fleet}))
  expect(findings[0]).toMatchObject({subject: a.name, ok: true, message: `all ${SIGNOZ_DATABASES.length} databases present`})
  expect(failures(findings)).toEqual({[b.name]: 'missing signoz_analytics, signoz_meter'})
  expect(findings[1]!.evidence).toMatchObject({missing: ['signoz_analytics', 'signoz_meter']})
  expect(asked).toEqual([b.name])
})

test('a database that exists without tables is present; one that does not exist is missing', async () => {
  const fleet = fixtureFleet([a], {
    [Q.tables.name]: SIGNOZ_DATABASES.filter((db) => db !== 'signoz_meter' && db !== 'signoz_analytics').map((database) => ({
      database,
      name: 't',
      engine: 'MergeTree',
      engine_full: '',
    })),
    [Q.databases.name]: SIGNOZ_DATABASES.filter((db) => db !== 'signoz_meter').map((name) => ({name})),
  })
  expect(failures(await check.run(fixtureContext({fleet})))).toEqual({[a.name]: 'missing signoz_meter'})
})
