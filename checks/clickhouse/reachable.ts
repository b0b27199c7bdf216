import {defineCheck, fail, pass} from '../../src/core/check.js'

/**
 * Every ClickHouse host answers a query with the given credentials.
 * Why: a host that does not answer drops its shard's capacity (or the whole shard, catalogue #35).
 * Fails if: a host refuses, times out, rejects the credentials, or errors on the probe.
 */
export default defineCheck({
  id: 'clickhouse/reachable',
  title: 'Every ClickHouse host answers',
  severity: 'critical',
  requires: [],
  runbook: 'clickhouse-host-down',
  async run({clickhouse}) {
    return clickhouse.hosts.map((h) =>
      h.reachable
        ? pass(h.name, `answers (ClickHouse ${h.version})`, {target: h.target, version: h.version ?? null, latencyMs: h.latencyMs})
        : fail(h.name, `does not answer: ${h.error?.message ?? 'unknown error'}`, {target: h.target, error: h.error?.kind ?? null, latencyMs: h.latencyMs}),
    )
  },
})
