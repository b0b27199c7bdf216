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
    // A database that holds tables exists: the list of tables, which every host answers in the run's
    // first statement anyway, settles most hosts; only a host where some database shows no table
    // is asked for its databases.
    const listed = perHost(await clickhouse.queryEach(Q.tables, {databases: SIGNOZ_DATABASES}, signal), 'system.tables')
    const withTables = new Map(listed.answered.map(({host, rows}) => [host.name, new Set(rows.map((r) => r.database))]))
    const unsure = listed.answered.filter(({host}) => SIGNOZ_DATABASES.some((db) => !withTables.get(host.name)!.has(db))).map(({host}) => host)
    const asked = unsure.length ? perHost(await clickhouse.queryHosts(unsure, Q.databases, {names: SIGNOZ_DATABASES}, signal), 'system.databases') : undefined
    const answered = [
      ...listed.answered.filter(({host}) => !unsure.includes(host)).map(({host}) => ({host, names: [...withTables.get(host.name)!]})),
      ...(asked?.answered ?? []).map(({host, rows}) => ({host, names: rows.map((r) => r.name)})),
    ].sort((x, y) => x.host.name.localeCompare(y.host.name))
    const findings: Finding[] = [...listed.unreadable, ...(asked?.unreadable ?? [])]
    for (const {host, names} of answered) {
      const present = new Set(names.sort())
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
