import {defineCheck, fail, pass, type Finding} from '../../src/core/check.js'
import {perHost} from '../../src/core/host-results.js'
import {hasColumn} from '../../src/gateways/queries.js'
import {Q} from '../../src/signoz/queries.js'

/** A part mutation that failed twice is failing, not unlucky. */
const FAILING_PART_TRIES = 2

/**
 * No mutation (ALTER … UPDATE/DELETE, column changes) is stuck.
 * Why: a mutation that keeps failing blocks later ALTERs on the table, so SigNoz migrations
 * hang or fail (catalogue #21, #25).
 * Fails if: a mutation reports a failure (system.mutations on 19.x+; on older servers its part
 * mutations failing in the replication queue), or is not done after mutationStuckSeconds.
 */
export default defineCheck({
  id: 'clickhouse/mutations-stuck',
  title: 'No mutation is stuck',
  severity: 'warning',
  requires: ['clickhouse'],
  runbook: 'mutation-stuck',
  scenarios: [21],
  async run({clickhouse, thresholds, signal}) {
    const {answered, unreadable} = perHost(await clickhouse.queryEach(Q.unfinishedMutations, undefined, signal), 'system.mutations')
    const findings: Finding[] = [...unreadable]
    // Servers that record no failure on the mutation itself: its failing part mutations tell, asked only where a mutation is unfinished.
    const legacy = answered.filter(
      ({host, rows}) => rows.length > 0 && host.capabilities && !hasColumn(host.capabilities, 'system.mutations', 'latest_fail_reason'),
    )
    const queueFailures = new Map<string, string>()
    if (legacy.length) {
      for (const r of await clickhouse.queryHosts(
        legacy.map((a) => a.host),
        Q.failingPartMutations,
        {minTries: FAILING_PART_TRIES},
        signal,
      )) {
        for (const row of r.rows ?? [])
          queueFailures.set(
            `${r.host.name}/${row.database}.${row.table}`,
            `${row.entries} part mutation(s) failing in the replication queue (${row.tries} tries): ${row.last_failure}`,
          )
      }
    }
    for (const {host, rows} of answered) {
      const reasonOf = (m: (typeof rows)[number]) => m.fail_reason || queueFailures.get(`${host.name}/${m.database}.${m.table}`) || ''
      const stuck = rows.filter((m) => reasonOf(m) !== '' || Number(m.age_seconds) > thresholds.mutationStuckSeconds)
      for (const m of stuck) {
        const reason = reasonOf(m).split('\n')[0]!
        findings.push(
          fail(
            `${host.name}/${m.database}.${m.table}`,
            `mutation ${m.mutation_id} not done after ${Number(m.age_seconds)}s${reason ? `: ${reason.slice(0, 200)}` : ''}`,
            {
              mutation: m.mutation_id,
              command: m.command.slice(0, 300),
              ageSeconds: Number(m.age_seconds),
              partsLeft: Number(m.parts_left),
              failReason: reason.slice(0, 300) || null,
              kill: `KILL MUTATION WHERE database = '${m.database}' AND table = '${m.table}' AND mutation_id = '${m.mutation_id}'`,
            },
          ),
        )
      }
      if (stuck.length === 0)
        findings.push(
          pass(host.name, rows.length ? `${rows.length} mutation(s) in progress, none stuck` : 'no mutation in progress', {inProgress: rows.length}),
        )
    }
    return findings
  },
})
