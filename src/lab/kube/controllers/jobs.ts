import {randomBytes} from 'node:crypto'
import type {KubeObject, ObjectStore} from '../store.js'
import {recordEvent} from './events.js'
import {mustKind, ownedBy, setStatus, timestamp, type Pod, type PodTemplate} from './objects.js'
import {newPod} from './workloads.js'

type Job = KubeObject & {spec: {template: PodTemplate; backoffLimit?: number; completions?: number}; status?: Record<string, unknown>}

/** Container restarts of a Job's live pods under OnFailure: they count against backoffLimit (kube-controller-manager's pastBackoffLimitOnFailure). */
function restartsOnFailure(job: Job, pods: Pod[]): number {
  if (job.spec.template.spec.restartPolicy !== 'OnFailure') return 0
  let restarts = 0
  for (const pod of pods) {
    if (pod.status?.phase !== 'Running' && pod.status?.phase !== 'Pending' && pod.status?.phase !== undefined) continue
    for (const c of [
      ...((pod.status?.initContainerStatuses as {restartCount?: number}[] | undefined) ?? []),
      ...((pod.status?.containerStatuses as {restartCount?: number}[] | undefined) ?? []),
    ])
      restarts += c.restartCount ?? 0
  }
  return restarts
}

/**
 * The Job controller: one pod at a time until one succeeds (Complete). It fails the Job
 * (Failed, with the reason kubectl and Helm show) once failed pods exceed backoffLimit, or, under
 * restartPolicy OnFailure, once the live pods' container restarts reach it, or past
 * activeDeadlineSeconds; a failed Job's live pods are deleted, their logs with them.
 */
export function reconcileJobs(store: ObjectStore): void {
  const jobKind = mustKind(store, 'Job')
  const podKind = mustKind(store, 'Pod')
  for (const obj of store.scan(jobKind)) {
    const job = obj as Job
    if (job.metadata.deletionTimestamp) continue
    const conditions = (job.status?.conditions ?? []) as {type: string; status: string}[]
    if (conditions.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')) continue
    if (!(job.spec as {selector?: unknown}).selector) {
      // API-server defaulting: the Job selects its pods by its own uid (kubectl logs job/… relies on it).
      const uidLabels = {'batch.kubernetes.io/controller-uid': job.metadata.uid!, 'controller-uid': job.metadata.uid!}
      store.replace(jobKind, job.metadata.namespace, job.metadata.name!, {
        ...job,
        spec: {
          ...job.spec,
          selector: {matchLabels: {'batch.kubernetes.io/controller-uid': job.metadata.uid!}},
          template: {
            ...job.spec.template,
            metadata: {...job.spec.template.metadata, labels: {...job.spec.template.metadata?.labels, ...uidLabels, 'job-name': job.metadata.name!}},
          },
        },
      } as Job)
      continue
    }
    const pods = store.scan(podKind, job.metadata.namespace).filter((p) => ownedBy(p, job) && !p.metadata.deletionTimestamp) as Pod[]
    const succeeded = pods.filter((p) => p.status?.phase === 'Succeeded').length
    const failedPods = pods.filter((p) => p.status?.phase === 'Failed').length
    const live = pods.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')
    const failed = failedPods
    const limit = job.spec.backoffLimit ?? 6
    const started = (job.status?.startTime as string | undefined) ?? timestamp()
    const labels = {
      'batch.kubernetes.io/controller-uid': job.metadata.uid!,
      'batch.kubernetes.io/job-name': job.metadata.name!,
      'controller-uid': job.metadata.uid!,
      'job-name': job.metadata.name!,
    }
    if (succeeded > 0) {
      setStatus(store, jobKind, job, {
        startTime: started,
        completionTime: timestamp(),
        succeeded,
        failed,
        ready: 0,
        conditions: [{type: 'Complete', status: 'True', lastProbeTime: timestamp(), lastTransitionTime: timestamp()}],
      })
      recordEvent(store, job, 'Normal', 'Completed', 'Job completed', 'job-controller')
      continue
    }
    const deadline = (job.spec as {activeDeadlineSeconds?: number}).activeDeadlineSeconds
    const restarts = restartsOnFailure(job, live)
    const end =
      deadline !== undefined && Date.now() - Date.parse(started) >= deadline * 1000
        ? {reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline'}
        : failed > limit || (job.spec.template.spec.restartPolicy === 'OnFailure' && (limit === 0 ? restarts > 0 : restarts >= limit))
          ? {reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit'}
          : undefined
    if (end) {
      for (const pod of live) {
        store.delete(podKind, pod.metadata.namespace, pod.metadata.name!)
        recordEvent(store, job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, 'job-controller')
      }
      setStatus(store, jobKind, job, {
        startTime: started,
        failed: failed + live.length,
        ready: 0,
        conditions: [{type: 'Failed', status: 'True', reason: end.reason, message: end.message, lastProbeTime: timestamp(), lastTransitionTime: timestamp()}],
      })
      recordEvent(store, job, 'Warning', end.reason, end.message, 'job-controller')
      continue
    }
    if (live.length === 0) {
      const name = `${job.metadata.name}-${randomBytes(3).toString('hex').slice(0, 5)}`
      store.create(podKind, job.metadata.namespace, newPod(job, name, job.spec.template, labels))
      recordEvent(store, job, 'Normal', 'SuccessfulCreate', `Created pod: ${name}`, 'job-controller')
    }
    setStatus(store, jobKind, job, {startTime: started, active: Math.max(live.length, 1), ...(failed ? {failed} : {}), ready: 0})
  }
}
