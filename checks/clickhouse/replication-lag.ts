import {defineCheck, fail, pass, type Finding} from '../../src/core/check.js'
import {perHost} from '../../src/core/host-results.js'
import {Q} from '../../src/signoz/queries.js'

/**
 * Replicas keep up: delay and queue stay small and no queue entry fails over and over.
 * Why: a lagging replica serves stale or missing data through the distributed tables and may be
 * one fetch away from a full disk (catalogue #24).
 * Fails if: absolute_delay > replicaDelaySeconds, queue_size > replicationQueueSize, or a
 * replication_queue entry has num_tries ≥ replicationQueueTries with an exception and is older
 * than replicationQueueStuckSeconds.
 */
export default defineCheck({
  id: 'clickhouse/replication-lag',
  title: 'Replication keeps up on every replica',
  severity: 'warning',
  requires: ['clickhouse'],
  runbook: 'replication-queue-stuck',
  scenarios: [22, 24],
  async run({clickhouse, thresholds, signal, now}) {
    const [status, queue] = await Promise.all([
      clickhouse.queryEach(Q.replicaStatus, undefined, signal),
      clickhouse.queryEach(Q.failingQueueEntries, {minTries: thresholds.replicationQueueTries, minAgeSeconds: thresholds.replicationQueueStuckSeconds}, signal),
    ])
    const {answered, unreadable} = perHost(status, 'system.replicas')
    const failing = new Map(queue.map((r) => [r.host.name, r.rows ?? []]))
    const findings: Finding[] = [...unreadable]
    // A replica whose queue is not loaded yet (seconds after a restart) reports its delay since
    // 1970 on old servers: that is no lag, and it clears by itself.
    const loadedSince = now / 1000 - 20 * 365 * 86400
    const delayOf = (r: {absolute_delay: number}) => (Number(r.absolute_delay) > loadedSince ? 0 : Number(r.absolute_delay))
    for (const {host, rows} of answered) {
      const lagging = rows.filter((r) => delayOf(r) > thresholds.replicaDelaySeconds || Number(r.queue_size) > thresholds.replicationQueueSize)
      const stuck = failing.get(host.name) ?? []
      const maxDelay = Math.max(0, ...rows.map(delayOf))
      const maxQueue = Math.max(0, ...rows.map((r) => Number(r.queue_size)))
      const evidence = {
        maxDelaySeconds: maxDelay,
        maxQueueSize: maxQueue,
        delayThreshold: thresholds.replicaDelaySeconds,
        queueThreshold: thresholds.replicationQueueSize,
      }
      for (const r of lagging) {
        findings.push(
          fail(`${host.name}/${r.database}.${r.table}`, `replica lags ${delayOf(r)}s with ${Number(r.queue_size)} queued entries`, {
            delaySeconds: delayOf(r),
            queueSize: Number(r.queue_size),
            insertsInQueue: Number(r.inserts_in_queue),
          }),
        )
      }
      for (const e of stuck) {
        findings.push(
          fail(`${host.name}/${e.database}.${e.table}`, `${e.type} retried ${Number(e.num_tries)} times`, {
            type: e.type,
            tries: Number(e.num_tries),
            since: e.queued_at,
            lastException: e.last_exception.split('\n')[0]!.slice(0, 300),
          }),
        )
      }
      if (lagging.length === 0 && stuck.length === 0) findings.push(pass(host.name, `max delay ${maxDelay}s, max queue ${maxQueue}`, evidence))
    }
    return findings
  },
})
