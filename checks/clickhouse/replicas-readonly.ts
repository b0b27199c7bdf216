import {defineCheck, fail, pass, type Finding} from '../../src/core/check.js'
import {perHost} from '../../src/core/host-results.js'
import {Q} from '../../src/signoz/queries.js'

/**
 * Every replicated table accepts writes.
 * Why: a read-only replica rejects inserts (TABLE_IS_READ_ONLY); the collectors retry forever and
 * ingestion stops (catalogue #4). Causes: Keeper session lost, Keeper metadata missing.
 * Fails if: system.replicas.is_readonly or is_session_expired is set for any table.
 */
export default defineCheck({
  id: 'clickhouse/replicas-readonly',
  title: 'All ClickHouse replicas are writable',
  severity: 'critical',
  requires: ['clickhouse'],
  runbook: 'replica-readonly',
  scenarios: [3, 4],
  async run({clickhouse, signal}) {
    const {answered, unreadable} = perHost(await clickhouse.queryEach(Q.replicaStatus, undefined, signal), 'system.replicas')
    const findings: Finding[] = [...unreadable]
    const isBad = (r: {is_readonly: number; is_session_expired: number}) => Number(r.is_readonly) === 1 || Number(r.is_session_expired) === 1
    // The Keeper error costs Keeper round trips: ask only the hosts that have read-only tables.
    const sick = answered.filter(({rows}) => rows.some(isBad)).map(({host}) => host)
    const keeperErrors = new Map<string, string>()
    if (sick.length > 0) {
      for (const r of await clickhouse.queryHosts(sick, Q.replicaKeeperErrors, undefined, signal)) {
        for (const row of r.rows ?? []) keeperErrors.set(`${r.host.name}/${row.database}.${row.table}`, row.zookeeper_exception)
      }
    }
    for (const {host, rows} of answered) {
      const bad = rows.filter(isBad)
      for (const r of bad) {
        findings.push(
          fail(
            `${host.name}/${r.database}.${r.table}`,
            Number(r.is_session_expired) === 1 ? 'Keeper session expired; the replica is read-only' : 'replica is read-only',
            {
              readonly: Number(r.is_readonly) === 1,
              sessionExpired: Number(r.is_session_expired) === 1,
              keeperException: keeperErrors.get(`${host.name}/${r.database}.${r.table}`) || null,
              replicaPath: r.replica_path,
            },
          ),
        )
      }
      if (bad.length === 0) findings.push(pass(host.name, `${rows.length} replicated tables writable`, {tables: rows.length}))
    }
    return findings
  },
})
