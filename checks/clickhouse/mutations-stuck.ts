import {defineCheck, fail, pass, type Finding} from '../../src/core/check.js'
import {perHost} from '../../src/core/host-results.js'
import {Q} from '../../src/gateways/queries.js'

/**
 * No mutation (ALTER … UPDATE/DELETE, column changes) is stuck.
 * Why: a mutation that keeps failing blocks later ALTERs on the table, so SigNoz migrations
 * hang or fail (catalogue #21, #25).
 * Fails if: a mutation reports a failure (19.x+), or is not done after mutationStuckSeconds.
 */
export default defineCheck({
  id: 'clickhouse/mutations-stuck',
  title: 'No mutation is stuck',
  severity: 'warning',
  requires: ['clickhouse'],
  runbook: 'mutation-stuck',
  async run({clickhouse, thresholds, signal}) {
    const {answered, unreadable} = perHost(await clickhouse.queryEach(Q.unfinishedMutations, undefined, signal), 'system.mutations')
    const findings: Finding[] = [...unreadable]
    for (const {host, rows} of answered) {
      const stuck = rows.filter((m) => m.fail_reason !== '' || Number(m.age_seconds) > thresholds.mutationStuckSeconds)
      for (const m of stuck) {
        findings.push(
          fail(`${host.name}/${m.database}.${m.table}`, `mutation ${m.mutation_id} not done after ${Number(m.age_seconds)}s${m.fail_reason ? `: ${m.fail_reason.split('\n')[0]!.slice(0, 200)}` : ''}`, {
            mutation: m.mutation_id,
            command: m.command.slice(0, 300),
            ageSeconds: Number(m.age_seconds),
            partsLeft: Number(m.parts_left),
            failReason: m.fail_reason.split('\n')[0]!.slice(0, 300) || null,
            kill: `KILL MUTATION WHERE database = '${m.database}' AND table = '${m.table}' AND mutation_id = '${m.mutation_id}'`,
          }),
        )
      }
      if (stuck.length === 0) findings.push(pass(host.name, rows.length ? `${rows.length} mutation(s) in progress, none stuck` : 'no mutation in progress', {inProgress: rows.length}))
    }
    return findings
  },
})
