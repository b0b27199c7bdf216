import {SkipCheck, defineCheck, fail, pass, type Finding} from '../../src/core/check.js'

type ContainerStatus = {name: string; restartCount?: number; state?: {waiting?: {reason?: string; message?: string}}; lastState?: {terminated?: {reason?: string; exitCode?: number; message?: string}}}

/**
 * No container of the release crash-loops, was OOM-killed, or keeps restarting.
 * Why: a crash-looping collector drops data; an OOM-killed or liveness-killed ClickHouse
 * replays its tables on every start (catalogue: OOMKilled, liveness kills during table loading).
 * Fails if: a container is in CrashLoopBackOff, its last termination was OOMKilled, or it
 * restarted at least the threshold number of times.
 */
export default defineCheck({
  id: 'kube/crashloops',
  title: 'No container crash-loops or restarts repeatedly',
  severity: 'critical',
  requires: ['kube'],
  runbook: 'crashloop',
  async run({kube, thresholds}) {
    const d = kube!.deployment
    if (d.snapshot.errors.pods) throw new SkipCheck(`cannot list pods: ${d.snapshot.errors.pods.message}`)
    const pods = d.snapshot.items.pods ?? []
    const findings: Finding[] = []
    for (const pod of pods) {
      const status = (pod.status ?? {}) as {initContainerStatuses?: ContainerStatus[]; containerStatuses?: ContainerStatus[]}
      for (const c of [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])]) {
        const subject = `${pod.metadata?.name}/${c.name}`
        const restarts = c.restartCount ?? 0
        const last = c.lastState?.terminated
        const evidence = {restarts, waiting: c.state?.waiting?.reason ?? null, lastTermination: last?.reason ?? null, exitCode: last?.exitCode ?? null}
        if (c.state?.waiting?.reason === 'CrashLoopBackOff') {
          findings.push(fail(subject, `CrashLoopBackOff after ${restarts} restarts${last ? `; last exit ${last.exitCode} (${last.reason}${last.message ? `: ${last.message}` : ''})` : ''}`, evidence))
        } else if (last?.reason === 'OOMKilled') {
          findings.push(fail(subject, `OOMKilled (exit ${last.exitCode}); ${restarts} restarts: raise the memory limit or lower max_server_memory_usage`, evidence))
        } else if (restarts >= thresholds.podRestarts) {
          findings.push(fail(subject, `${restarts} restarts${last ? `; last exit ${last.exitCode} (${last.reason})` : ''}`, evidence))
        }
      }
    }
    if (findings.length === 0) findings.push(pass(d.namespace, `${pods.length} pods, no crash loop or repeated restarts`, {pods: pods.length}))
    return findings
  },
})
