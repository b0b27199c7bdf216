import {defineCheck, fail, pass, type Finding} from '../../src/core/check.js'
import {perHost} from '../../src/core/host-results.js'
import {Q} from '../../src/signoz/queries.js'

/**
 * Every replica of every replicated table is active in Keeper.
 * Why: an inactive replica means a shard runs without redundancy; if it stays, it is a dead host or
 * stale metadata left after scale-down (catalogue #29, #35).
 * Fails if: active_replicas < total_replicas for any table (read on one replica per shard).
 */
export default defineCheck({
  id: 'clickhouse/replicas-active',
  title: 'Every replica of every replicated table is active',
  severity: 'warning',
  requires: ['clickhouse'],
  runbook: 'replica-inactive',
  scenarios: [22, 29],
  async run({clickhouse, signal}) {
    // Every replica of a shard sees the same Keeper registrations: one per shard is enough.
    const {answered, unreadable} = perHost(await clickhouse.queryPerShard(Q.replicaCounts, undefined, signal), 'system.replicas')
    const findings: Finding[] = [...unreadable]
    for (const {host, rows} of answered) {
      const short = rows.filter((r) => Number(r.active_replicas) < Number(r.total_replicas))
      if (short.length === 0) {
        findings.push(pass(host.name, `all replicas active on ${rows.length} tables`, {tables: rows.length}))
        continue
      }
      findings.push(
        fail(host.name, `${short.length} tables see fewer active replicas than registered`, {
          tables: short.slice(0, 10).map((r) => ({table: `${r.database}.${r.table}`, active: Number(r.active_replicas), total: Number(r.total_replicas)})),
        }),
      )
    }
    return findings
  },
})
