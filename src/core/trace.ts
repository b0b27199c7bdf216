/**
 * SIGNOZ_HA_TRACE=1: one line per step of a run on stderr, with the milliseconds since the
 * process started, to see where the time of a run goes (a remote cluster's round trips).
 */
import {appendFileSync} from 'node:fs'

const enabled = Boolean(process.env.SIGNOZ_HA_TRACE)

export function trace(what: string): void {
  if (enabled) process.stderr.write(`trace +${performance.now().toFixed(0)}ms ${what}\n`)
}

/**
 * SIGNOZ_HA_TRACE_SQL=FILE: every read sent to ClickHouse appended to FILE, one JSON line each
 * ({host, sql}): what `npm run bench -- --remote` replays to measure each host's share of a run.
 * Reads carry no secrets (credentials travel in headers).
 */
const sqlFile = process.env.SIGNOZ_HA_TRACE_SQL

export function traceSql(host: string, sql: string): void {
  if (sqlFile) appendFileSync(sqlFile, `${JSON.stringify({host, sql})}\n`)
}
