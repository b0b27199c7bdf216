import {defineCheck, fail, pass, type Finding} from '../../src/core/check.js'
import {perHost} from '../../src/core/host-results.js'
import {Q} from '../../src/signoz/queries.js'
import {SIGNOZ_DATABASES} from '../../src/signoz/schema.js'

/**
 * The six SigNoz databases exist on every host.
 * Why: a host without them rejects the distributed inserts routed to it (UNKNOWN_DATABASE); it
 * usually means the migrator never ran or a new shard was added without schema (catalogue #2, #16).
 * Fails if: any of signoz_traces, _metrics, _logs, _metadata, _analytics, _meter is missing on a host.
 */
export default defineCheck({
  id: 'signoz/databases',
  title: 'Every SigNoz database exists on every host',
  severity: 'critical',
  requires: ['clickhouse'],
  runbook: 'schema-missing',
  scenarios: [16],
  async run({clickhouse, signal}) {
    const {answered, unreadable} = perHost(await clickhouse.queryEach(Q.databases, {names: SIGNOZ_DATABASES}, signal), 'system.databases')
    const findings: Finding[] = [...unreadable]
    for (const {host, rows} of answered) {
      const present = new Set(rows.map((r) => r.name))
      const missing = SIGNOZ_DATABASES.filter((db) => !present.has(db))
      findings.push(
        missing.length
          ? fail(host.name, `missing ${missing.join(', ')}`, {missing, present: [...present]})
          : pass(host.name, `all ${SIGNOZ_DATABASES.length} databases present`, {present: [...present]}),
      )
    }
    return findings
  },
})
