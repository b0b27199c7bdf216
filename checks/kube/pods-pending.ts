import {SkipCheck, defineCheck, fail, pass, type Finding} from '../../src/core/check.js'
import {eventsFor} from '../../src/signoz/deployment.js'

/**
 * No pod of the release's namespace is stuck Pending.
 * Why: a ClickHouse or Keeper pod that cannot be scheduled (anti-affinity, capacity, an unbound
 * volume) is a host or member down, and after an upgrade often a whole duplicate installation.
 * Fails if: a pod is Unschedulable (the scheduler's own words are the evidence), or Pending
 * longer than the threshold for another reason.
 */
export default defineCheck({
  id: 'kube/pods-pending',
  title: 'Every pod is scheduled and starting',
  severity: 'critical',
  requires: ['kube'],
  runbook: 'pods-pending',
  scenarios: [11, 33],
  async run({kube, thresholds, now}) {
    const d = kube!.deployment
    if (d.snapshot.errors.pods) throw new SkipCheck(`cannot list pods: ${d.snapshot.errors.pods.message}`)
    const pods = d.snapshot.items.pods ?? []
    const events = d.snapshot.items.events ?? []
    const findings: Finding[] = []
    for (const pod of pods) {
      const status = (pod.status ?? {}) as {
        phase?: string
        conditions?: {type: string; status: string; reason?: string; message?: string}[]
        containerStatuses?: {state?: {waiting?: {reason?: string; message?: string}}}[]
      }
      if (status.phase !== 'Pending') continue
      const name = pod.metadata?.name ?? ''
      const ageSeconds = (now - Date.parse(String(pod.metadata?.creationTimestamp ?? new Date(now).toISOString()))) / 1000
      const scheduled = status.conditions?.find((c) => c.type === 'PodScheduled')
      const event = eventsFor(events, name)
        .filter((e) => e.reason === 'FailedScheduling')
        .pop()
      if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
        findings.push(
          fail(name, `Unschedulable: ${scheduled.message ?? event?.message ?? 'no reason given'}`, {
            node: null,
            reason: 'Unschedulable',
            message: String(scheduled.message ?? event?.message ?? ''),
            ageSeconds: Math.round(ageSeconds),
          }),
        )
        continue
      }
      if (ageSeconds < thresholds.podPendingSeconds) continue
      const waiting = status.containerStatuses?.find((c) => c.state?.waiting)?.state?.waiting
      findings.push(
        fail(name, `Pending for ${Math.round(ageSeconds)}s${waiting ? `: ${waiting.reason}${waiting.message ? ` (${waiting.message})` : ''}` : ''}`, {
          reason: waiting?.reason ?? 'Pending',
          ageSeconds: Math.round(ageSeconds),
        }),
      )
    }
    if (findings.length === 0) findings.push(pass(d.namespace, `${pods.length} pods, none stuck Pending`, {pods: pods.length}))
    return findings
  },
})
