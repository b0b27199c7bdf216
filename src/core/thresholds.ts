/**
 * Numbers that decide when a healthy value becomes a finding. Defaults come from the
 * failure catalogue (docs/FAILURE_CATALOGUE.md); a config file or flag may override them.
 */
export interface Thresholds {
  /** system.replicas.absolute_delay above this is lag (catalogue #24 uses 300 s). */
  replicaDelaySeconds: number
  /** system.replicas.queue_size above this is a stuck queue. */
  replicationQueueSize: number
  /** A replication_queue entry retried this often... */
  replicationQueueTries: number
  /** ...and queued this long is failing repeatedly (short outages retry and clear by themselves). */
  replicationQueueStuckSeconds: number
  /** No new rows in this window means ingestion stopped. */
  freshnessWindowSeconds: number
  /** An in-progress migration older than this is stuck. */
  migrationStuckSeconds: number
  /** A pod Pending this long without a scheduler verdict is stuck (an Unschedulable one fails at once). */
  podPendingSeconds: number
  /** A container restarted this often is unstable even when not in back-off right now. */
  podRestarts: number
  /** A mutation not done after this long is stuck (one that reports a failure is stuck at once). */
  mutationStuckSeconds: number
  /** Active parts in one partition at or above this: merges are not keeping up (old servers throw at 300). */
  partsPerPartition: number
  /** Free space below this share of a disk (percent). */
  diskFreePercent: number
  /** An ON CLUSTER task unfinished on a host after this long is stuck. */
  ddlTaskStuckSeconds: number
  /** Pending files of distributed sends at or above this: a shard is not taking inserts. */
  distributionQueueFiles: number
  /** An object marked for deletion longer than this is stuck on a finalizer. */
  terminatingStuckSeconds: number
}

export const DEFAULT_THRESHOLDS: Thresholds = Object.freeze({
  replicaDelaySeconds: 300,
  replicationQueueSize: 1000,
  replicationQueueTries: 10,
  replicationQueueStuckSeconds: 600,
  freshnessWindowSeconds: 300,
  migrationStuckSeconds: 1800,
  podPendingSeconds: 120,
  podRestarts: 5,
  mutationStuckSeconds: 1800,
  partsPerPartition: 300,
  diskFreePercent: 10,
  ddlTaskStuckSeconds: 300,
  distributionQueueFiles: 100,
  terminatingStuckSeconds: 300,
})
