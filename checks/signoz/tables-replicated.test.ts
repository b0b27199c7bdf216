import {expect, test} from 'vitest'
import {Q} from '../../src/signoz/queries.js'
import {failures, fixtureContext, fixtureFleet, fixtureHost} from '../../test/helpers/fixture-fleet.js'
import check from './tables-replicated.js'

const table = (name: string, engine: string) => ({database: 'signoz_traces', name, engine, engine_full: ''})
const topology = (replicas: number) =>
  Array.from({length: replicas}, (_, r) => ({cluster: 'cluster', shard_num: 1, replica_num: r + 1, host_name: `h${r}`, is_local: r === 0 ? 1 : 0}))
const a = fixtureHost(0, 0)

test('with replicas per shard, plain MergeTree tables fail, naming them', async () => {
  const fleet = fixtureFleet([a], {
    [Q.clusterHosts.name]: topology(2),
    [Q.tables.name]: [table('signoz_index_v3', 'ReplicatedMergeTree'), table('signoz_spans', 'MergeTree'), table('distributed_signoz_spans', 'Distributed')],
  })
  const findings = await check.run(fixtureContext({fleet}))
  expect(failures(findings)).toEqual({[a.name]: '1 of 2 SigNoz tables are not replicated, with 2 replicas per shard'})
  expect(findings[0]!.evidence).toEqual({replicasPerShard: 2, notReplicated: ['signoz_traces.signoz_spans (MergeTree)']})
})

test('all replicated passes; one replica per shard needs no replication (the expected layout wins over the observed one)', async () => {
  const fleet = fixtureFleet([a], {[Q.clusterHosts.name]: topology(2), [Q.tables.name]: [table('signoz_index_v3', 'ReplicatedMergeTree')]})
  expect((await check.run(fixtureContext({fleet})))[0]!.message).toBe('all 1 SigNoz tables replicated')
  const single = fixtureFleet([a], {[Q.clusterHosts.name]: topology(2), [Q.tables.name]: [table('signoz_spans', 'MergeTree')]})
  expect((await check.run(fixtureContext({fleet: single, replicasPerShard: 1})))[0]).toMatchObject({
    ok: true,
    message: 'single replica per shard; replication not required',
  })
})
