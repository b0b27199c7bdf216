import type {HostProbe, HostResult} from '../gateways/clickhouse-fleet.js'
import {SkipCheck, fail, type Finding} from './check.js'

/** The shard a host answers for, as queryPerShard groups hosts: its shard macro, else the host alone. */
export const shardOf = (host: HostProbe): string => host.macros.shard ?? host.name

/**
 * Splits per-host answers: rows for hosts that answered, a failing finding for each host
 * that could not be read, and a SkipCheck when no host can answer this at all.
 */
export function perHost<Row>(results: HostResult<Row>[], what: string): {answered: {host: HostProbe; rows: Row[]}[]; unreadable: Finding[]} {
  const answered: {host: HostProbe; rows: Row[]}[] = []
  const unreadable: Finding[] = []
  const unsupported: string[] = []
  for (const r of results) {
    if (r.rows) answered.push({host: r.host, rows: r.rows})
    else if (r.error.kind === 'unsupported') unsupported.push(`${r.host.name}: ${r.error.message}`)
    else unreadable.push(fail(r.host.name, `could not read ${what}: ${r.error.message}`, {error: r.error.kind}))
  }
  if (results.length === 0) throw new SkipCheck('no ClickHouse host answered')
  if (answered.length === 0 && unreadable.length === 0) throw new SkipCheck(unsupported[0] ?? 'not supported by these servers')
  if (answered.length === 0) throw new Error(`no host could read ${what}: ${unreadable[0]!.message}`)
  return {answered, unreadable}
}
