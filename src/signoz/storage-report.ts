import {S} from '../gateways/statements.js'

/** One partition of a SigNoz table on one host (system.parts, summed). */
export interface PartitionRow {
  database: string
  table: string
  partition: string
  partition_id: string
  rows: number
  bytes: number
  compressed: number
  uncompressed: number
  parts: number
}

export interface HostInput {
  host: string
  partitions: PartitionRow[]
  /** Every active part on the host, SigNoz or not. */
  usedBytes: number | null
  /** From system.disks (19.15+): what the server sees. */
  disk?: {totalBytes: number; freeBytes: number}
  /** Else the capacity of the host's volume claim, from Kubernetes. */
  claimBytes?: number
}

export interface HostStorage {
  host: string
  usedBytes: number | null
  totalBytes: number | null
  freeBytes: number | null
  /** Where size and free space come from. */
  source: 'system.disks' | 'volume claim' | 'unknown'
  growthBytesPerDay: number
  daysUntilFull: number | null
}

export interface TableStorage {
  table: string
  rows: number
  bytes: number
  /** Uncompressed ÷ compressed. */
  compression: number | null
  ttl: string | null
  growthBytesPerDay: number
}

export interface PartitionSuggestion {
  table: string
  day: string
  bytes: number
  statement: string
}

export interface StorageReport {
  hosts: HostStorage[]
  tables: TableStorage[]
  /** Oldest days of the biggest tables: what dropping would free (never run by this tool). */
  oldest: PartitionSuggestion[]
  /** How growth was measured. */
  growthBasis: 'last full day' | 'today so far' | 'no dated data'
}

const DAY = 86_400_000

/** The day a partition holds ('2026-12-02', "('2026-12-02',15,0)", '20261202'), if it is dated. */
export function partitionDay(partition: string): string | undefined {
  const m = /(\d{4})-?(\d{2})-?(\d{2})/.exec(partition)
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined
}

/**
 * Bytes a day adds: yesterday's partitions when they exist (a full day), else today's so far,
 * scaled to a day (after at least an hour, to keep a young cluster's guess sane).
 */
function dailyGrowth(rows: readonly PartitionRow[], now: Date): {bytes: number; basis: StorageReport['growthBasis']} {
  const today = now.toISOString().slice(0, 10)
  const yesterday = new Date(now.getTime() - DAY).toISOString().slice(0, 10)
  const sum = (day: string) => rows.filter((r) => partitionDay(r.partition) === day).reduce((s, r) => s + Number(r.bytes), 0)
  const full = sum(yesterday)
  if (full > 0) return {bytes: full, basis: 'last full day'}
  const sinceMidnight = now.getTime() - Date.parse(`${today}T00:00:00Z`)
  const partial = sum(today)
  return partial > 0 ? {bytes: Math.round((partial * DAY) / Math.max(sinceMidnight, 3_600_000)), basis: 'today so far'} : {bytes: 0, basis: 'no dated data'}
}

const tableOf = (r: PartitionRow) => `${r.database}.${r.table}`

/**
 * The storage report: per host, disk use, growth and the days until full; per table (one
 * replica per shard, summed), size, compression and TTL; and the oldest partitions that could go.
 */
export function buildStorageReport(input: {
  hosts: HostInput[]
  perShard: PartitionRow[][]
  ttls: Map<string, string>
  cluster: string
  now: Date
}): StorageReport {
  let basis: StorageReport['growthBasis'] = 'no dated data'
  const hosts = input.hosts.map((h): HostStorage => {
    const growth = dailyGrowth(h.partitions, input.now)
    if (growth.basis !== 'no dated data' && basis !== 'last full day') basis = growth.basis
    const totalBytes = h.disk?.totalBytes ?? h.claimBytes ?? null
    const freeBytes = h.disk?.freeBytes ?? (h.claimBytes !== undefined && h.usedBytes !== null ? Math.max(0, h.claimBytes - h.usedBytes) : null)
    return {
      host: h.host,
      usedBytes: h.usedBytes,
      totalBytes,
      freeBytes,
      source: h.disk ? 'system.disks' : h.claimBytes !== undefined ? 'volume claim' : 'unknown',
      growthBytesPerDay: growth.bytes,
      daysUntilFull: freeBytes !== null && growth.bytes > 0 ? Math.round((freeBytes / growth.bytes) * 10) / 10 : null,
    }
  })
  const all = input.perShard.flat()
  const tables = [...new Set(all.map(tableOf))].sort().map((table): TableStorage => {
    const rows = all.filter((r) => tableOf(r) === table)
    const compressed = rows.reduce((s, r) => s + Number(r.compressed), 0)
    const uncompressed = rows.reduce((s, r) => s + Number(r.uncompressed), 0)
    return {
      table,
      rows: rows.reduce((s, r) => s + Number(r.rows), 0),
      bytes: rows.reduce((s, r) => s + Number(r.bytes), 0),
      compression: compressed > 0 ? Math.round((uncompressed / compressed) * 10) / 10 : null,
      ttl: input.ttls.get(table) || null,
      growthBytesPerDay: input.perShard.reduce(
        (s, shard) =>
          s +
          dailyGrowth(
            shard.filter((r) => tableOf(r) === table),
            input.now,
          ).bytes,
        0,
      ),
    }
  })
  // Each dated partition over the cluster (summed over shards), oldest first, of the three biggest tables.
  const biggest = new Set(
    [...tables]
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, 3)
      .map((t) => t.table),
  )
  const byPartition = new Map<string, PartitionSuggestion>()
  for (const r of all.filter((x) => biggest.has(tableOf(x)) && partitionDay(x.partition))) {
    const key = `${tableOf(r)} ${r.partition}`
    const known = byPartition.get(key)
    if (known) known.bytes += Number(r.bytes)
    else
      byPartition.set(key, {
        table: tableOf(r),
        day: partitionDay(r.partition)!,
        bytes: Number(r.bytes),
        statement: S.dropPartition.sql({table: tableOf(r), cluster: input.cluster, partition: r.partition}),
      })
  }
  const oldest = [...byPartition.values()].sort((a, b) => a.day.localeCompare(b.day) || b.bytes - a.bytes).slice(0, 5)
  return {hosts, tables, oldest, growthBasis: basis}
}
