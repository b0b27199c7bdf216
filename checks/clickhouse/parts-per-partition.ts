import {defineCheck, fail, pass, type Finding} from '../../src/core/check.js'
import {perHost} from '../../src/core/host-results.js'
import {Q} from '../../src/signoz/queries.js'

/**
 * Merges keep up: no partition has too many active parts.
 * Why: inserts are delayed and then rejected with TOO_MANY_PARTS (code 252) once a partition
 * crosses parts_to_throw_insert; collectors then drop data (catalogue #7).
 * Fails if: a partition has at least partsPerPartition active parts on a host.
 */
export default defineCheck({
  id: 'clickhouse/parts-per-partition',
  title: 'Merges keep up: no partition has too many parts',
  severity: 'warning',
  requires: ['clickhouse'],
  runbook: 'too-many-parts',
  scenarios: [7],
  async run({clickhouse, thresholds, signal}) {
    const {answered, unreadable} = perHost(await clickhouse.queryEach(Q.partsPerPartition, {limit: 20}, signal), 'system.parts')
    const findings: Finding[] = [...unreadable]
    for (const {host, rows} of answered) {
      const over = rows.filter((r) => Number(r.active_parts) >= thresholds.partsPerPartition)
      for (const r of over) {
        findings.push(
          fail(
            `${host.name}/${r.database}.${r.table}`,
            `partition ${r.partition_id} has ${Number(r.active_parts)} active parts (threshold ${thresholds.partsPerPartition})`,
            {
              partition: r.partition_id,
              activeParts: Number(r.active_parts),
              threshold: thresholds.partsPerPartition,
            },
          ),
        )
      }
      if (over.length === 0) {
        const top = rows[0]
        findings.push(
          pass(host.name, top ? `at most ${Number(top.active_parts)} parts in a partition (${top.database}.${top.table})` : 'no parts', {
            maxParts: top ? Number(top.active_parts) : 0,
          }),
        )
      }
    }
    return findings
  },
})
