import {defineCheck, fail, pass, type Finding} from '../../src/core/check.js'
import {perHost} from '../../src/core/host-results.js'
import {Q} from '../../src/signoz/queries.js'
import {DISTRIBUTED_PREFIX, SIGNOZ_DATABASES} from '../../src/signoz/schema.js'

/** Distributed('cluster', 'db', 'table', key) → its first three arguments. */
export function distributedTarget(engineFull: string): {cluster: string; database: string; table: string} | undefined {
  const m = /^Distributed\(\s*'?([^',)]+)'?\s*,\s*'?([^',)]+)'?\s*,\s*'?([^',)]+)'?/.exec(engineFull.trim())
  return m ? {cluster: m[1]!, database: m[2]!, table: m[3]!} : undefined
}

/**
 * Every SigNoz local table has its distributed_ twin, and each twin points at the right cluster and table.
 * Why: SigNoz reads and writes only through distributed_*; a missing twin or one bound to another
 * cluster loses inserts or queries one shard only (catalogue #16, #19).
 * Fails if: a local MergeTree table lacks distributed_<table>, or a distributed_ table names a
 * cluster other than the expected one or a local table that does not exist.
 */
export default defineCheck({
  id: 'signoz/distributed-tables',
  title: 'Every SigNoz table has a distributed table on the right cluster',
  severity: 'critical',
  requires: ['clickhouse'],
  runbook: 'schema-missing',
  scenarios: [16, 19],
  async run({clickhouse, expect, signal}) {
    const {answered, unreadable} = perHost(await clickhouse.queryEach(Q.tables, {databases: SIGNOZ_DATABASES}, signal), 'system.tables')
    const findings: Finding[] = [...unreadable]
    for (const {host, rows} of answered) {
      const names = new Set(rows.map((r) => `${r.database}.${r.name}`))
      const problems: string[] = []
      for (const r of rows) {
        if (r.engine.endsWith('MergeTree') && !r.name.startsWith('.inner') && !names.has(`${r.database}.${DISTRIBUTED_PREFIX}${r.name}`)) {
          problems.push(`${r.database}.${r.name} has no ${DISTRIBUTED_PREFIX}${r.name}`)
        }
        if (r.engine === 'Distributed') {
          const target = distributedTarget(r.engine_full)
          if (!target) continue
          if (target.cluster !== expect.cluster) problems.push(`${r.database}.${r.name} points at cluster "${target.cluster}", expected "${expect.cluster}"`)
          if (!names.has(`${target.database}.${target.table}`)) problems.push(`${r.database}.${r.name} points at missing ${target.database}.${target.table}`)
        }
      }
      const distributed = rows.filter((r) => r.engine === 'Distributed').length
      findings.push(
        problems.length
          ? fail(host.name, problems.length === 1 ? problems[0]! : `${problems.length} distributed-table problems`, {
              problems: problems.slice(0, 20),
              cluster: expect.cluster,
            })
          : pass(host.name, `${distributed} distributed tables on cluster ${expect.cluster}`, {distributed, cluster: expect.cluster}),
      )
    }
    return findings
  },
})
