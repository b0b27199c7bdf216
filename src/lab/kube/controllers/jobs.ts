import {randomBytes} from 'node:crypto'
import type {KubeObject, ObjectStore} from '../store.js'
import {recordEvent} from './events.js'
import {mustKind, ownedBy, setStatus, timestamp, type Pod, type PodTemplate} from './objects.js'
import {newPod} from './workloads.js'

type Job = KubeObject & {spec: {template: PodTemplate; backoffLimit?: number; completions?: number}; status?: Record<string, unknown>}

/**
 * The Job controller: one pod at a time until one succeeds (Complete) or backoffLimit+1 have
 * failed (Failed, BackoffLimitExceeded), with the conditions Helm and kubectl wait on.
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
        spec: {...job.spec, selector: {matchLabels: {'batch.kubernetes.io/controller-uid': job.metadata.uid!}}, template: {...job.spec.template, metadata: {...job.spec.template.metadata, labels: {...job.spec.template.metadata?.labels, ...uidLabels, 'job-name': job.metadata.name!}}}},
      } as Job)
      continue
    }
    const pods = store.scan(podKind, job.metadata.namespace).filter((p) => ownedBy(p, job)) as Pod[]
    const succeeded = pods.filter((p) => p.status?.phase === 'Succeeded').length
    const failed = pods.filter((p) => p.status?.phase === 'Failed').length
    const active = pods.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed').length
    const limit = job.spec.backoffLimit ?? 6
    const started = (job.status?.startTime as string | undefined) ?? timestamp()
    const labels = {'batch.kubernetes.io/controller-uid': job.metadata.uid!, 'batch.kubernetes.io/job-name': job.metadata.name!, 'controller-uid': job.metadata.uid!, 'job-name': job.metadata.name!}
    if (succeeded > 0) {
      setStatus(store, jobKind, job, {startTime: started, completionTime: timestamp(), succeeded, failed, ready: 0, conditions: [{type: 'Complete', status: 'True', lastProbeTime: timestamp(), lastTransitionTime: timestamp()}]})
      recordEvent(store, job, 'Normal', 'Completed', 'Job completed', 'job-controller')
      continue
    }
    if (failed > limit) {
      const message = 'Job has reached the specified backoff limit'
      setStatus(store, jobKind, job, {startTime: started, failed, ready: 0, conditions: [{type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message, lastProbeTime: timestamp(), lastTransitionTime: timestamp()}]})
      recordEvent(store, job, 'Warning', 'BackoffLimitExceeded', message, 'job-controller')
      continue
    }
    if (active === 0) {
      const name = `${job.metadata.name}-${randomBytes(3).toString('hex').slice(0, 5)}`
      store.create(podKind, job.metadata.namespace, newPod(job, name, job.spec.template, labels))
      recordEvent(store, job, 'Normal', 'SuccessfulCreate', `Created pod: ${name}`, 'job-controller')
    }
    setStatus(store, jobKind, job, {startTime: started, active: Math.max(active, 1), ...(failed ? {failed} : {}), ready: 0})
  }
}
