import type {ClickHouseFleet, HostResult} from '../gateways/clickhouse-fleet.js'
import {Q} from './queries.js'

/** The cluster as the hosts describe it in system.clusters, merged across every host that answered. */
export interface ObservedTopology {
  shards: number
  replicasPerShard: number
  /** shard_num (1-based, as system.clusters counts) → replica count. */
  replicasByShard: Map<number, number>
}

export async function observedTopology(fleet: ClickHouseFleet, cluster: string, signal?: AbortSignal): Promise<ObservedTopology | undefined> {
  const results = await fleet.queryEach(Q.clusterHosts, {cluster}, signal)
  const rows = results.flatMap((r: HostResult<{shard_num: number; replica_num: number}>) => r.rows ?? [])
  if (rows.length === 0) return undefined
  const replicasByShard = new Map<number, number>()
  for (const row of rows) replicasByShard.set(Number(row.shard_num), Math.max(replicasByShard.get(Number(row.shard_num)) ?? 0, Number(row.replica_num)))
  return {shards: replicasByShard.size, replicasPerShard: Math.max(...replicasByShard.values()), replicasByShard}
}
