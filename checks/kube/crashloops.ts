import {SkipCheck, defineCheck, fail, pass, type Finding} from '../../src/core/check.js'
import {eventsFor} from '../../src/signoz/deployment.js'

import type {KubeItem} from '../../src/gateways/kube.js'

type Probe = {initialDelaySeconds?: number; periodSeconds?: number; failureThreshold?: number}
type ContainerSpec = {name: string; livenessProbe?: Probe; startupProbe?: Probe}
type ContainerStatus = {
  name: string
  restartCount?: number
  state?: {waiting?: {reason?: string; message?: string}}
  lastState?: {terminated?: {reason?: string; exitCode?: number; message?: string; finishedAt?: string}}
}

/** Restarts count while the last one is this recent: a container that restarted long ago and has run since is history. */
const RECENT_RESTART_MS = 60 * 60 * 1000

/**
 * No container of the release crash-loops, was OOM-killed, or keeps restarting.
 * Why: a crash-looping collector drops data; an OOM-killed or liveness-killed ClickHouse
 * replays its tables on every start (catalogue: OOMKilled, liveness kills during table loading).
 * Fails if: a container is in CrashLoopBackOff, its last termination was OOMKilled, or it
 * restarted at least the threshold number of times, the last time within the hour. A kill by the liveness probe is named, with
 * the time the probe allows, since ClickHouse loading its tables needs a startup probe instead.
 */
export default defineCheck({
  id: 'kube/crashloops',
  title: 'No container crash-loops or restarts repeatedly',
  severity: 'critical',
  requires: ['kube'],
  runbook: 'crashloop',
  scenarios: [8, 17, 18, 23],
  async run({kube, thresholds, now}) {
    const d = kube!.deployment
    if (d.snapshot.errors.pods) throw new SkipCheck(`cannot list pods: ${d.snapshot.errors.pods.message}`)
    const pods = d.snapshot.items.pods ?? []
    const events = d.snapshot.items.events ?? []
    const findings: Finding[] = []
    for (const pod of pods) {
      const status = (pod.status ?? {}) as {initContainerStatuses?: ContainerStatus[]; containerStatuses?: ContainerStatus[]}
      for (const c of [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])]) {
        const subject = `${pod.metadata?.name}/${c.name}`
        const restarts = c.restartCount ?? 0
        const last = c.lastState?.terminated
        const evidence = {restarts, waiting: c.state?.waiting?.reason ?? null, lastTermination: last?.reason ?? null, exitCode: last?.exitCode ?? null}
        const liveness = restarts > 0 ? livenessKill(pod, c.name, events) : undefined
        if (liveness) {
          findings.push(
            fail(subject, `killed by its liveness probe, ${restarts} restart${restarts === 1 ? '' : 's'} (${liveness.allows}); ${liveness.advice}`, {
              ...evidence,
              probe: liveness.event,
            }),
          )
        } else if (c.state?.waiting?.reason === 'CrashLoopBackOff') {
          findings.push(
            fail(
              subject,
              `CrashLoopBackOff after ${restarts} restarts${last ? `; last exit ${last.exitCode} (${last.reason}${last.message ? `: ${last.message}` : ''})` : ''}`,
              evidence,
            ),
          )
        } else if (last?.reason === 'OOMKilled') {
          findings.push(
            fail(subject, `OOMKilled (exit ${last.exitCode}); ${restarts} restarts: raise the memory limit or lower max_server_memory_usage`, evidence),
          )
        } else if (restarts >= thresholds.podRestarts && (!last?.finishedAt || now - Date.parse(last.finishedAt) < RECENT_RESTART_MS)) {
          findings.push(fail(subject, `${restarts} restarts${last ? `; last exit ${last.exitCode} (${last.reason})` : ''}`, evidence))
        }
      }
    }
    if (findings.length === 0) findings.push(pass(d.namespace, `${pods.length} pods, no crash loop or repeated restarts`, {pods: pods.length}))
    return findings
  },
})

/** The liveness-probe kill of one container, from the kubelet's events, and what the probe allows. */
function livenessKill(pod: KubeItem, container: string, events: readonly KubeItem[]): {event: string; allows: string; advice: string} | undefined {
  const name = pod.metadata?.name
  const ofPod = eventsFor(events, name)
  const killing = ofPod.find((e) => e.reason === 'Killing' && String(e.message ?? '').includes(`${container} failed liveness probe`))
  if (!killing) return undefined
  const probeFailure = ofPod.filter((e) => e.reason === 'Unhealthy' && String(e.message ?? '').startsWith('Liveness probe failed')).pop()
  const spec = ((pod.spec as {containers?: ContainerSpec[]} | undefined)?.containers ?? []).find((c) => c.name === container)
  const probe = spec?.livenessProbe
  const allows = probe
    ? `the probe allows ${(probe.initialDelaySeconds ?? 0) + (probe.periodSeconds ?? 10) * (probe.failureThreshold ?? 3)}s`
    : 'no liveness probe in the spec now'
  const isClickHouse = Boolean(pod.metadata?.labels?.['clickhouse.altinity.com/chi'])
  const advice =
    isClickHouse && !spec?.startupProbe
      ? "ClickHouse is killed while it loads its tables: add a startupProbe to the installation's pod template (or raise the liveness initialDelaySeconds/failureThreshold)"
      : 'the container does not answer its probe in time: check its log and the probe settings'
  return {event: String(probeFailure?.message ?? killing.message ?? ''), allows, advice}
}
