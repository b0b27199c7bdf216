import {defineCheck, fail, pass, type Finding} from '../../src/core/check.js'
import {perHost} from '../../src/core/host-results.js'
import {Q} from '../../src/signoz/queries.js'

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`

/**
 * Every ClickHouse disk has room.
 * Why: a full disk stops inserts (NOT_ENOUGH_SPACE, code 243), then merges and replication
 * fetches; collectors drop data (catalogue #5, #36).
 * Fails if: a disk's free space, minus what ClickHouse keeps free, is below diskFreePercent of
 * its size. Object-storage disks (no size) are not judged. Servers before system.disks (19.15)
 * expose no disk figures: skipped there with the reason.
 */
export default defineCheck({
  id: 'clickhouse/disk-free',
  title: 'Every ClickHouse disk has free space',
  severity: 'critical',
  requires: ['clickhouse'],
  runbook: 'disk-full',
  scenarios: [5, 36],
  async run({clickhouse, thresholds, signal}) {
    const {answered, unreadable} = perHost(await clickhouse.queryEach(Q.diskSpace, undefined, signal), 'disk space')
    const findings: Finding[] = [...unreadable]
    for (const {host, rows} of answered) {
      for (const d of rows.filter((r) => Number(r.total_bytes) > 0)) {
        const free = Math.max(0, Number(d.free_bytes) - Number(d.keep_free_bytes))
        const total = Number(d.total_bytes)
        const percent = Math.round((free / total) * 1000) / 10
        const evidence = {
          disk: d.disk,
          path: d.disk_path || null,
          freeBytes: free,
          totalBytes: total,
          freePercent: percent,
          threshold: thresholds.diskFreePercent,
        }
        const subject = rows.length > 1 ? `${host.name}/${d.disk}` : host.name
        findings.push(
          percent < thresholds.diskFreePercent
            ? fail(subject, `${gib(free)} free of ${gib(total)} (${percent}%, below ${thresholds.diskFreePercent}%)`, evidence)
            : pass(subject, `${gib(free)} free of ${gib(total)} (${percent}%)`, evidence),
        )
      }
    }
    return findings
  },
})
