import {bytesOf} from '../core/quantity.js'

/**
 * Disk sizing for SigNoz on a sharded, replicated ClickHouse: from what arrives per day, how
 * long each signal is kept and how well it compresses, to the disk each replica needs and the
 * days until a given disk is full. Pure arithmetic; the defaults are documented in the storage
 * guide, which is generated from this module.
 */

export const SIGNALS = ['traces', 'logs', 'metrics'] as const
export type Signal = (typeof SIGNALS)[number]

export interface StorageInputs {
  /** Telemetry arriving per day over the whole cluster, uncompressed (as the collectors receive it), GB. */
  ingestGbPerDay: number
  /** Share of the ingest per signal (sums to 1). */
  share: Record<Signal, number>
  /** Days each signal is kept (the TTL SigNoz sets). */
  retentionDays: Record<Signal, number>
  /** Uncompressed ÷ on-disk size (ClickHouse's LZ4/ZSTD on SigNoz's columns). */
  compressionRatio: number
  shards: number
  replicasPerShard: number
  /** Share of each disk kept free for merges, mutations and TTL rewrites (percent). */
  headroomPercent: number
  /** A disk size per replica to measure against (GB), if any. */
  diskGbPerReplica?: number
}

/** SigNoz's own retention defaults (the public SigNoz chart) and conservative sizing defaults. */
export const STORAGE_DEFAULTS = {
  share: {traces: 0.4, logs: 0.4, metrics: 0.2} as Record<Signal, number>,
  retentionDays: {traces: 15, logs: 15, metrics: 30} as Record<Signal, number>,
  compressionRatio: 8,
  headroomPercent: 25,
} as const

export interface SignalPlan {
  signal: Signal
  rawGbPerDay: number
  storedGbPerDay: number
  retentionDays: number
  /** On-disk size once retention is reached (one copy, whole cluster). */
  steadyGb: number
}

export interface StoragePlan {
  inputs: StorageInputs
  signals: SignalPlan[]
  /** One copy of all data at steady state, whole cluster. */
  clusterDataGb: number
  /** What each replica holds: its shard's share (every replica has a full copy of its shard). */
  replicaDataGb: number
  /** The disk each replica needs: its data plus the free headroom, rounded up to a whole 10 GB. */
  replicaDiskGb: number
  /** Disk over every replica. */
  totalDiskGb: number
  /** Growth of one replica per day until retention starts dropping old partitions. */
  replicaGrowthGbPerDay: number
  /** With diskGbPerReplica: the days until the usable part is full (null: steady state fits). */
  daysUntilFull?: number | null
  /** With diskGbPerReplica: the steady state as a share of the usable disk (percent). */
  steadyUsePercent?: number
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits

export function planStorage(inputs: StorageInputs): StoragePlan {
  const signals = SIGNALS.map((signal): SignalPlan => {
    const rawGbPerDay = inputs.ingestGbPerDay * inputs.share[signal]
    const storedGbPerDay = rawGbPerDay / inputs.compressionRatio
    return {
      signal,
      rawGbPerDay: round(rawGbPerDay, 2),
      storedGbPerDay: round(storedGbPerDay, 3),
      retentionDays: inputs.retentionDays[signal],
      steadyGb: round(storedGbPerDay * inputs.retentionDays[signal], 1),
    }
  })
  const clusterDataGb = signals.reduce((sum, s) => sum + (s.rawGbPerDay / inputs.compressionRatio) * s.retentionDays, 0)
  const replicaDataGb = clusterDataGb / inputs.shards
  const usable = 1 - inputs.headroomPercent / 100
  const replicaDiskGb = Math.max(10, Math.ceil(replicaDataGb / usable / 10) * 10)
  const plan: StoragePlan = {
    inputs,
    signals,
    clusterDataGb: round(clusterDataGb),
    replicaDataGb: round(replicaDataGb),
    replicaDiskGb,
    totalDiskGb: replicaDiskGb * inputs.shards * inputs.replicasPerShard,
    replicaGrowthGbPerDay: round(signals.reduce((sum, s) => sum + s.rawGbPerDay / inputs.compressionRatio, 0) / inputs.shards, 3),
  }
  if (inputs.diskGbPerReplica !== undefined) {
    const capacity = inputs.diskGbPerReplica * usable
    plan.steadyUsePercent = round((replicaDataGb / capacity) * 100)
    plan.daysUntilFull = daysUntil(
      signals.map((s) => ({perDay: s.rawGbPerDay / inputs.compressionRatio / inputs.shards, days: s.retentionDays})),
      capacity,
    )
  }
  return plan
}

/**
 * Data on one replica grows by every signal's daily amount until that signal's retention is
 * reached, then stays flat (old partitions are dropped). The day the sum crosses capacity, or
 * null when the steady state stays below it.
 */
function daysUntil(signals: {perDay: number; days: number}[], capacity: number): number | null {
  const steady = signals.reduce((sum, s) => sum + s.perDay * s.days, 0)
  if (steady <= capacity) return null
  let filled = 0
  let day = 0
  // Piecewise linear: between retention boundaries the growth rate is constant.
  for (const boundary of [...new Set(signals.map((s) => s.days))].sort((a, b) => a - b)) {
    const rate = signals.filter((s) => s.days > day).reduce((sum, s) => sum + s.perDay, 0)
    const next = filled + rate * (boundary - day)
    if (next >= capacity) return round(day + (capacity - filled) / rate)
    filled = next
    day = boundary
  }
  return null
}

/** A Kubernetes quantity ("500Gi", "1Ti") in GB (decimal, as the planner reckons); undefined when unreadable. */
export function quantityToGb(quantity: string): number | undefined {
  const bytes = bytesOf(quantity)
  return bytes > 0 ? bytes / 1e9 : undefined
}

/** GB → the smallest whole Gi quantity that holds it. */
export const gbToQuantity = (gb: number): string => `${Math.ceil(gb / (1024 ** 3 / 1e9))}Gi`
