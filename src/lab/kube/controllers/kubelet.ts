import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {containerId, type ContainerRun} from '../../container.js'
import {FORWARD_ANNOTATION} from '../portforward.js'
import {LOG_ANNOTATION, LOG_RUNS_ANNOTATION} from '../server.js'
import type {ObjectStore} from '../store.js'
import {recordEvent} from './events.js'
import {mustKind, podTerminal, setMetadata, setStatus, timestamp, type Pod} from './objects.js'
import {TaskPods, goDuration, type RunContainer} from './task-pods.js'

/** A lab pod annotation: the pod's main container exits at start with this message (a crash loop). */
export const CRASH_ANNOTATION = 'lab.signoz-ha.io/crash'
/** A lab pod annotation: the liveness probe kills the main container while it loads tables (its value: the last loader line). */
export const LIVENESS_ANNOTATION = 'lab.signoz-ha.io/liveness-kill'

/** What the lab's container runtime says of a container backed by a real process. */
export interface ContainerState {
  /** The process runs (or is stopped by a signal); false once it has exited. */
  alive: boolean
  /** The current run, or once exited the last one (with its exit code). */
  run?: ContainerRun
  /** The run before it: what lastState reports after a restart. */
  previous?: ContainerRun
  /** Someone else (the CLI) is restarting it, or a start is under way. */
  busy: boolean
}

/** What really runs behind a pod, as the lab knows it. */
export type PodBackend =
  /**
   * A real long-running process: the pod is Ready while it is healthy. With the runtime's view
   * of it, a process that exits is restarted (restartPolicy Always) with the kubelet's back-off.
   */
  | {kind: 'process'; healthy: boolean; forwardPorts: Record<string, number>; logFile?: string; container?: ContainerState; start?: () => void}
  /**
   * Run-to-completion containers (the migrator's steps, signoz-ha's monitor): each container,
   * init containers first, runs its own process; the pod follows its restartPolicy.
   */
  | {kind: 'task'; run: RunContainer}
  /** The image needs a real process the lab does not have for this pod: it never starts. */
  | {kind: 'unavailable'; reason: string}

/** The lab behind the simulator: which pods are backed by what, probed each tick. */
export interface LabWorld {
  backend(pod: Pod): PodBackend | undefined
  /** Re-probes process health (called once per kubelet tick). */
  refresh(): Promise<void>
  /** Where task and crash logs are written. */
  logDir: string
}

const ready = (status: boolean, reason?: string) => [
  {type: 'PodScheduled', status: 'True'},
  {type: 'Initialized', status: 'True'},
  {type: 'ContainersReady', status: status ? 'True' : 'False', ...(reason ? {reason} : {})},
  {type: 'Ready', status: status ? 'True' : 'False', ...(reason ? {reason} : {})},
]

/**
 * The kubelets of every simulated node: bound pods get an IP and containers; a pod backed by a
 * real process is Ready only while that process answers; a task pod runs its task once; a pod
 * marked to crash shows CrashLoopBackOff with a growing restart count.
 */
/** The kubelet's crash back-off: 10 s, doubled per failed restart, at most 5 min; reset by 10 min of running. */
const BACKOFF_INITIAL_MS = 10_000
const BACKOFF_MAX_MS = 300_000
const BACKOFF_RESET_MS = 600_000

const terminatedState = (run: ContainerRun) => ({
  exitCode: run.exitCode ?? 137,
  reason: run.exitCode === 0 ? 'Completed' : 'Error',
  startedAt: run.startedAt,
  finishedAt: run.finishedAt ?? timestamp(),
  containerID: `containerd://${containerId(run)}`,
})

export class Kubelet {
  private readonly tasks: TaskPods
  private readonly ips = new Map<string, string>()
  /** Pod uid → the current restart back-off. */
  private readonly backoffs = new Map<string, number>()

  constructor(
    private readonly store: ObjectStore,
    private readonly world: LabWorld | undefined,
    onChange: () => void,
  ) {
    this.tasks = new TaskPods(store, world?.logDir ?? '/tmp', onChange)
  }

  sync(): void {
    const podKind = mustKind(this.store, 'Pod')
    const nodes = this.store.scan(mustKind(this.store, 'Node')).map((n) => n.metadata.name!)
    this.tasks.forget(new Set(this.store.scan(podKind).map((p) => p.metadata.uid!)))
    for (const obj of this.store.scan(podKind)) {
      let pod = obj as Pod
      if (!pod.spec.nodeName || podTerminal(pod) || pod.metadata.deletionTimestamp) continue
      const nodeIndex = Math.max(0, nodes.indexOf(pod.spec.nodeName))
      const podIP = pod.status?.podIP ?? this.allocateIp(nodeIndex)
      const base = {hostIP: `192.168.0.${nodeIndex + 10}`, podIP, podIPs: [{ip: podIP}], startTime: pod.status?.startTime ?? timestamp(), qosClass: 'Burstable'}
      const containers = pod.spec.containers.map((c) => c.name)
      const crash = pod.metadata.annotations?.[CRASH_ANNOTATION]
      const killed = pod.metadata.annotations?.[LIVENESS_ANNOTATION]
      const backend = crash || killed ? undefined : this.world?.backend(pod)
      if (crash || killed) {
        const name = containers[0]!
        const log = crash
          ? `${timestamp()} fatal: ${crash}\n`
          : ['Loading metadata from /var/lib/clickhouse/', 'TablesLoader: 43.1%', 'TablesLoader: 87.5%', killed]
              .map((line) => `${timestamp()} <Information> ${line}\n`)
              .join('')
        const file = this.writeLog(pod, log)
        pod = setMetadata(this.store, podKind, pod, {}, {[LOG_ANNOTATION]: file}) as Pod
        const restarts = 1 + Math.floor((Date.now() - Date.parse(base.startTime)) / 10_000)
        const previous = (pod.status?.containerStatuses?.[0]?.restartCount as number | undefined) ?? 0
        if (previous !== restarts) {
          setStatus(this.store, podKind, pod, {
            ...base,
            phase: 'Running',
            conditions: ready(false, 'ContainersNotReady'),
            containerStatuses: containers.map((c) => ({
              name: c,
              image: pod.spec.containers.find((x) => x.name === c)?.image,
              ready: false,
              started: false,
              restartCount: restarts,
              state: {waiting: {reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=${c} pod=${pod.metadata.name}`}},
              // The kubelet's SIGKILL after the probe: 137, reported as Error.
              lastState: {
                terminated: crash
                  ? {exitCode: 1, reason: 'Error', message: crash, finishedAt: timestamp()}
                  : {exitCode: 137, reason: 'Error', finishedAt: timestamp()},
              },
            })),
          })
          if (killed) {
            recordEvent(
              this.store,
              pod,
              'Warning',
              'Unhealthy',
              `Liveness probe failed: Get "http://${podIP}:8123/ping": dial tcp ${podIP}:8123: connect: connection refused`,
              'kubelet',
              true,
            )
            recordEvent(this.store, pod, 'Normal', 'Killing', `Container ${name} failed liveness probe, will be restarted`, 'kubelet', true)
          }
          recordEvent(this.store, pod, 'Warning', 'BackOff', 'Back-off restarting failed container', 'kubelet', true)
        }
        continue
      }
      if (!backend) {
        this.running(pod, base, containers, true)
        continue
      }
      if (backend.kind === 'unavailable') {
        setStatus(this.store, podKind, pod, {
          ...base,
          phase: 'Pending',
          conditions: ready(false, 'ContainersNotReady'),
          containerStatuses: containers.map((name) => ({
            name,
            ready: false,
            restartCount: 0,
            state: {waiting: {reason: 'ContainerCreating', message: backend.reason}},
          })),
        })
        continue
      }
      if (backend.kind === 'process') {
        const runs = backend.container
        pod = setMetadata(
          this.store,
          podKind,
          pod,
          {},
          {
            [FORWARD_ANNOTATION]: JSON.stringify(backend.forwardPorts),
            ...(backend.logFile ? {[LOG_ANNOTATION]: backend.logFile} : {}),
            // Where the current run's and the previous run's output begin in that file (pods/log?previous=true).
            ...(runs?.run?.logOffset !== undefined
              ? {
                  [LOG_RUNS_ANNOTATION]: JSON.stringify({
                    current: runs.run.logOffset,
                    ...(runs.previous?.logOffset !== undefined ? {previous: runs.previous.logOffset} : {}),
                  }),
                }
              : {}),
          },
        ) as Pod
        if (backend.container) this.container(pod, base, containers, backend as typeof backend & {container: ContainerState})
        else this.running(pod, base, containers, backend.healthy)
        continue
      }
      this.tasks.sync(pod, base, backend.run)
    }
  }

  private running(pod: Pod, base: Record<string, unknown>, containers: string[], healthy: boolean): void {
    const podKind = mustKind(this.store, 'Pod')
    const previous = pod.status?.containerStatuses?.[0] as {restartCount?: number; state?: {running?: {startedAt?: string}}} | undefined
    const startedAt = previous?.state?.running?.startedAt ?? timestamp()
    setStatus(this.store, podKind, pod, {
      ...base,
      phase: 'Running',
      conditions: ready(healthy, healthy ? undefined : 'ContainersNotReady'),
      containerStatuses: containers.map((name) => ({
        name,
        image: pod.spec.containers.find((c) => c.name === name)?.image,
        ready: healthy,
        started: true,
        restartCount: previous?.restartCount ?? 0,
        state: {running: {startedAt}},
      })),
    })
  }

  /**
   * A container backed by a real process, as the kubelet keeps it: running while the process
   * runs (a new run since the last status is a restart, the run before it the last state); once
   * it has exited, started again at once the first time, then after a back-off that doubles, the
   * pod waiting in CrashLoopBackOff meanwhile.
   */
  private container(
    pod: Pod,
    base: Record<string, unknown>,
    containers: string[],
    backend: Extract<PodBackend, {kind: 'process'}> & {container: ContainerState},
  ): void {
    const podKind = mustKind(this.store, 'Pod')
    const uid = pod.metadata.uid!
    const name = containers[0]!
    const c = backend.container
    const previous = pod.status?.containerStatuses?.[0] as
      {containerID?: string; restartCount?: number; lastState?: Record<string, unknown>; state?: {waiting?: unknown}} | undefined
    const runId = c.run ? `containerd://${containerId(c.run)}` : previous?.containerID
    const restarted = Boolean(previous?.containerID && runId && previous.containerID !== runId)
    const restartCount = (previous?.restartCount ?? 0) + (restarted ? 1 : 0)
    const image = pod.spec.containers[0]?.image
    const others = containers.slice(1).map((n) => ({
      name: n,
      image: pod.spec.containers.find((x) => x.name === n)?.image,
      ready: c.alive && backend.healthy,
      started: c.alive,
      restartCount: 0,
      state: {running: {startedAt: base.startTime}},
    }))
    if (c.alive) {
      const lastState = restarted && c.previous ? {terminated: terminatedState(c.previous)} : (previous?.lastState ?? {})
      setStatus(this.store, podKind, pod, {
        ...base,
        phase: 'Running',
        conditions: ready(backend.healthy, backend.healthy ? undefined : 'ContainersNotReady'),
        containerStatuses: [
          {
            name,
            image,
            containerID: runId,
            ready: backend.healthy,
            started: true,
            restartCount,
            state: {running: {startedAt: c.run?.startedAt ?? base.startTime}},
            lastState,
          },
          ...others,
        ],
      })
      return
    }
    // The process has exited: restart it when the back-off allows, else wait in CrashLoopBackOff.
    let delay = this.backoffs.get(uid) ?? 0
    const run = c.run
    if (run?.finishedAt && Date.parse(run.finishedAt) - Date.parse(run.startedAt) >= BACKOFF_RESET_MS) delay = 0
    const due = !run?.finishedAt || Date.parse(run.finishedAt) + delay <= Date.now()
    const lastState = run ? {terminated: terminatedState(run)} : (previous?.lastState ?? {})
    if (due && !c.busy && backend.start) {
      backend.start()
      this.backoffs.set(uid, delay ? Math.min(delay * 2, BACKOFF_MAX_MS) : BACKOFF_INITIAL_MS)
      recordEvent(this.store, pod, 'Normal', 'Created', `Created container: ${name}`, 'kubelet')
      recordEvent(this.store, pod, 'Normal', 'Started', `Started container ${name}`, 'kubelet')
    }
    const waiting = delay > 0 && !due
    setStatus(this.store, podKind, pod, {
      ...base,
      phase: 'Running',
      conditions: ready(false, 'ContainersNotReady'),
      containerStatuses: [
        {
          name,
          image,
          containerID: runId,
          ready: false,
          started: false,
          restartCount,
          state: waiting
            ? {
                waiting: {
                  reason: 'CrashLoopBackOff',
                  message: `back-off ${goDuration(delay)} restarting failed container=${name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${uid})`,
                },
              }
            : run
              ? {terminated: terminatedState(run)}
              : {waiting: {reason: 'ContainerCreating'}},
          lastState: waiting ? lastState : (previous?.lastState ?? {}),
        },
        ...others,
      ],
    })
    if (waiting && !previous?.state?.waiting)
      recordEvent(
        this.store,
        pod,
        'Warning',
        'BackOff',
        `Back-off restarting failed container ${name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${uid})`,
        'kubelet',
      )
  }

  /** Pod IPs 10.<node+1>.<hi>.<lo>, unique per node, continuing after those already given. */
  private allocateIp(nodeIndex: number): string {
    const key = `node-${nodeIndex}`
    const next = Number(this.ips.get(key) ?? this.highestIp(nodeIndex)) + 1
    this.ips.set(key, String(next))
    return `10.${nodeIndex + 1}.${(next >> 8) & 255}.${next & 255 || 1}`
  }

  private highestIp(nodeIndex: number): number {
    let max = 1
    for (const p of this.store.scan(mustKind(this.store, 'Pod'))) {
      const m = /^10\.(\d+)\.(\d+)\.(\d+)$/.exec(String((p.status as {podIP?: string} | undefined)?.podIP ?? ''))
      if (m && Number(m[1]) === nodeIndex + 1) max = Math.max(max, Number(m[2]) * 256 + Number(m[3]))
    }
    return max
  }

  private writeLog(pod: Pod, text: string): string {
    const dir = join(this.world?.logDir ?? '/tmp', 'pod-logs')
    mkdirSync(dir, {recursive: true})
    const file = join(dir, `${pod.metadata.namespace}_${pod.metadata.name}.log`)
    writeFileSync(file, text)
    return file
  }
}
