import {SkipCheck, defineCheck, fail, pass, type Finding} from '../../src/core/check.js'
import {perHost} from '../../src/core/host-results.js'
import {hasColumn} from '../../src/gateways/queries.js'
import {Q} from '../../src/signoz/queries.js'
import {ERROR_FINGERPRINTS} from '../../src/signoz/error-fingerprints.js'

const WINDOW_SECONDS = 900

/**
 * No host raised, in the last 15 minutes, an error that fingerprints a catalogue failure.
 * Why: system.errors remembers what clients saw — read-only tables, too many parts, a missing
 * cluster, Keeper exceptions — even when the cause has moved on; each names its scenario.
 * Fails if: an error with a fingerprint code was last raised on a host within the window
 * (system.errors with last_error_time, 21.x+; older servers are skipped with the reason).
 */
export default defineCheck({
  id: 'clickhouse/errors',
  title: 'Servers raised no fingerprint of a known scenario recently',
  severity: 'warning',
  requires: ['clickhouse'],
  runbook: 'error-fingerprints',
  scenarios: [8, 19, 22, 25],
  async run({clickhouse, signal}) {
    const hosts = clickhouse.reachable()
    if (hosts.length && hosts.every((h) => h.capabilities && !hasColumn(h.capabilities, 'system.errors', 'last_error_time'))) {
      throw new SkipCheck(`ClickHouse ${hosts[0]!.version} does not record when errors happened (system.errors.last_error_time, 21.x+)`)
    }
    const codes = ERROR_FINGERPRINTS.map((f) => f.code)
    const {answered, unreadable} = perHost(await clickhouse.queryEach(Q.recentErrors, {codes, withinSeconds: WINDOW_SECONDS}, signal), 'system.errors')
    const findings: Finding[] = [...unreadable]
    for (const {host, rows} of answered) {
      for (const e of rows) {
        const print = ERROR_FINGERPRINTS.find((f) => f.code === Number(e.error_code))
        findings.push(
          fail(
            `${host.name}/${e.error_name}`,
            `${e.error_name} (${Number(e.error_code)}) ${Number(e.age_seconds)}s ago: ${e.last_message.split('\n')[0]!.slice(0, 200)}`,
            {
              code: Number(e.error_code),
              occurrences: Number(e.occurrences),
              ageSeconds: Number(e.age_seconds),
              scenario: print?.scenario ?? null,
              runbook: print ? `signoz-ha runbook show ${print.runbook}` : null,
            },
          ),
        )
      }
      if (rows.length === 0) findings.push(pass(host.name, `none of ${codes.length} fingerprint errors in the last ${WINDOW_SECONDS / 60} minutes`))
    }
    return findings
  },
})
