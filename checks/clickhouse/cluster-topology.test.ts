import {expect, test} from 'vitest'
import {Q} from '../../src/signoz/queries.js'
import {capabilities, failures, fixtureContext, fixtureFleet, fixtureHosts} from '../../test/helpers/fixture-fleet.js'
import check from './cluster-topology.js'

const hosts = fixtureHosts(2, 2).map((h) => ({...h, capabilities: capabilities('25.8.1.1', {})}))
/** system.clusters as host `self` sees a shards × replicas cluster: its own row is_local. */
const rowsFor = (self: string, shards = 2, replicas = 2) =>
  Array.from({length: shards}, (_, s) =>
    Array.from({length: replicas}, (_, r) => ({
      cluster: 'cluster',
      shard_num: s + 1,
      replica_num: r + 1,
      host_name: `chi-signoz-clickhouse-cluster-${s}-${r}`,
      is_local: `chi-signoz-clickhouse-cluster-${s}-${r}` === self ? 1 : 0,
    })),
  ).flat()

test('every host finds itself in the asked-for shape: a pass per host', async () => {
  const fleet = fixtureFleet(hosts, {[Q.clusterHosts.name]: (h) => rowsFor(h.name)})
  const findings = await check.run(fixtureContext({fleet, shards: 2, replicasPerShard: 2}))
  expect(findings.map((f) => [f.subject, f.ok, f.message])).toEqual(hosts.map((h) => [h.name, true, '2 shards × 2 replicas, finds itself']))
})

test('a different shape than asked for, and hosts that disagree, fail with the shapes', async () => {
  const fleet = fixtureFleet(hosts, {
    [Q.clusterHosts.name]: (h) =>
      h.name === hosts[3]!.name ? rowsFor(h.name, 2, 2) : rowsFor(h.name, 2, 2).filter((r) => r.replica_num === 1 || r.host_name === h.name),
  })
  const findings = await check.run(fixtureContext({fleet, shards: 2, replicasPerShard: 2}))
  expect(failures(findings)[hosts[0]!.name]).toBe('replicas per shard 1,1, expected 2')
  expect(failures(findings)['cluster cluster']).toBe('hosts disagree on the cluster definition')
})

test('the cluster not defined on a host fails, naming the clusters it does define', async () => {
  const fleet = fixtureFleet(hosts.slice(0, 1), {[Q.clusterHosts.name]: [], [Q.clusterNames.name]: [{cluster: 'default'}, {cluster: 'signoz'}]})
  const findings = await check.run(fixtureContext({fleet}))
  expect(findings).toEqual([
    {
      subject: hosts[0]!.name,
      ok: false,
      message: 'cluster "cluster" is not defined on this host',
      evidence: {expected: 'cluster', defined: ['default', 'signoz']},
    },
  ])
})

test('a host that does not find itself, or whose shard macro disagrees with its place, fails', async () => {
  const fleet = fixtureFleet(hosts.slice(0, 2), {
    [Q.clusterHosts.name]: (h) =>
      h.name === hosts[0]!.name
        ? rowsFor('nobody')
        : rowsFor(h.name).map((r) => ({...r, is_local: r.host_name === hosts[1]!.name ? 1 : 0, shard_num: r.host_name === hosts[1]!.name ? 2 : r.shard_num})),
  })
  const f = failures(await check.run(fixtureContext({fleet})))
  expect(f[hosts[0]!.name]).toBe('the host does not find itself in the cluster (no is_local row)')
  expect(f[hosts[1]!.name]).toBe('the shard macro says shard 0 but the cluster places this host in shard_num 2')
})

test('two hosts with the same shard and replica macros fail', async () => {
  const twin = {...hosts[1]!, name: 'twin', macros: hosts[0]!.macros}
  const fleet = fixtureFleet([hosts[0]!, twin], {[Q.clusterHosts.name]: () => rowsFor(hosts[0]!.name)})
  expect(failures(await check.run(fixtureContext({fleet})))).toMatchObject({
    twin: `shard and replica macros 0/${hosts[0]!.name} are also used by ${hosts[0]!.name}`,
  })
})
