import {expect, test} from 'vitest'
import {Q} from '../../src/signoz/queries.js'
import {failures, fixtureContext, fixtureFleet, fixtureHost} from '../../test/helpers/fixture-fleet.js'
import check from './stale-replicas.js'

const macros = (s: number, r: number) => ({
  shard: String(s),
  replica: `chi-signoz-clickhouse-cluster-${s}-${r}`,
  installation: 'signoz-clickhouse',
  cluster: 'cluster',
})
const [a, b] = [fixtureHost(0, 0, {macros: macros(0, 0)}), fixtureHost(0, 1, {macros: macros(0, 1)})]
const path = '/clickhouse/tables/0/signoz_logs/logs_v2'
const layout = [
  {cluster: 'cluster', shard_num: 1, replica_num: 1, host_name: a.name, is_local: 1},
  {cluster: 'cluster', shard_num: 1, replica_num: 2, host_name: b.name, is_local: 0},
]
/** Each host's own writable replica of logs_v2 on the shared path, as replica-status answers it. */
const ownReplica =
  (extra: Record<string, unknown> = {}) =>
  (h: {name: string}) => [
    {
      database: 'signoz_logs',
      table: 'logs_v2',
      is_readonly: 0,
      is_session_expired: 0,
      replica_name: h.name,
      replica_path: `${path}/replicas/${h.name}`,
      ...extra,
    },
  ]
const registered = (total: number) => [{database: 'signoz_logs', table: 'logs_v2', active_replicas: total, total_replicas: total}]

test('Keeper counts as many replicas as the writable hosts of the shard hold, all known: a pass without reading Keeper', async () => {
  const fleet = fixtureFleet([a, b], {
    [Q.clusterHosts.name]: layout,
    [Q.replicaStatus.name]: ownReplica(),
    [Q.replicaCounts.name]: registered(2),
  })
  expect(await check.run(fixtureContext({fleet}))).toEqual([
    {subject: a.name, ok: true, message: '1 tables, every registered replica is a host of the cluster', evidence: {tables: 1, replicas: 2}},
  ])
  expect(fleet.sent).not.toContain(Q.keeperChildren.name)
})

test.each([
  ['a replica is read-only (its registration may be gone)', ownReplica({is_readonly: 1}), registered(2)],
  ['Keeper counts one more replica than the hosts hold', ownReplica(), registered(3)],
])('%s: the registrations are read from Keeper', async (_, status, counts) => {
  const fleet = fixtureFleet([a, b], {
    [Q.clusterHosts.name]: layout,
    [Q.replicaStatus.name]: status,
    [Q.replicaCounts.name]: counts,
    [Q.keeperChildren.name]: [
      {parent: `${path}/replicas`, name: a.name},
      {parent: `${path}/replicas`, name: b.name},
    ],
  })
  expect(await check.run(fixtureContext({fleet}))).toEqual([
    {subject: a.name, ok: true, message: '1 tables, every registered replica is a host of the cluster', evidence: {tables: 1, replicas: 2}},
  ])
  expect(fleet.sent).toContain(Q.keeperChildren.name)
})

test('a replica registered but no host of the cluster and inactive is stale, with the DROP REPLICA; an active one belongs to another installation', async () => {
  const fleet = fixtureFleet([a, b], {
    [Q.clusterHosts.name]: layout,
    [Q.replicaStatus.name]: ownReplica(),
    [Q.replicaCounts.name]: registered(4),
    [Q.keeperChildren.name]: (_, params) => {
      const asked = (params as {paths: string[]}).paths
      if (asked[0] === `${path}/replicas`) return ['old-host-0', 'other-install-0', a.name, b.name].map((name) => ({parent: `${path}/replicas`, name}))
      return [
        {parent: `${path}/replicas/other-install-0`, name: 'is_active'},
        {parent: `${path}/replicas/old-host-0`, name: 'host'},
      ]
    },
  })
  const findings = await check.run(fixtureContext({fleet}))
  expect(findings.filter((f) => !f.ok).map((f) => f.message)).toEqual([
    'replica old-host-0 is registered in Keeper but no host of the cluster (1 table)',
    'replicas outside this cluster are active on the same Keeper paths: other-install-0',
  ])
  expect(findings[0]!.evidence).toMatchObject({fix: ["SYSTEM DROP REPLICA 'old-host-0' FROM TABLE signoz_logs.logs_v2"]})
  expect(Object.keys(failures(findings))).toEqual([a.name])
})
