import {SkipCheck, defineCheck, fail, pass, type Finding} from '../../src/core/check.js'
import {perHost} from '../../src/core/host-results.js'
import {hasTable} from '../../src/gateways/queries.js'
import {Q} from '../../src/signoz/queries.js'

/**
 * Inserts through distributed tables reach every shard.
 * Why: with a shard down or refusing inserts, the sending host queues files on its disk; rows
 * are missing from queries until they are sent, and the queue can fill the disk (catalogue #15,
 * #35).
 * Fails if: a distributed table's queue holds files it failed to send or is blocked (20.x+), or holds at least
 * distributionQueueFiles files (older servers: the host's DistributedFilesToInsert metric;
 * servers exposing neither, such as 18.x, are skipped with the reason).
 */
export default defineCheck({
  id: 'clickhouse/distribution-queue',
  title: 'Distributed inserts reach every shard',
  severity: 'warning',
  requires: ['clickhouse'],
  runbook: 'distribution-queue',
  scenarios: [15, 35],
  async run({clickhouse, thresholds, signal}) {
    const {answered, unreadable} = perHost(await clickhouse.queryEach(Q.distributionQueue, undefined, signal), 'the distributed send queue')
    const findings: Finding[] = [...unreadable]
    // Without the table, the metric's row says the server counts pending files at all.
    const blind = answered.filter(({host, rows}) => !hasTable(host.capabilities!, 'system.distribution_queue') && rows.length === 0)
    if (blind.length === answered.length && unreadable.length === 0) {
      throw new SkipCheck(
        `ClickHouse ${answered[0]!.host.version} exposes no distributed send queue (system.distribution_queue, or the DistributedFilesToInsert metric)`,
      )
    }
    for (const {host, rows} of answered) {
      if (blind.some((b) => b.host === host)) continue
      // error_count only grows; the server clears last_exception once a send succeeds. Where it
      // tells (error_age known), a queue is failing while its last error stands; elsewhere while files wait.
      const failingNow = (r: (typeof rows)[number]) => Number(r.error_count) > 0 && (r.error_age === null ? Number(r.data_files) > 0 : r.last_error !== '')
      const bad = rows.filter((r) => failingNow(r) || Number(r.blocked) > 0 || Number(r.data_files) >= thresholds.distributionQueueFiles)
      for (const r of bad) {
        const subject = r.table ? `${host.name}/${r.database}.${r.table}` : host.name
        findings.push(
          fail(
            subject,
            `${Number(r.data_files)} file(s) waiting to be sent${Number(r.error_count) ? `, ${Number(r.error_count)} send error(s)` : ''}${Number(r.blocked) ? ', blocked' : ''}${r.last_error ? `: ${r.last_error.split('\n')[0]!.slice(0, 200)}` : ''}`,
            {
              files: Number(r.data_files),
              errors: Number(r.error_count),
              blocked: Number(r.blocked) > 0,
              threshold: thresholds.distributionQueueFiles,
            },
          ),
        )
      }
      if (bad.length === 0)
        findings.push(
          pass(
            host.name,
            rows.length
              ? `${rows.reduce((n, r) => n + Number(r.data_files), 0)} file(s) in flight, below ${thresholds.distributionQueueFiles}`
              : 'nothing queued',
            {files: rows.reduce((n, r) => n + Number(r.data_files), 0)},
          ),
        )
    }
    return findings
  },
})
