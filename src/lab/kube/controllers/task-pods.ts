import {createHash} from 'node:crypto'
import {appendFileSync, mkdirSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import type {ObjectStore} from '../store.js'
import {recordEvent} from './events.js'
import {mustKind, setMetadata, setStatus, timestamp, type Pod, type PodSpec} from './objects.js'

/** A lab pod annotation: where each container's log is, and where its current and previous runs begin. */
export const CONTAINER_LOGS_ANNOTATION = 'lab.signoz-ha.io/container-logs'
export type ContainerLogs = Record<string, {file: string; current: number; previous?: number}>

export type ContainerSpec = PodSpec['containers'][number]

/** How one container's process ended: its exit code, and a message when the runtime has one. */
export class ContainerExit extends Error {
  constructor(
    readonly exitCode: number,
    message = `exit code ${exitCode}`,
  ) {
    super(message)
  }
}

/** What runs a run-to-completion container: resolves on exit 0, rejects with ContainerExit (or any error: exit 1). */
export type RunContainer = (container: ContainerSpec, log: (line: string) => void) => Promise<void>

/** The kubelet's crash back-off: the first restart at once, then 10 s doubled per failure, at most 5 min. */
const BACKOFF_INITIAL_MS = 10_000
const BACKOFF_MAX_MS = 300_000

type Terminated = {exitCode: number; reason: string; message?: string; startedAt: string; finishedAt: string; containerID: string}

/** One container of a pod as its kubelet keeps it. */
interface Track {
  spec: ContainerSpec
  init: boolean
  runs: number
  restartCount: number
  running?: {startedAt: string; containerID: string}
  terminated?: Terminated
  last?: Terminated
  /** The next restart is due then (epoch ms), after delayMs; the back-off after that one. */
  dueAt: number
  delayMs: number
  backoffMs: number
  log: {file: string; current: number; previous?: number}
}

/** Go's duration format, as the kubelet's back-off messages print it (10s, 1m20s, 5m0s). */
export function goDuration(ms: number): string {
  const seconds = Math.round(ms / 1000)
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${seconds % 60}s`
}

/**
 * Pods whose containers run to completion (Jobs: the schema migrator, signoz-ha's monitor), as a
 * kubelet runs them: init containers one after another, each to completion before the next, then
 * the main containers; each container with its own state, restart count, last state, log and
 * previous log; restartPolicy Never (a failure fails the pod), OnFailure (a failed container
 * restarts in place with the crash back-off, CrashLoopBackOff meanwhile) and Always (any exit
 * restarts). The phase is Pending while init containers run, then Running, then Succeeded or Failed.
 */
export class TaskPods {
  private readonly pods = new Map<string, Track[]>()

  constructor(
    private readonly store: ObjectStore,
    private readonly logDir: string,
    private readonly onChange: () => void,
  ) {}

  /** Advances one pod: starts what is due, and writes its status as the kubelet reports it. */
  sync(pod: Pod, base: Record<string, unknown>, run: RunContainer): void {
    const uid = pod.metadata.uid!
    let tracks = this.pods.get(uid)
    if (!tracks) {
      tracks = [
        ...(pod.spec.initContainers ?? []).map((spec) => this.track(pod, spec, true)),
        ...pod.spec.containers.map((spec) => this.track(pod, spec, false)),
      ]
      this.pods.set(uid, tracks)
    }
    const policy = pod.spec.restartPolicy ?? 'Always'
    const now = Date.now()
    const failed = (t: Track) => t.terminated !== undefined && t.terminated.exitCode !== 0
    const succeeded = (t: Track) => t.terminated?.exitCode === 0
    const restartable = (t: Track) => policy === 'Always' || (policy === 'OnFailure' && failed(t))
    let podFailed = false
    const inits = tracks.filter((t) => t.init)
    const mains = tracks.filter((t) => !t.init)
    const pendingInit = inits.find((t) => !succeeded(t))
    if (pendingInit) {
      if (!pendingInit.running) {
        if (!pendingInit.terminated) this.start(pod, pendingInit, run)
        else if (policy === 'Never') podFailed = true
        else if (pendingInit.dueAt <= now) this.start(pod, pendingInit, run)
      }
    } else {
      for (const t of mains) {
        if (t.running) continue
        if (!t.terminated) this.start(pod, t, run)
        else if (restartable(t) && t.dueAt <= now) this.start(pod, t, run)
      }
      if (policy === 'Never' && mains.some(failed)) podFailed = true
    }
    const allDone = !pendingInit && mains.every((t) => t.terminated && !t.running && (succeeded(t) || !restartable(t)))
    const phase = podFailed || (allDone && mains.some(failed)) ? 'Failed' : allDone ? 'Succeeded' : pendingInit ? 'Pending' : 'Running'
    this.writeStatus(pod, base, tracks, phase, now)
    if (phase === 'Succeeded' || phase === 'Failed') this.pods.delete(uid)
  }

  /** Forgets pods that are gone. */
  forget(live: ReadonlySet<string>): void {
    for (const uid of this.pods.keys()) if (!live.has(uid)) this.pods.delete(uid)
  }

  private track(pod: Pod, spec: ContainerSpec, init: boolean): Track {
    const dir = join(this.logDir, 'pod-logs')
    mkdirSync(dir, {recursive: true})
    const file = join(dir, `${pod.metadata.namespace}_${pod.metadata.name}_${pod.metadata.uid}_${spec.name}.log`)
    writeFileSync(file, '')
    return {spec, init, runs: 0, restartCount: 0, dueAt: 0, delayMs: 0, backoffMs: 0, log: {file, current: 0}}
  }

  private start(pod: Pod, t: Track, run: RunContainer): void {
    if (t.runs > 0) {
      t.restartCount++
      t.last = t.terminated
    }
    t.runs++
    t.terminated = undefined
    const size = statSync(t.log.file).size
    t.log = {file: t.log.file, current: size, ...(t.runs > 1 ? {previous: t.log.current} : {})}
    const containerID = `containerd://${createHash('sha256').update(`${pod.metadata.uid}/${t.spec.name}/${t.runs}`).digest('hex')}`
    const startedAt = timestamp()
    t.running = {startedAt, containerID}
    recordEvent(this.store, pod, 'Normal', 'Started', `Started container ${t.spec.name}`, 'kubelet')
    const log = (line: string) => appendFileSync(t.log.file, `${line}\n`)
    void Promise.resolve()
      .then(() => run(t.spec, log))
      .then(
        () => ({exitCode: 0, reason: 'Completed'}),
        (error: unknown) => ({
          exitCode: error instanceof ContainerExit ? error.exitCode : 1,
          reason: 'Error',
          ...(error instanceof ContainerExit ? {} : {message: error instanceof Error ? error.message : String(error)}),
        }),
      )
      .then((end) => {
        t.running = undefined
        t.terminated = {...end, startedAt, finishedAt: timestamp(), containerID}
        if (end.exitCode !== 0) {
          // The first restart at once, then the back-off doubles.
          t.delayMs = t.backoffMs
          t.dueAt = Date.now() + t.delayMs
          t.backoffMs = t.backoffMs ? Math.min(t.backoffMs * 2, BACKOFF_MAX_MS) : BACKOFF_INITIAL_MS
          if (t.delayMs > 0)
            recordEvent(
              this.store,
              pod,
              'Warning',
              'BackOff',
              `Back-off restarting failed container ${t.spec.name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
              'kubelet',
            )
        }
        this.onChange()
      })
  }

  private writeStatus(pod: Pod, base: Record<string, unknown>, tracks: Track[], phase: string, now: number): void {
    const podKind = mustKind(this.store, 'Pod')
    const logs: ContainerLogs = Object.fromEntries(tracks.filter((t) => t.runs > 0).map((t) => [t.spec.name, t.log]))
    const current = setMetadata(this.store, podKind, pod, {}, {[CONTAINER_LOGS_ANNOTATION]: JSON.stringify(logs)}) as Pod
    const initializing = tracks.some((t) => t.init && t.terminated?.exitCode !== 0)
    const status = (t: Track) => {
      const waitingBackOff = !t.running && t.terminated && t.terminated.exitCode !== 0 && t.dueAt > now && phase !== 'Failed'
      const state = t.running
        ? {running: {startedAt: t.running.startedAt}}
        : waitingBackOff
          ? {
              waiting: {
                reason: 'CrashLoopBackOff',
                message: `back-off ${goDuration(t.delayMs)} restarting failed container=${t.spec.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
              },
            }
          : t.terminated
            ? {terminated: t.terminated}
            : {waiting: {reason: initializing ? 'PodInitializing' : 'ContainerCreating'}}
      // In back-off, lastState is the run that failed; otherwise the run before the current one.
      const lastState = waitingBackOff ? {terminated: t.terminated} : t.last ? {terminated: t.last} : {}
      return {
        name: t.spec.name,
        image: t.spec.image,
        imageID: '',
        ...(t.running || t.terminated ? {containerID: (t.running ?? t.terminated)!.containerID} : {}),
        ready: t.init ? t.terminated?.exitCode === 0 : Boolean(t.running),
        started: Boolean(t.running),
        restartCount: t.restartCount,
        state,
        lastState,
      }
    }
    const incomplete = tracks.filter((t) => t.init && t.terminated?.exitCode !== 0).map((t) => t.spec.name)
    const unready = tracks.filter((t) => !t.init && !t.running).map((t) => t.spec.name)
    const done = phase === 'Succeeded' || phase === 'Failed'
    setStatus(this.store, podKind, current, {
      ...base,
      phase,
      conditions: [
        {type: 'PodReadyToStartContainers', status: 'True'},
        incomplete.length
          ? {type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: `containers with incomplete status: [${incomplete.join(' ')}]`}
          : {type: 'Initialized', status: 'True'},
        unready.length
          ? {
              type: 'Ready',
              status: 'False',
              reason: done ? 'PodCompleted' : 'ContainersNotReady',
              message: done ? undefined : `containers with unready status: [${unready.join(' ')}]`,
            }
          : {type: 'Ready', status: 'True'},
        unready.length
          ? {
              type: 'ContainersReady',
              status: 'False',
              reason: done ? 'PodCompleted' : 'ContainersNotReady',
              message: done ? undefined : `containers with unready status: [${unready.join(' ')}]`,
            }
          : {type: 'ContainersReady', status: 'True'},
        {type: 'PodScheduled', status: 'True'},
      ].map((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined))),
      ...(tracks.some((t) => t.init) ? {initContainerStatuses: tracks.filter((t) => t.init).map(status)} : {}),
      containerStatuses: tracks.filter((t) => !t.init).map(status),
    })
  }
}
