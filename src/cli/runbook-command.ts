import {findRunbook} from '../../runbooks/index.js'
import {EXIT} from '../core/exit-codes.js'
import {IncompleteError} from '../core/errors.js'
import type {Report} from '../core/report.js'
import {runbookPlan, runbookPlanId, runbookTargets, unfinishedRun} from '../remediation/runbook-plan.js'
import {foundObjects, manualSteps} from '../render/runbook.js'
import {rebuildPlan} from './remediation-plans.js'
import {withRemedySession, type RemedyFlags} from './remedy-context.js'
import {Journal} from '../remediation/journal.js'
import {executePlan, undoJournal, type GuardFlags, type RemediationIo} from './remediation-run.js'

export interface RunbookRunFlags extends RemedyFlags, GuardFlags {
  undo?: string
}

/** What was found, one line per failing finding (at most a few per check), for the plan's "why". */

function diagnosisLines(report: Report): string[] {
  return report.results
    .filter((r) => r.status === 'fail' || r.status === 'error')
    .flatMap((r) =>
      r.status === 'error'
        ? [`${r.id}: could not run (${r.reason})`]
        : r.findings
            .filter((f) => !f.ok)
            .slice(0, 4)
            .map((f) => `${r.id}: ${f.subject}: ${f.message.split('\n')[0]!.trim()}`),
    )
}

/**
 * `runbook run ID`: diagnose with the runbook's checks, plan its automated steps from what they
 * found, confirm, apply through the remediation engine (journal, resume, undo), and verify with
 * the same checks. Exit 0 fixed or nothing to do; 1 only manual steps apply; 3 failed or not
 * verified; 4 not confirmed; 2 usage.
 */
export async function runbookRunCommand(id: string, flags: RunbookRunFlags, io: RemediationIo): Promise<number> {
  const runbook = findRunbook(id)
  // An unknown journal is a usage error before the cluster is read.
  if (flags.undo) Journal.open(flags.undo)
  return withRemedySession(flags, async (ctx) => {
    const lease = {command: `runbook run ${runbook.id}`, takeOver: flags['take-over-lease'] ?? false}
    if (flags.undo)
      return await undoJournal(
        flags.undo,
        (planId, params) => (planId === runbookPlanId(runbook.id) ? rebuildPlan(planId, params) : undefined),
        ctx,
        flags,
        io,
        lease,
      )
    io.progress(`diagnose: ${runbook.checks.join(', ')}`)
    const diagnosis = await ctx.doctor(runbook.checks)
    const found = diagnosisLines(diagnosis)
    // A skipped check said nothing: not "nothing to do", and no ground to start a procedure on.
    const skipped = diagnosis.results.filter((r) => r.status === 'skip')
    if (found.length === 0 && skipped.length > 0) {
      throw new IncompleteError(
        `cannot tell whether ${runbook.id} applies: ${skipped.map((r) => `${r.id} was skipped (${r.reason ?? 'no reason given'})`).join('; ')}`,
        `signoz-ha doctor --only ${skipped.map((r) => r.id).join(' --only ')} --verbose shows why`,
      )
    }
    if (runbook.kind === 'procedure') {
      if (found.length)
        throw new IncompleteError(
          `${runbook.id} needs a healthy cluster to start: ${found[0]}`,
          `signoz-ha doctor --only ${runbook.checks.join(' --only ')} shows all of it`,
        )
    } else if (found.length === 0) {
      io.print(io.json ? JSON.stringify({status: 'no-op', runbook: runbook.id, checks: runbook.checks}) : `nothing to do: ${runbook.checks.join(', ')} pass`)
      return EXIT.ok
    }
    const resumed = runbook.kind === 'procedure' ? unfinishedRun(runbookPlanId(runbook.id)) : undefined
    if (resumed) io.progress(`continuing the unfinished run ${resumed.journal}`)
    const plan = runbookPlan(runbook, resumed?.targets ?? (await runbookTargets(runbook, ctx, diagnosis)))
    if (plan.actions.length === 0) {
      const manual = manualSteps(runbook, {
        namespace: ctx.namespace,
        release: ctx.release ?? '<release>',
        cluster: diagnosis.target.clickhouse.cluster,
        objects: foundObjects(diagnosis),
      })
      if (io.json) io.print(JSON.stringify({status: 'manual', runbook: runbook.id, diagnosis: found, manual}, null, 2))
      else io.print([...found.map((l) => `✗ ${l}`), '', 'No automated step applies to what was found. By hand:', ...manual].join('\n'))
      return EXIT.findings
    }
    return await executePlan({
      plan,
      ctx,
      reasons: runbook.kind === 'procedure' ? [`${runbook.checks.join(', ')} pass: the cluster is healthy enough to start`] : found,
      flags,
      io,
      verify: {checks: runbook.verifyChecks ?? runbook.checks, doctor: ctx.doctor, waitMs: ctx.waitMs},
      undoCommand: (journal) => `signoz-ha runbook run ${runbook.id} --undo ${journal}`,
      fixedMessage:
        runbook.kind === 'procedure'
          ? `done: ${runbook.title}; ${(runbook.verifyChecks ?? runbook.checks).join(', ')} pass`
          : `fixed: ${(runbook.verifyChecks ?? runbook.checks).join(', ')} pass`,
      json: {runbook: runbook.id},
      lease,
    })
  })
}
