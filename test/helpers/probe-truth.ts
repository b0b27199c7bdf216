import {expect} from 'vitest'
import type {HttpClickHouseFleet} from '../../src/gateways/clickhouse-fleet.js'
import {defineQuery} from '../../src/gateways/queries.js'
import {Q} from '../../src/signoz/queries.js'
import {BOOKKEEPING_TABLES, SIGNOZ_DATABASES} from '../../src/signoz/schema.js'

const maxThreads = defineQuery<{value: string}>({
  name: 'max-threads',
  needs: [],
  sql: () => "SELECT value FROM system.settings WHERE name = 'max_threads'",
})

/**
 * What a fleet opened with probeTables: BOOKKEEPING_TABLES must show on a live server: each host's
 * probe records the bookkeeping tables the host's own list of tables holds (not empty: the lab's
 * migrations ran), and every read it sends runs with max_threads = 1.
 */
export async function expectProbedTablesAndOneThread(fleet: HttpClickHouseFleet): Promise<void> {
  const listed = await fleet.queryEach(Q.tables, {databases: SIGNOZ_DATABASES})
  for (const r of listed) {
    const truth = (r.rows ?? []).map((t) => `${t.database}.${t.name}`).filter((t) => BOOKKEEPING_TABLES.includes(t))
    expect(truth.length, r.host.name).toBeGreaterThan(0)
    expect([...(r.host.capabilities?.tables ?? [])].sort(), r.host.name).toEqual(truth.sort())
  }
  const threads = await fleet.queryEach(maxThreads, undefined)
  expect(threads.map((r) => r.rows?.[0]?.value)).toEqual(threads.map(() => '1'))
}
