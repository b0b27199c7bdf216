import {expect, test} from 'vitest'
import {Q} from '../../src/signoz/queries.js'
import {failures, fixtureContext, fixtureFleet, fixtureHosts} from '../../test/helpers/fixture-fleet.js'
import check from './schema-consistent.js'

const sig = (table: string, signature: string, columns = 10) => ({database: 'signoz_logs', table, columns, signature})
const hosts = fixtureHosts(1, 3)

test('the same tables and columns everywhere: a pass per host', async () => {
  const fleet = fixtureFleet(hosts, {[Q.tableSignatures.name]: [sig('logs_v2', 'aaa'), sig('tag_attributes', 'bbb')]})
  const findings = await check.run(fixtureContext({fleet}))
  expect(findings.map((f) => f.message)).toEqual(hosts.map(() => '2 SigNoz tables, all matching the other hosts'))
})

test('a host lacking a table, and one whose table differs from the shared definition, with the differing columns', async () => {
  const [x, y, z] = hosts as [(typeof hosts)[0], (typeof hosts)[0], (typeof hosts)[0]]
  const fleet = fixtureFleet(hosts, {
    [Q.tableSignatures.name]: (h) =>
      h.name === x.name
        ? [sig('logs_v2', 'aaa')]
        : h.name === y.name
          ? [sig('logs_v2', 'old', 9), sig('tag_attributes', 'bbb')]
          : [sig('logs_v2', 'aaa'), sig('tag_attributes', 'bbb')],
    [Q.tableColumns.name]: (h, params) => {
      expect(params).toEqual({database: 'signoz_logs', table: 'logs_v2'})
      return h.name === y.name
        ? [{name: 'body', type: 'String'}]
        : [
            {name: 'body', type: 'String'},
            {name: 'scope_name', type: 'String'},
          ]
    },
  })
  const findings = await check.run(fixtureContext({fleet}))
  expect(failures(findings)).toEqual({
    [x.name]: 'lacks 1 of 2 SigNoz tables the other hosts have (shard 0)',
    [y.name]: '1 SigNoz table differs from the definition the other hosts share (shard 0)',
  })
  expect(findings.find((f) => f.subject === y.name)?.evidence).toEqual({
    differing: ['signoz_logs.logs_v2'],
    columns: {'signoz_logs.logs_v2': {comparedWith: x.name, missing: ['scope_name String'], extra: []}},
  })
  expect(findings.find((f) => f.subject === z.name)?.ok).toBe(true)
})
