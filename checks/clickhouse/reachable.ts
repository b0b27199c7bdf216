import {defineCheck, fail, pass} from '../../src/core/check.js'
import {podTrouble} from '../../src/signoz/deployment.js'

/**
 * Every ClickHouse host answers a query with the given credentials.
 * Why: a host that does not answer drops its shard's capacity (or the whole shard, catalogue #35).
 * Fails if: a host refuses, times out, rejects the credentials, or errors on the probe. A host
 * whose pod is not Running and Ready is reported with what the cluster says of the pod (phase,
 * waiting reason, restarts, last exit), the connection error kept as evidence.
 */
export default defineCheck({
  id: 'clickhouse/reachable',
  title: 'Every ClickHouse host answers',
  severity: 'critical',
  requires: ['hosts'],
  runbook: 'clickhouse-host-down',
  scenarios: [20, 35],
  async run({clickhouse, kube}) {
    const pods = kube?.deployment.active?.pods ?? []
    return clickhouse.hosts.map((h) => {
      // The shard: the server's macro where it answered, else its pod's operator label.
      const pod = pods.find((p) => p.metadata?.name === h.name)
      const shard = h.macros?.shard ?? pod?.metadata?.labels?.['clickhouse.altinity.com/shard'] ?? null
      if (h.reachable) return pass(h.name, `answers (ClickHouse ${h.version})`, {target: h.target, version: h.version ?? null, latencyMs: h.latencyMs, shard})
      const connection = {target: h.target, error: h.error?.kind ?? null, connection: h.error?.message ?? null, latencyMs: h.latencyMs, shard}
      const trouble = pod ? podTrouble(pod) : undefined
      return trouble
        ? fail(h.name, `does not answer: ${trouble.message}`, {...connection, ...trouble.evidence})
        : fail(h.name, `does not answer: ${h.error?.message ?? 'unknown error'}`, connection)
    })
  },
})
