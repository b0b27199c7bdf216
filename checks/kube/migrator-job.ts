import {SkipCheck, defineCheck, fail, pass} from '../../src/core/check.js'
import {label} from '../../src/signoz/deployment.js'

type JobStatus = {active?: number; failed?: number; succeeded?: number; startTime?: string; conditions?: {type: string; status: string; reason?: string; message?: string}[]}

/**
 * The latest schema-migration Job finished.
 * Why: a failed migrator leaves the schema half-applied; with the chart's pre-upgrade hook it
 * also fails the Helm upgrade (catalogue #1, #9, #14).
 * Fails if: the newest migrator Job failed (its pod's last log lines are the evidence) or has
 * been running longer than the stuck threshold.
 */
export default defineCheck({
  id: 'kube/migrator-job',
  title: 'The schema-migration Job finished',
  severity: 'critical',
  requires: ['kube'],
  runbook: 'migrator-job-failed',
  async run({kube, thresholds, now}) {
    const d = kube!.deployment
    if (d.snapshot.errors.jobs) throw new SkipCheck(`cannot list Jobs: ${d.snapshot.errors.jobs.message}`)
    const jobs = (d.snapshot.items.jobs ?? []).filter((j) => /migrator/.test(`${label(j, 'app.kubernetes.io/component') ?? ''} ${j.metadata?.name ?? ''}`))
    if (jobs.length === 0) return [pass(d.namespace, 'no schema-migration Job present (completed hook Jobs are deleted by Helm)')]
    const job = jobs.sort((a, b) => String(b.metadata?.creationTimestamp).localeCompare(String(a.metadata?.creationTimestamp)))[0]!
    const name = job.metadata?.name ?? ''
    const status = (job.status ?? {}) as JobStatus
    const failed = status.conditions?.find((c) => c.type === 'Failed' && c.status === 'True')
    const evidence = {failedPods: status.failed ?? 0, active: status.active ?? 0, startTime: status.startTime ?? null}
    if (failed) {
      const pods = (d.snapshot.items.pods ?? []).filter((p) => label(p, 'job-name') === name).sort((a, b) => String(b.metadata?.creationTimestamp).localeCompare(String(a.metadata?.creationTimestamp)))
      const last = pods[0]?.metadata?.name
      const log = last ? await kube!.podLog(d.namespace, last, 5).catch(() => '') : ''
      const reason = log.trim().split('\n').filter(Boolean).pop() ?? failed.message ?? failed.reason ?? 'failed'
      return [fail(name, `failed (${failed.reason ?? 'Failed'}, ${status.failed ?? 0} pods failed): ${reason}`, {...evidence, pod: last ?? null, log: log.trim().split('\n').slice(-5)})]
    }
    if (status.conditions?.some((c) => c.type === 'Complete' && c.status === 'True')) return [pass(name, 'completed', evidence)]
    const runningSeconds = status.startTime ? (now - Date.parse(status.startTime)) / 1000 : 0
    if (runningSeconds > thresholds.migrationStuckSeconds) return [fail(name, `still running after ${Math.round(runningSeconds / 60)} minutes`, evidence)]
    return [pass(name, `running for ${Math.round(runningSeconds)}s`, evidence)]
  },
})
