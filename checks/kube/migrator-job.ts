import {SkipCheck, defineCheck, fail, pass, type KubeContext} from '../../src/core/check.js'
import type {KubeItem} from '../../src/gateways/kube.js'
import {eventsFor, label} from '../../src/signoz/deployment.js'
import {failingStep, failureLine, knownFailure, migratorSteps, type MigratorStep} from '../../src/signoz/migrator-pod.js'

type JobStatus = {
  active?: number
  failed?: number
  succeeded?: number
  startTime?: string
  conditions?: {type: string; status: string; reason?: string; message?: string}[]
}

/** The Job's pods, newest first (the Job controller labels them with the Job's name). */
const podsOf = (pods: readonly KubeItem[], job: string) =>
  pods
    .filter((p) => label(p, 'job-name') === job || label(p, 'batch.kubernetes.io/job-name') === job)
    .sort((a, b) => String(b.metadata?.creationTimestamp).localeCompare(String(a.metadata?.creationTimestamp)))

/** The failing step's own words: its current log, and the run before when it has restarted. */
async function stepLog(kube: KubeContext, namespace: string, pod: string, step: MigratorStep): Promise<{line?: string; lines: string[]; log: string}> {
  const read = (previous: boolean) => kube.podLog(namespace, pod, 20, {container: step.container, previous}).catch(() => '')
  const [current, previous] = await Promise.all([read(false), step.hasPrevious ? read(true) : Promise.resolve('')])
  const log = `${previous}\n${current}`
  const line = failureLine(current, previous)
  return {line, lines: (current.trim() || previous.trim()).split('\n').filter(Boolean).slice(-5), log}
}

/**
 * The latest schema-migration Job finished.
 * Why: a failed migrator leaves the schema half-applied; with the chart's pre-upgrade hook it
 * also fails the Helm upgrade (catalogue #1, #9, #14). Since chart 0.113 the migration runs in init
 * containers under restartPolicy OnFailure: a failing `sync` crash-loops in place and the Job has
 * no Failed condition until its back-off limit, when the pod and its log are gone.
 * Fails if: any container of the migrator's pod (init containers included) exited non-zero, now
 * or in an earlier run (the step, its exit and its log line named, a known cause recognised); the
 * Job failed; or it has run longer than the stuck threshold.
 */
export default defineCheck({
  id: 'kube/migrator-job',
  title: 'The schema-migration Job finished',
  severity: 'critical',
  requires: ['kube'],
  runbook: 'migrator-job-failed',
  scenarios: [2],
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
    const pod = podsOf(d.snapshot.items.pods ?? [], name)[0]
    const podName = pod?.metadata?.name
    const steps = pod ? migratorSteps(pod) : []
    const step = failingStep(steps)
    if (pod && step) {
      const {line, lines, log} = await stepLog(kube!, d.namespace, podName!, step)
      const known = knownFailure(log)
      const times = step.failedRuns > 1 ? `, ${step.failedRuns} times` : ''
      const lately = step.state === 'running' ? '; running again' : step.waiting === 'CrashLoopBackOff' ? '; in CrashLoopBackOff' : ''
      const message = `${step.init ? 'init container' : 'container'} ${step.container} (${step.command}) exited ${step.lastExitCode ?? 'non-zero'}${times}${lately}: ${line ?? 'its log is empty'}${known ? ` — ${known.what}` : ''}${failed ? ` (the Job failed: ${failed.reason})` : ''}`
      return [
        fail(name, message, {
          ...evidence,
          pod: podName!,
          container: step.container,
          command: step.command,
          exitCode: step.lastExitCode ?? null,
          failedRuns: step.failedRuns,
          restarts: step.restarts,
          recognised: known?.what ?? null,
          log: lines,
          readLog: `kubectl -n ${d.namespace} logs ${podName} -c ${step.container}${step.hasPrevious ? ' --previous' : ''}`,
        }),
      ]
    }
    if (failed) {
      // Under OnFailure the Job controller deletes the pod when it gives up: its events are what is left.
      const said = eventsFor(d.snapshot.items.events ?? [], name)
        .map((e) => String(e.message ?? ''))
        .filter(Boolean)
        .slice(-3)
      return [
        fail(
          name,
          `failed (${failed.reason ?? 'Failed'}: ${failed.message ?? ''}, ${status.failed ?? 0} pods failed); ${pod ? 'no container of its pod reports the failure' : 'its pods were deleted with their logs: run it again to see the failing step'}`,
          {...evidence, pod: podName ?? null, events: said},
        ),
      ]
    }
    if (status.conditions?.some((c) => c.type === 'Complete' && c.status === 'True')) return [pass(name, 'completed', evidence)]
    const runningSeconds = status.startTime ? (now - Date.parse(status.startTime)) / 1000 : 0
    const current = steps.find((s) => s.state === 'running') ?? steps.find((s) => s.state === 'waiting')
    const at = current ? ` (at ${current.container}: ${current.command}${current.state === 'waiting' && current.waiting ? `, ${current.waiting}` : ''})` : ''
    if (runningSeconds > thresholds.migrationStuckSeconds)
      return [fail(name, `still running after ${Math.round(runningSeconds / 60)} minutes${at}`, {...evidence, pod: podName ?? null})]
    return [pass(name, `running for ${Math.round(runningSeconds)}s${at}`, evidence)]
  },
})
