import {EXIT} from '../core/exit-codes.js'
import {IncompleteError, UsageError} from '../core/errors.js'
import {DUPLICATE_VERIFY_CHECKS, assessDuplicate, duplicatePlan} from '../remediation/duplicate-clickhouse.js'
import {rebuildPlan} from './remediation-plans.js'
import {withRemedySession, type RemedyFlags} from './remedy-context.js'
import {Journal} from '../remediation/journal.js'
import {executePlan, undoJournal, type GuardFlags, type RemediationIo} from './remediation-run.js'

export interface FixFlags extends RemedyFlags, GuardFlags {
  'delete-claims': boolean
  undo?: string
}

/** `fix duplicate-clickhouse`: assess, plan, confirm, apply step by step, verify with doctor. */
export async function fixDuplicateCommand(flags: FixFlags, io: RemediationIo): Promise<number> {
  // An unknown journal is a usage error before the cluster is read.
  if (flags.undo) Journal.open(flags.undo)
  return withRemedySession(flags, async (ctx, target) => {
    const lease = {command: 'fix duplicate-clickhouse', takeOver: flags['take-over-lease'] ?? false}
    if (flags.undo)
      return await undoJournal(flags.undo, (id, params) => (id === 'duplicate-clickhouse' ? rebuildPlan(id, params) : undefined), ctx, flags, io, lease)
    const d = target.context.deployment
    if (d.installations.length < 2) {
      const only = d.installations[0]?.name
      io.print(
        io.json
          ? JSON.stringify({status: 'no-op', installations: d.installations.map((i) => i.name)})
          : `${only ? `one ClickHouse installation (${only})` : 'no ClickHouse installation'} in ${d.namespace}: nothing to fix`,
      )
      return EXIT.ok
    }
    if (!d.release) throw new UsageError(`no SigNoz Helm release in ${d.namespace} to pin the installation name in`, 'give --release NAME')
    const assessment = await assessDuplicate(d, {rowsIn: ctx.rowsIn, chart: ctx.chart, chartVersion: ctx.chartVersion, deleteClaims: flags['delete-claims']})
    if (!assessment.ok) throw new IncompleteError(assessment.reason)
    const {params} = assessment
    return await executePlan({
      plan: duplicatePlan(params),
      ctx,
      reasons: assessment.reasons,
      flags,
      io,
      verify: {checks: DUPLICATE_VERIFY_CHECKS, doctor: ctx.doctor, waitMs: ctx.waitMs},
      undoCommand: (id) => `signoz-ha fix duplicate-clickhouse --undo ${id}`,
      fixedMessage: `fixed: one installation (${params.active}), ingestion flowing, doctor clean`,
      json: {active: params.active, removed: params.duplicates.map((x) => x.name)},
      lease,
    })
  })
}
