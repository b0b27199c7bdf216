import {defineCheck, fail, pass, type Finding} from '../../src/core/check.js'
import {shardOf} from '../../src/core/host-results.js'
import {Q} from '../../src/signoz/queries.js'
import {SIGNAL_TABLES} from '../../src/signoz/schema.js'

/**
 * New traces, logs and metrics keep arriving on every shard.
 * Why: the end-to-end symptom of most failures: collectors pointed at a dead service, read-only
 * replicas, a full disk, a stuck distributed queue (catalogue #3, #4, #5, #8, #15).
 * Fails if: for some shard no replica holds rows newer than freshnessWindowSeconds for a signal,
 * while the shard does hold older rows of it. A shard that never received a signal passes with a
 * note: with few series (metrics) the sharding key may send none to it.
 */
export default defineCheck({
  id: 'signoz/ingestion-fresh',
  title: 'Fresh traces, logs and metrics arrive on every shard',
  severity: 'critical',
  requires: ['clickhouse'],
  runbook: 'ingestion-stopped',
  scenarios: [8, 35],
  async run({clickhouse, thresholds, signal}) {
    const window = thresholds.freshnessWindowSeconds
    const findings: Finding[] = []
    const params = {tables: SIGNAL_TABLES, windowSeconds: window}
    // Replicas of a shard hold the same rows: one replica per shard answers for it when it has
    // fresh rows of every signal. Only a shard whose first answer is not that is asked on every
    // replica, with the tables' totals (the scans cost each server, at every monitor run).
    const first = await clickhouse.queryPerShard(Q.freshness, params, signal)
    const doubtful = new Set(
      first.filter((r) => !r.rows || SIGNAL_TABLES.some((t) => !(Number(r.rows!.find((x) => x.signal === t.signal)?.rows) > 0))).map((r) => shardOf(r.host)),
    )
    // A replica that failed the first time keeps that answer: asking a hung host again doubles the wait.
    const failed = first.filter((r) => !r.rows)
    const again = doubtful.size
      ? await clickhouse.queryHosts(
          clickhouse.reachable().filter((h) => doubtful.has(shardOf(h)) && !failed.some((r) => r.host.name === h.name)),
          Q.freshness,
          {...params, withTotals: true},
          signal,
        )
      : []
    const results = [...first.filter((r) => !doubtful.has(shardOf(r.host)) || !r.rows), ...again]
    for (const t of SIGNAL_TABLES) {
      // A shard is fresh when any of its replicas has fresh rows.
      const shards = new Map<string, {rows: number; total: number; age: number | null; hosts: string[]; errors: string[]}>()
      for (const r of results) {
        const shard = shardOf(r.host)
        const entry = shards.get(shard) ?? {rows: 0, total: 0, age: null, hosts: [], errors: []}
        entry.hosts.push(r.host.name)
        if (r.rows) {
          const row = r.rows.find((x) => x.signal === t.signal)
          entry.rows = Math.max(entry.rows, Number(row?.rows ?? 0))
          entry.total = Math.max(entry.total, Number(row?.total ?? 0))
          if (row?.age !== null && row?.age !== undefined) entry.age = entry.age === null ? Number(row.age) : Math.min(entry.age, Number(row.age))
        } else {
          entry.errors.push(`${r.host.name}: ${r.error.message}`)
        }
        shards.set(shard, entry)
      }
      for (const [shard, e] of [...shards].sort(([a], [b]) => a.localeCompare(b))) {
        const subject = `shard ${shard} ${t.signal}`
        const evidence = {
          table: `${t.database}.${t.table}`,
          rowsInWindow: e.rows,
          rowsInTable: e.total,
          newestAgeSeconds: e.age,
          windowSeconds: window,
          hosts: e.hosts,
          errors: e.errors,
        }
        if (e.rows > 0) findings.push(pass(subject, `${e.rows} rows in the last ${window}s, newest ${e.age}s old`, evidence))
        else if (e.errors.length === 0 && e.total === 0)
          findings.push(pass(subject, `no ${t.signal} ever written to this shard (none routed here by the sharding key)`, evidence))
        else if (e.errors.length === e.hosts.length) findings.push(fail(subject, `could not read ${t.database}.${t.table}: ${e.errors[0]}`, evidence))
        else findings.push(fail(subject, `no new ${t.signal} in the last ${window}s`, evidence))
      }
    }
    return findings
  },
})
