import {defineCheck, fail, pass, type Finding} from '../../src/core/check.js'
import {perHost, shardOf} from '../../src/core/host-results.js'
import {Q} from '../../src/signoz/queries.js'
import {hostStatefulSetName} from '../../src/signoz/naming.js'
import {SIGNOZ_DATABASES} from '../../src/signoz/schema.js'
import {observedTopology} from '../../src/signoz/topology.js'
import type {ClickHouseFleet, HostProbe, HostResult} from '../../src/gateways/clickhouse-fleet.js'
import type {Expectations} from '../../src/core/check.js'

/**
 * The replica names the installation's layout defines, answering or not: from the CHI through
 * Kubernetes, else from the operator's macros on the hosts that answer (installation, cluster)
 * and the cluster's shards × replicas in system.clusters. Undefined when neither is known.
 */
async function layoutReplicas(
  clickhouse: ClickHouseFleet,
  chi: {name: string; cluster: string; shards: number; replicasPerShard: number} | undefined,
  expect: Expectations,
  signal: AbortSignal,
): Promise<Set<string> | undefined> {
  const names = new Set<string>()
  if (chi) {
    for (let s = 0; s < chi.shards; s++) for (let r = 0; r < chi.replicasPerShard; r++) names.add(hostStatefulSetName(chi.name, chi.cluster, s, r))
    return names
  }
  const macros = clickhouse
    .reachable()
    .map((h) => h.macros)
    .find((m) => m.installation && m.cluster)
  if (!macros) return undefined
  const topology = await observedTopology(clickhouse, expect.cluster, signal)
  const shards = expect.shards ?? topology?.shards
  if (!shards) return undefined
  for (let s = 0; s < shards; s++) {
    const replicas = expect.replicasPerShard ?? topology?.replicasByShard.get(s + 1) ?? 0
    for (let r = 0; r < replicas; r++) names.add(hostStatefulSetName(macros.installation!, macros.cluster!, s, r))
  }
  return names
}

type Answers<Row> = readonly HostResult<Row>[]

/**
 * The Keeper path of each replicated SigNoz table a host holds, from its replica's own path
 * (`<zookeeper_path>/replicas/<replica_name>`, a local column): replica-status, which every
 * host answers in the run's first statement anyway, instead of another read of system.replicas.
 */
function signozReplicaPaths<R extends {database: string; replica_name: string; replica_path: string}>(rows: readonly R[]) {
  const databases: readonly string[] = SIGNOZ_DATABASES
  return rows
    .filter((r) => databases.includes(r.database) && r.replica_path.endsWith(`/replicas/${r.replica_name}`))
    .map((r) => ({...r, zookeeper_path: r.replica_path.slice(0, -`/replicas/${r.replica_name}`.length)}))
}

/**
 * The number of replicas registered on the shard's paths when no registration can be a stranger,
 * else undefined (Keeper is read). Proven when, for every path, Keeper counts as many replicas
 * (total_replicas, read by the shard's reader) as the shard's hosts hold on that path, and each
 * of those is a known name and writable: a writable replica is registered, so equal counts mean
 * the same names. Any host of the shard that did not answer, or any doubt, leaves it to Keeper.
 */
function provenWithoutKeeper(
  reader: HostProbe,
  paths: readonly string[],
  readerRows: readonly {database: string; table: string; zookeeper_path: string}[],
  everyHost: Answers<{zookeeper_path: string; replica_name: string; is_readonly: number; is_session_expired: number}>,
  counts: Answers<{database: string; table: string; total_replicas: number}>,
  known: ReadonlySet<string>,
): number | undefined {
  const hosts = everyHost.filter((r) => shardOf(r.host) === shardOf(reader))
  const registered = counts.find((r) => r.host.name === reader.name)?.rows
  if (!registered || hosts.some((r) => !r.rows)) return undefined
  let total = 0
  for (const path of paths) {
    const local = hosts.flatMap((r) => (r.rows ?? []).filter((x) => x.zookeeper_path === path))
    const table = readerRows.find((x) => x.zookeeper_path === path)
    const count = table && registered.find((x) => x.database === table.database && x.table === table.table)
    if (!count || Number(count.total_replicas) !== new Set(local.map((x) => x.replica_name)).size) return undefined
    if (local.some((x) => !known.has(x.replica_name) || Number(x.is_readonly) || Number(x.is_session_expired))) return undefined
    total += Number(count.total_replicas)
  }
  return total
}

/**
 * Keeper holds no replica that is not a host of the cluster.
 * Why: scaling down or deleting a replica's volume leaves its registration under
 * `<zookeeper_path>/replicas`; the replication log then grows for a replica that never reads it,
 * and a host re-created under that name fails with REPLICA_ALREADY_EXISTS (catalogue #29).
 * Fails if: a replicated SigNoz table has a replica registered in Keeper whose name is no host of
 * the cluster: neither a host's replica macro nor a name of the installation's layout (the CHI
 * through Kubernetes, else the operator's macros and system.clusters).
 */
export default defineCheck({
  id: 'keeper/stale-replicas',
  title: 'Keeper holds no replica of a removed host',
  severity: 'warning',
  requires: ['clickhouse'],
  runbook: 'stale-replica',
  scenarios: [29],
  async run({clickhouse, kube, expect, signal}) {
    // Every replica of a shard shares the table's Keeper path: one host per shard reads Keeper.
    // Every host's own replicas (local columns) and the registration counts of one host per shard
    // (the first statement of the run carries both) spare that read when they already prove it.
    const [status, counts] = await Promise.all([
      clickhouse.queryEach(Q.replicaStatus, undefined, signal),
      clickhouse.queryPerShard(Q.replicaCounts, undefined, signal),
    ])
    const everyHost = status.map((r) => (r.rows ? {host: r.host, rows: signozReplicaPaths(r.rows)} : r))
    const readers = new Set(counts.map((r) => r.host.name))
    const {answered, unreadable} = perHost(
      everyHost.filter((r) => readers.has(r.host.name)),
      'system.replicas',
    )
    const findings: Finding[] = [...unreadable]
    const known = new Set(
      clickhouse
        .reachable()
        .map((h) => h.macros.replica)
        .filter((r): r is string => Boolean(r)),
    )
    // A name the layout defines is a host of the cluster whether or not it answers now (a host just killed keeps its session for a while).
    const layout = await layoutReplicas(clickhouse, kube?.deployment.active, expect, signal)
    for (const name of layout ?? []) known.add(name)
    // Without the layout, an unreachable host's name is unknown: it may be one of the "extra" ones.
    const unknownHosts = layout ? 0 : clickhouse.hosts.filter((h) => !h.reachable).length

    // Shards are read at once: one after another, the check would grow with the shard count.
    const perShard = answered.map(async ({host, rows}): Promise<Finding[]> => {
      const ofShard: Finding[] = []
      const paths = [...new Set(rows.map((r) => r.zookeeper_path))]
      if (paths.length === 0) {
        ofShard.push(pass(host.name, 'no replicated SigNoz tables'))
        return ofShard
      }
      const proven = provenWithoutKeeper(host, paths, rows, everyHost, counts, known)
      if (proven !== undefined) {
        ofShard.push(pass(host.name, `${paths.length} tables, every registered replica is a host of the cluster`, {tables: paths.length, replicas: proven}))
        return ofShard
      }
      const registered = await clickhouse.queryHosts([host], Q.keeperChildren, {paths: paths.map((p) => `${p}/replicas`)}, signal)
      const first = registered[0]
      if (!first?.rows) {
        ofShard.push(
          fail(host.name, `could not read replica registrations from Keeper: ${first?.error?.message ?? 'no answer'}`, {
            error: first?.error?.kind ?? 'unknown',
          }),
        )
        return ofShard
      }
      const extra = first.rows.filter((r) => !known.has(r.name)).map((r) => ({path: r.parent.replace(/\/replicas$/, ''), replica: r.name}))
      if (extra.length === 0) {
        ofShard.push(
          pass(host.name, `${paths.length} tables, every registered replica is a host of the cluster`, {tables: paths.length, replicas: first.rows.length}),
        )
        return ofShard
      }
      // A live session (is_active) means something still runs under that name: another installation.
      const state = await clickhouse.queryHosts([host], Q.keeperChildren, {paths: extra.map((e) => `${e.path}/replicas/${e.replica}`)}, signal)
      const active = new Set((state[0]?.rows ?? []).filter((r) => r.name === 'is_active').map((r) => r.parent))
      const stale = extra.filter((e) => !active.has(`${e.path}/replicas/${e.replica}`))
      const foreign = extra.filter((e) => active.has(`${e.path}/replicas/${e.replica}`))
      const names = [...new Set(stale.map((e) => e.replica))].sort()
      if (stale.length > 0 && names.length > unknownHosts) {
        const table = (path: string) => rows.find((r) => r.zookeeper_path === path)
        ofShard.push(
          fail(
            host.name,
            `${names.length === 1 ? `replica ${names[0]} is` : `${names.length} replicas are`} registered in Keeper but no host of the cluster (${stale.length} table${stale.length === 1 ? '' : 's'})`,
            {
              replicas: names,
              tables: stale.slice(0, 20).map((e) => `${table(e.path)?.database}.${table(e.path)?.table}`),
              fix: stale.slice(0, 3).map((e) => `SYSTEM DROP REPLICA '${e.replica}' FROM TABLE ${table(e.path)?.database}.${table(e.path)?.table}`),
            },
          ),
        )
      } else if (stale.length > 0) {
        ofShard.push(pass(host.name, `${names.join(', ')} registered but inactive; may be the ${unknownHosts} unreachable host(s)`, {replicas: names}))
      }
      if (foreign.length > 0) {
        ofShard.push(
          fail(host.name, `replicas outside this cluster are active on the same Keeper paths: ${[...new Set(foreign.map((e) => e.replica))].join(', ')}`, {
            tables: foreign.slice(0, 20).map((e) => e.path),
            hint: "another installation shares these tables' Keeper paths (a duplicate installation, or a second cluster with the same paths)",
          }),
        )
      }
      return ofShard
    })
    for (const shardFindings of await Promise.all(perShard)) findings.push(...shardFindings)
    return findings
  },
})
