import {UsageError} from '../core/errors.js'
import type {ClickHouseEndpoint} from './clickhouse.js'
import {HttpClickHouseFleet} from './clickhouse-fleet.js'

/**
 * Turns --clickhouse-url values (repeatable, each possibly a comma list) into endpoints.
 * A malformed URL or one carrying a password is a usage error: the password belongs in
 * SIGNOZ_HA_CLICKHOUSE_PASSWORD, never on a command line.
 */
export function clickhouseEndpoints(urls: readonly string[], user: string, password: string): ClickHouseEndpoint[] {
  const endpoints: ClickHouseEndpoint[] = []
  for (const raw of urls
    .flatMap((u) => u.split(','))
    .map((u) => u.trim())
    .filter(Boolean)) {
    let url: URL
    try {
      url = new URL(raw.includes('://') ? raw : `http://${raw}`)
    } catch {
      throw new UsageError(`invalid ClickHouse URL "${raw.replace(/\/\/[^@/]*@/, '//***@')}"`, 'use http://HOST:8123 (one per host)')
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new UsageError(`unsupported scheme in ClickHouse URL "${url.protocol}"`, 'use http:// or https:// (the HTTP interface, port 8123)')
    if (url.password) throw new UsageError('a ClickHouse URL must not contain a password', 'set SIGNOZ_HA_CLICKHOUSE_PASSWORD instead')
    if (!url.hostname || (url.port && !/^\d+$/.test(url.port))) throw new UsageError(`invalid ClickHouse URL "${raw}"`)
    endpoints.push({url: `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`, user: url.username || user, password})
  }
  const seen = new Set<string>()
  for (const e of endpoints) {
    if (seen.has(e.url)) throw new UsageError(`ClickHouse URL ${e.url} is given twice`)
    seen.add(e.url)
  }
  return endpoints
}

/** probeTables: tables ("database.table") whose presence each host's probe records. */
export async function openClickHouseFleet(
  endpoints: readonly ClickHouseEndpoint[],
  requestTimeoutMs: number,
  signal?: AbortSignal,
  probeTables?: readonly string[],
): Promise<HttpClickHouseFleet> {
  return HttpClickHouseFleet.open(endpoints, {requestTimeoutMs, ...(probeTables ? {probeTables} : {})}, signal)
}
