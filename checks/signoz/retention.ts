import {SkipCheck, defineCheck, fail, pass, type Finding} from '../../src/core/check.js'
import {perHost} from '../../src/core/host-results.js'
import {Q} from '../../src/signoz/queries.js'
import {SIGNAL_TABLES, SIGNOZ_DATABASES, ttlClause} from '../../src/signoz/schema.js'

/**
 * Every SigNoz signal table has a retention (TTL) on every shard.
 * Why: a table without TTL keeps data forever until the disk fills; a TTL lost on one shard
 * after a migration or a rebuilt host does the same there (catalogue #6).
 * Fails if: a traces, logs or metrics table has no TTL clause on a host. Servers before TTL
 * (19.6) are skipped with the reason.
 */
export default defineCheck({
  id: 'signoz/retention',
  title: 'Traces, logs and metrics have a retention (TTL) on every host',
  severity: 'warning',
  requires: ['clickhouse'],
  runbook: 'retention',
  scenarios: [6],
  async run({clickhouse, signal}) {
    const hosts = clickhouse.reachable()
    if (hosts.length && hosts.every((h) => h.capabilities && (h.capabilities.major < 19 || (h.capabilities.major === 19 && h.capabilities.minor < 6)))) {
      throw new SkipCheck(`ClickHouse ${hosts[0]!.version} has no table TTL (19.6+): data is kept until deleted by hand`)
    }
    const {answered, unreadable} = perHost(await clickhouse.queryEach(Q.tables, {databases: SIGNOZ_DATABASES}, signal), 'table definitions')
    const findings: Finding[] = [...unreadable]
    for (const {host, rows} of answered) {
      const byTable = new Map(rows.map((r) => [`${r.database}.${r.name}`, ttlClause(r.engine_full)]))
      const missing = SIGNAL_TABLES.filter((t) => byTable.has(`${t.database}.${t.table}`) && !byTable.get(`${t.database}.${t.table}`))
      for (const t of missing)
        findings.push(fail(`${host.name}/${t.database}.${t.table}`, `no TTL: ${t.signal} are kept until the disk fills`, {signal: t.signal}))
      if (missing.length === 0)
        findings.push(pass(host.name, SIGNAL_TABLES.map((t) => `${t.signal}: ${byTable.get(`${t.database}.${t.table}`) || 'table absent'}`).join('; ')))
    }
    return findings
  },
})
