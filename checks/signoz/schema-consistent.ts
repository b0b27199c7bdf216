import {defineCheck, fail, pass, type Finding} from '../../src/core/check.js'
import {perHost} from '../../src/core/host-results.js'
import {Q} from '../../src/signoz/queries.js'
import {SIGNOZ_DATABASES} from '../../src/signoz/schema.js'

type Signature = {columns: number; signature: string}

/** The definition most hosts agree on; ties go to the one with more columns (the newer migration). */
function consensus(variants: Map<string, {sig: Signature; hosts: string[]}>): Signature {
  return [...variants.values()].sort((a, b) => b.hosts.length - a.hosts.length || b.sig.columns - a.sig.columns)[0]!.sig
}

/**
 * Every host has the same SigNoz tables with the same columns.
 * Why: a shard added after the migrations ran has no tables, so distributed inserts to it fail
 * and queries miss its rows (catalogue #16); a migration that reached only some replicas leaves
 * definitions that differ, and replication then fails with 517/47 (catalogue #25).
 * Fails if: a host lacks a table that other hosts have, or its columns differ from the definition
 * most hosts share.
 */
export default defineCheck({
  id: 'signoz/schema-consistent',
  title: 'Every host has the same SigNoz tables and columns',
  severity: 'critical',
  requires: ['clickhouse'],
  runbook: 'schema-drift',
  scenarios: [16, 25],
  async run({clickhouse, signal}) {
    const {answered, unreadable} = perHost(await clickhouse.queryEach(Q.tableSignatures, {databases: SIGNOZ_DATABASES}, signal), 'system.columns')
    const findings: Finding[] = [...unreadable]
    // table → signature → hosts having it
    const tables = new Map<string, Map<string, {sig: Signature; hosts: string[]}>>()
    for (const {host, rows} of answered) {
      for (const r of rows) {
        const key = `${r.database}.${r.table}`
        const variants = tables.get(key) ?? new Map<string, {sig: Signature; hosts: string[]}>()
        const sig = {columns: Number(r.columns), signature: r.signature}
        const entry = variants.get(sig.signature) ?? {sig, hosts: []}
        entry.hosts.push(host.name)
        variants.set(sig.signature, entry)
        tables.set(key, variants)
      }
    }
    const perHostDrift = answered.map(({host, rows}) => {
      const mine = new Map(rows.map((r) => [`${r.database}.${r.table}`, r]))
      const missing = [...tables.keys()].filter((t) => !mine.has(t)).sort()
      const differing = [...tables]
        .filter(([table, variants]) => variants.size > 1 && mine.has(table) && mine.get(table)!.signature !== consensus(variants).signature)
        .map(([table]) => table)
        .sort()
      return {host, count: mine.size, missing, differing}
    })
    // Name the columns that differ for a few drifted tables (a follow-up query on those only).
    const columnDiffs = new Map<string, Record<string, {comparedWith: string; missing: string[]; extra: string[]}>>()
    for (const d of perHostDrift.flatMap(({host, differing}) => differing.map((table) => ({host, table}))).slice(0, 5)) {
      const expected = consensus(tables.get(d.table)!)
      const reference = answered.find((a) => a.rows.some((r) => `${r.database}.${r.table}` === d.table && r.signature === expected.signature))?.host
      if (!reference) continue
      const dot = d.table.indexOf('.')
      const params = {database: d.table.slice(0, dot), table: d.table.slice(dot + 1)}
      const [mineCols, refCols] = await Promise.all([
        clickhouse.queryHosts([d.host], Q.tableColumns, params, signal),
        clickhouse.queryHosts([reference], Q.tableColumns, params, signal),
      ])
      const have = new Set((mineCols[0]?.rows ?? []).map((c) => `${c.name} ${c.type}`))
      const want = new Set((refCols[0]?.rows ?? []).map((c) => `${c.name} ${c.type}`))
      const diffs = columnDiffs.get(d.host.name) ?? {}
      diffs[d.table] = {comparedWith: reference.name, missing: [...want].filter((c) => !have.has(c)), extra: [...have].filter((c) => !want.has(c))}
      columnDiffs.set(d.host.name, diffs)
    }
    for (const {host, count, missing, differing} of perHostDrift) {
      const shard = host.macros.shard ? ` (shard ${host.macros.shard})` : ''
      if (missing.length > 0) {
        findings.push(
          fail(host.name, `lacks ${missing.length} of ${tables.size} SigNoz tables the other hosts have${shard}`, {
            missing: missing.slice(0, 20),
            missingCount: missing.length,
          }),
        )
      }
      if (differing.length > 0) {
        findings.push(
          fail(
            host.name,
            `${differing.length === 1 ? '1 SigNoz table differs' : `${differing.length} SigNoz tables differ`} from the definition the other hosts share${shard}`,
            {differing: differing.slice(0, 20), columns: columnDiffs.get(host.name) ?? {}},
          ),
        )
      }
      if (missing.length === 0 && differing.length === 0)
        findings.push(pass(host.name, `${count} SigNoz tables, all matching the other hosts`, {tables: count}))
    }
    return findings
  },
})
