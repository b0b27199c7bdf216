import {defineCheck, fail, pass, type Finding} from '../../src/core/check.js'
import {perHost} from '../../src/core/host-results.js'
import {Q} from '../../src/signoz/queries.js'

/**
 * Every host agrees on the cluster's shape, which matches what was asked for, and finds itself in it.
 * Why: a missing cluster name fails every ON CLUSTER migration (#19); a host with no is_local row
 * never runs its DDL tasks (#1); duplicate replica macros collide in Keeper (REPLICA_ALREADY_EXISTS).
 * Fails if: the cluster is missing on a host, shards × replicas differ from the expectation or between
 * hosts, a host has no (or more than one) is_local row, or two hosts share shard+replica macros.
 */
export default defineCheck({
  id: 'clickhouse/cluster-topology',
  title: 'The cluster topology is what was asked for on every host',
  severity: 'critical',
  requires: ['clickhouse'],
  runbook: 'cluster-topology-mismatch',
  scenarios: [19],
  async run({clickhouse, expect, signal}) {
    const {answered, unreadable} = perHost(await clickhouse.queryEach(Q.clusterHosts, {cluster: expect.cluster}, signal), 'system.clusters')
    const findings: Finding[] = [...unreadable]
    const shapes = new Map<string, string[]>()
    for (const {host, rows} of answered) {
      if (rows.length === 0) {
        const names = (await clickhouse.queryEach(Q.clusterNames, undefined, signal)).find((r) => r.host === host)?.rows?.map((r) => r.cluster) ?? []
        findings.push(fail(host.name, `cluster "${expect.cluster}" is not defined on this host`, {expected: expect.cluster, defined: names}))
        continue
      }
      const perShard = new Map<number, number>()
      for (const r of rows) perShard.set(Number(r.shard_num), (perShard.get(Number(r.shard_num)) ?? 0) + 1)
      const shape = [...perShard.entries()]
        .sort(([a], [b]) => a - b)
        .map(([, n]) => n)
        .join(',')
      shapes.set(shape, [...(shapes.get(shape) ?? []), host.name])
      const localRows = rows.filter((r) => Number(r.is_local) === 1)
      const localShards = new Set(localRows.map((r) => Number(r.shard_num)))
      // Before 20.x is_local marks every replica of the host's own shard; later only the host's own row.
      const shardLevel = (host.capabilities?.major ?? 99) < 20
      const expectedLocal = shardLevel && localShards.size === 1 ? perShard.get([...localShards][0]!) : 1
      const evidence = {
        shards: perShard.size,
        replicasPerShard: shape,
        isLocalRows: localRows.length,
        expectedShards: expect.shards ?? null,
        expectedReplicasPerShard: expect.replicasPerShard ?? null,
      }
      const problems: string[] = []
      if (localRows.length === 0) problems.push('the host does not find itself in the cluster (no is_local row)')
      else if (localShards.size > 1 || localRows.length !== expectedLocal) problems.push(`${localRows.length} rows claim to be this host`)
      const macroShard = host.macros.shard !== undefined && /^\d+$/.test(host.macros.shard) ? Number(host.macros.shard) + 1 : undefined
      if (macroShard !== undefined && localShards.size === 1 && !localShards.has(macroShard)) {
        problems.push(`the shard macro says shard ${host.macros.shard} but the cluster places this host in shard_num ${[...localShards][0]}`)
      }
      if (expect.shards !== undefined && perShard.size !== expect.shards) problems.push(`${perShard.size} shards, expected ${expect.shards}`)
      if (expect.replicasPerShard !== undefined && [...perShard.values()].some((n) => n !== expect.replicasPerShard)) {
        problems.push(`replicas per shard ${shape}, expected ${expect.replicasPerShard}`)
      }
      findings.push(
        problems.length
          ? fail(host.name, problems.join('; '), evidence)
          : pass(host.name, `${perShard.size} shards × ${shape.split(',')[0]} replicas, finds itself`, evidence),
      )
    }
    if (shapes.size > 1) {
      findings.push(
        fail(`cluster ${expect.cluster}`, 'hosts disagree on the cluster definition', {shapes: Object.fromEntries([...shapes].map(([k, v]) => [k, v]))}),
      )
    }
    const seen = new Map<string, string>()
    for (const {host} of answered) {
      const key = host.macros.shard !== undefined && host.macros.replica !== undefined ? `${host.macros.shard}/${host.macros.replica}` : undefined
      if (!key) continue
      const other = seen.get(key)
      if (other) findings.push(fail(host.name, `shard and replica macros ${key} are also used by ${other}`, {macros: host.macros}))
      seen.set(key, host.name)
    }
    return findings
  },
})
