/**
 * Numbers that decide when a healthy value becomes a finding, each declared once here: its key in
 * the config file, its unit, its default (from the failure catalogue, docs/FAILURE_CATALOGUE.md),
 * the checks that own it and the flag that may override it. The Thresholds type, the defaults, the
 * config file's type and JSON Schema, the resolution and the documented table all derive from it.
 */
interface ThresholdSpec {
  /** The key under `thresholds:` in the config file. */
  readonly config: string
  /** duration: written as 30s/5m/1h, held in seconds; count: a whole number; percent: 0–100. */
  readonly unit: 'duration' | 'count' | 'percent'
  /** In seconds for a duration. */
  readonly default: number
  /** The checks whose verdict it decides (a contract test proves each exists and reads it). */
  readonly checks: readonly string[]
  /** A command-line flag of doctor and status (with its env var) that overrides the file, and its help. */
  readonly flag?: {readonly name: string; readonly summary: string}
  readonly description: string
}

export const THRESHOLD_SPECS = {
  replicaDelaySeconds: {
    config: 'replicaDelay',
    unit: 'duration',
    default: 300,
    checks: ['clickhouse/replication-lag'],
    flag: {name: 'max-replica-delay', summary: 'A replica further behind than this is lagging'},
    description: 'system.replicas.absolute_delay above this is lag (catalogue #24).',
  },
  replicationQueueSize: {
    config: 'replicationQueueSize',
    unit: 'count',
    default: 1000,
    checks: ['clickhouse/replication-lag'],
    description: 'system.replicas.queue_size above this is a stuck queue.',
  },
  replicationQueueTries: {
    config: 'replicationQueueTries',
    unit: 'count',
    default: 10,
    checks: ['clickhouse/replication-lag'],
    description: 'A replication_queue entry retried at least this often, and queued longer than replicationQueueStuck, is failing repeatedly.',
  },
  replicationQueueStuckSeconds: {
    config: 'replicationQueueStuck',
    unit: 'duration',
    default: 600,
    checks: ['clickhouse/replication-lag'],
    description: 'How long such an entry must have been queued (short outages retry and clear by themselves).',
  },
  freshnessWindowSeconds: {
    config: 'freshnessWindow',
    unit: 'duration',
    default: 300,
    checks: ['signoz/ingestion-fresh'],
    flag: {name: 'freshness-window', summary: 'No new rows for this long means ingestion stopped'},
    description: 'No new rows in this window means ingestion stopped.',
  },
  migrationStuckSeconds: {
    config: 'migrationStuck',
    unit: 'duration',
    default: 1800,
    checks: ['signoz/migrations', 'kube/migrator-job'],
    description: 'An in-progress migration older than this is stuck.',
  },
  podPendingSeconds: {
    config: 'podPending',
    unit: 'duration',
    default: 120,
    checks: ['kube/pods-pending'],
    description: 'A pod Pending this long without a scheduler verdict is stuck (an Unschedulable one fails at once).',
  },
  podRestarts: {
    config: 'podRestarts',
    unit: 'count',
    default: 5,
    checks: ['kube/crashloops'],
    description: 'A container restarted this often is unstable even when not in back-off right now.',
  },
  mutationStuckSeconds: {
    config: 'mutationStuck',
    unit: 'duration',
    default: 1800,
    checks: ['clickhouse/mutations-stuck'],
    description: 'A mutation not done after this long is stuck (one that reports a failure is stuck at once).',
  },
  partsPerPartition: {
    config: 'partsPerPartition',
    unit: 'count',
    default: 300,
    checks: ['clickhouse/parts-per-partition'],
    description: 'Active parts in one partition at or above this: merges are not keeping up (old servers throw at 300).',
  },
  diskFreePercent: {
    config: 'diskFreePercent',
    unit: 'percent',
    default: 10,
    checks: ['clickhouse/disk-free'],
    description: 'Free space below this share of a disk.',
  },
  ddlTaskStuckSeconds: {
    config: 'ddlTaskStuck',
    unit: 'duration',
    default: 300,
    checks: ['clickhouse/ddl-queue'],
    description: 'An ON CLUSTER task unfinished on a host after this long is stuck.',
  },
  distributionQueueFiles: {
    config: 'distributionQueueFiles',
    unit: 'count',
    default: 100,
    checks: ['clickhouse/distribution-queue'],
    description: 'Pending files of distributed sends at or above this: a shard is not taking inserts.',
  },
  terminatingStuckSeconds: {
    config: 'terminatingStuck',
    unit: 'duration',
    default: 300,
    checks: ['kube/terminating'],
    description: 'An object marked for deletion longer than this is stuck on a finalizer.',
  },
} as const satisfies Record<string, ThresholdSpec>

export type ThresholdKey = keyof typeof THRESHOLD_SPECS

/** Every threshold resolved to a number (durations in seconds). */
export type Thresholds = {[K in ThresholdKey]: number}

/** The config file's `thresholds:` section: durations as text, the rest as numbers. */
export type ThresholdsConfig = {
  -readonly [K in ThresholdKey as (typeof THRESHOLD_SPECS)[K]['config']]?: (typeof THRESHOLD_SPECS)[K]['unit'] extends 'duration' ? string : number
}

export const THRESHOLD_KEYS = Object.keys(THRESHOLD_SPECS) as ThresholdKey[]

export const DEFAULT_THRESHOLDS: Thresholds = Object.freeze(Object.fromEntries(THRESHOLD_KEYS.map((k) => [k, THRESHOLD_SPECS[k].default])) as Thresholds)

/** A threshold's default as a user writes it: 300 → 5m, 10 → 10%, 1000 → 1000. */
export function formatThreshold(key: ThresholdKey, value: number = THRESHOLD_SPECS[key].default): string {
  const unit = THRESHOLD_SPECS[key].unit
  if (unit === 'percent') return `${value}%`
  if (unit === 'count') return String(value)
  if (value % 3600 === 0) return `${value / 3600}h`
  if (value % 60 === 0) return `${value / 60}m`
  return `${value}s`
}
