import type {KubeObject, ObjectStore} from '../store.js'
import {recordEvent} from './events.js'
import {mustKind, ownedBy, ownerRef, setStatus, type PodTemplate} from './objects.js'
import {parseCron, type CronSchedule} from '../../../util/cron.js'

type CronJob = KubeObject & {
  spec: {
    schedule: string
    timeZone?: string
    suspend?: boolean
    concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace'
    startingDeadlineSeconds?: number
    successfulJobsHistoryLimit?: number
    failedJobsHistoryLimit?: number
    jobTemplate: {metadata?: {labels?: Record<string, string>; annotations?: Record<string, string>}; spec: {template: PodTemplate; [k: string]: unknown}}
  }
  status?: {lastScheduleTime?: string; lastSuccessfulTime?: string; active?: unknown[]}
}

type Job = KubeObject & {status?: {conditions?: {type: string; status: string}[]; completionTime?: string}}

const MINUTE = 60_000
const heldBack = new Map<string, number>()
const LOOKBACK_MS = 7 * 24 * 60 * MINUTE

/**
 * The CronJob controller, as kube-controller-manager's: at each scheduled minute (UTC, standard
 * five-field cron) one Job named <cronjob>-<minutes since the epoch>, owned by the CronJob; a
 * Forbid policy skips a start while a Job runs, Replace deletes the running one; finished Jobs
 * beyond the history limits (3 succeeded, 1 failed) are deleted with their pods.
 */

export function reconcileCronJobs(store: ObjectStore, now = Date.now()): void {
  const cronKind = mustKind(store, 'CronJob')
  const jobKind = mustKind(store, 'Job')
  for (const obj of store.scan(cronKind)) {
    const cron = obj as CronJob
    if (cron.metadata.deletionTimestamp) continue
    if (cron.spec.suspend === undefined) {
      // API-server defaulting, as kubectl get shows it (SUSPEND False).
      const spec = {concurrencyPolicy: 'Allow', successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1, ...cron.spec, suspend: false}
      store.replace(cronKind, cron.metadata.namespace, cron.metadata.name!, {...cron, spec} as CronJob)
      continue
    }
    const jobs = store.scan(jobKind, cron.metadata.namespace).filter((j) => ownedBy(j, cron)) as Job[]
    const finished = (j: Job, type: string) => (j.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True')
    const active = jobs.filter((j) => !finished(j, 'Complete') && !finished(j, 'Failed'))
    let schedule: CronSchedule
    try {
      schedule = parseCron(cron.spec.schedule)
    } catch (error) {
      recordEvent(
        store,
        cron,
        'Warning',
        'UnparseableSchedule',
        `unparseable schedule: "${cron.spec.schedule}" : ${(error as Error).message}`,
        'cronjob-controller',
      )
      continue
    }
    const since = Date.parse(cron.status?.lastScheduleTime ?? cron.metadata.creationTimestamp ?? new Date(now).toISOString())
    const due = latestDue(schedule, since, now, cron.spec.startingDeadlineSeconds)
    let lastScheduleTime = cron.status?.lastScheduleTime
    if (due !== undefined && !cron.spec.suspend) {
      const policy = cron.spec.concurrencyPolicy ?? 'Allow'
      if (policy === 'Forbid' && active.length > 0) {
        // Once per start time held back: the controller retries each sync, the event says it once.
        if (heldBack.get(cron.metadata.uid!) !== due)
          recordEvent(
            store,
            cron,
            'Normal',
            'JobAlreadyActive',
            'Not starting job because prior execution is running and concurrency policy is Forbid',
            'cronjob-controller',
          )
        heldBack.set(cron.metadata.uid!, due)
      } else {
        if (policy === 'Replace') for (const j of active) store.delete(jobKind, j.metadata.namespace, j.metadata.name!)
        const name = `${cron.metadata.name}-${Math.floor(due / MINUTE)}`
        if (!store.tryGet(jobKind, cron.metadata.namespace, name)) {
          const t = cron.spec.jobTemplate
          store.create(jobKind, cron.metadata.namespace, {
            apiVersion: 'batch/v1',
            kind: 'Job',
            metadata: {
              name,
              labels: {...t.metadata?.labels},
              annotations: {...t.metadata?.annotations, 'batch.kubernetes.io/cronjob-scheduled-timestamp': new Date(due).toISOString()},
              ownerReferences: [{...ownerRef(cron), controller: true, blockOwnerDeletion: true}],
            },
            spec: structuredClone(t.spec),
          })
          recordEvent(store, cron, 'Normal', 'SuccessfulCreate', `Created job ${name}`, 'cronjob-controller')
        }
        lastScheduleTime = new Date(due).toISOString().replace(/\.\d+Z$/, 'Z')
      }
    }
    pruneHistory(
      store,
      jobKind,
      jobs.filter((j) => finished(j, 'Complete')),
      cron.spec.successfulJobsHistoryLimit ?? 3,
      cron,
    )
    pruneHistory(
      store,
      jobKind,
      jobs.filter((j) => finished(j, 'Failed')),
      cron.spec.failedJobsHistoryLimit ?? 1,
      cron,
    )
    const now_ = store.scan(jobKind, cron.metadata.namespace).filter((j) => ownedBy(j, cron)) as Job[]
    const running = now_.filter((j) => !finished(j, 'Complete') && !finished(j, 'Failed'))
    const lastSuccess =
      now_
        .filter((j) => finished(j, 'Complete'))
        .map((j) => j.status?.completionTime)
        .filter((t): t is string => Boolean(t))
        .sort()
        .at(-1) ?? cron.status?.lastSuccessfulTime
    const status = {
      ...(lastScheduleTime ? {lastScheduleTime} : {}),
      ...(lastSuccess ? {lastSuccessfulTime: lastSuccess} : {}),
      ...(running.length
        ? {active: running.map((j) => ({apiVersion: 'batch/v1', kind: 'Job', name: j.metadata.name, namespace: j.metadata.namespace, uid: j.metadata.uid}))}
        : {}),
    }
    if (JSON.stringify(status) !== JSON.stringify(cron.status ?? {})) setStatus(store, cronKind, cron, status)
  }
}

function pruneHistory(store: ObjectStore, jobKind: ReturnType<typeof mustKind>, done: Job[], limit: number, cron: CronJob): void {
  const oldestFirst = [...done].sort(
    (a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || a.metadata.name!.localeCompare(b.metadata.name!),
  )
  for (const j of oldestFirst.slice(0, Math.max(0, oldestFirst.length - limit))) {
    store.delete(jobKind, j.metadata.namespace, j.metadata.name!)
    recordEvent(store, cron, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata.name}`, 'cronjob-controller')
  }
}

/** The latest scheduled minute in (since, now], if any; older than startingDeadlineSeconds is missed. */
function latestDue(schedule: CronSchedule, since: number, now: number, deadlineSeconds?: number): number | undefined {
  // Only the latest missed start matters; a week back is as far as any schedule needs to look.
  const from = Math.max(since, now - LOOKBACK_MS)
  let latest: number | undefined
  for (let t = Math.floor(from / MINUTE) * MINUTE + MINUTE; t <= now; t += MINUTE) if (matches(schedule, new Date(t))) latest = t
  if (latest !== undefined && deadlineSeconds !== undefined && now - latest > deadlineSeconds * 1000) return undefined
  return latest
}

function matches(s: CronSchedule, t: Date): boolean {
  if (!s.minute.has(t.getUTCMinutes()) || !s.hour.has(t.getUTCHours()) || !s.month.has(t.getUTCMonth() + 1)) return false
  const dom = s.dayOfMonth.has(t.getUTCDate())
  const dow = s.dayOfWeek.has(t.getUTCDay())
  return s.eitherDay ? dom || dow : dom && dow
}
