import {expect, test} from 'vitest'
import {Q} from '../../src/signoz/queries.js'
import {failures, fixtureContext, fixtureFleet, fixtureHost} from '../../test/helpers/fixture-fleet.js'
import check from './distributed-tables.js'

const local = (name: string) => ({database: 'signoz_logs', name, engine: 'ReplicatedMergeTree', engine_full: 'ReplicatedMergeTree(...) ORDER BY x'})
const dist = (name: string, target: string, cluster = 'cluster') => ({
  database: 'signoz_logs',
  name: `distributed_${name}`,
  engine: 'Distributed',
  engine_full: `Distributed('${cluster}', 'signoz_logs', '${target}', cityHash64(x))`,
})
const a = fixtureHost(0, 0)

test('each local table with its distributed table on the expected cluster: pass with the count', async () => {
  const fleet = fixtureFleet([a], {
    [Q.tables.name]: [local('logs_v2'), dist('logs_v2', 'logs_v2'), local('tag_attributes'), dist('tag_attributes', 'tag_attributes')],
  })
  expect(await check.run(fixtureContext({fleet}))).toEqual([
    {subject: a.name, ok: true, message: '2 distributed tables on cluster cluster', evidence: {distributed: 2, cluster: 'cluster'}},
  ])
})

test('a missing distributed table, one on another cluster, one pointing at a missing table: each named', async () => {
  const fleet = fixtureFleet([a], {[Q.tables.name]: [local('logs_v2'), dist('logs_v2', 'logs_v2', 'signoz-prod'), local('usage'), dist('gone', 'gone')]})
  const findings = await check.run(fixtureContext({fleet}))
  expect(failures(findings)).toEqual({[a.name]: '3 distributed-table problems'})
  expect(findings[0]!.evidence).toEqual({
    problems: [
      'signoz_logs.distributed_logs_v2 points at cluster "signoz-prod", expected "cluster"',
      'signoz_logs.usage has no distributed_usage',
      'signoz_logs.distributed_gone points at missing signoz_logs.gone',
    ],
    cluster: 'cluster',
  })
})
