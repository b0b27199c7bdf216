import {ALL_RUNBOOKS} from '../../runbooks/index.js'
import type {Plan} from '../remediation/action.js'
import type {RemedyContext} from '../remediation/context.js'
import {duplicatePlan, type DuplicateParams} from '../remediation/duplicate-clickhouse.js'
import {runbookPlan, runbookPlanId, type RunbookTargets} from '../remediation/runbook-plan.js'

/**
 * Every kind of plan a journal can hold, rebuilt from its journalled parameters: what --undo
 * needs. A contract test proves each remediation's plan id is known here.
 */
export function rebuildPlan(planId: string, params: Record<string, unknown>): Plan<RemedyContext> | undefined {
  if (planId === 'duplicate-clickhouse') return duplicatePlan(params as DuplicateParams)
  const runbook = ALL_RUNBOOKS.find((r) => runbookPlanId(r.id) === planId)
  return runbook ? runbookPlan(runbook, (params.targets ?? {}) as RunbookTargets) : undefined
}
