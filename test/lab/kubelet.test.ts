import {execFile} from 'node:child_process'
import {afterAll, describe, expect, test} from 'vitest'
import {labKubectlBinary} from '../../src/lab/helm-binary.js'
import {ControllerManager} from '../../src/lab/kube/controllers/manager.js'
import type {LabWorld, PodBackend} from '../../src/lab/kube/controllers/kubelet.js'
import {ContainerExit, type ContainerSpec} from '../../src/lab/kube/controllers/task-pods.js'
import {eventually} from '../helpers/lab.js'
import {startSimulator} from '../helpers/simulator.js'

/**
 * The simulator's kubelet and Job controller against the real kubectl: init containers one after
 * another, each container's own state, restart count and logs, restartPolicy OnFailure and Never,
 * the crash back-off, backoffLimit counting restarts, activeDeadlineSeconds. The containers are
 * scripted by their args (a stand-in for what the lab's backends run); what is under test is how
 * the kubelet and the Job controller run them and what the API serves of it.
 */
const {store, sim, kubeconfig, dir} = await startSimulator('kubelet')

/** Containers by their args: `ok`, `fail` (always exits 1), `fail-first N` (fails N runs, then succeeds), `sleep MS`. */
const runs = new Map<string, number>()
const world: LabWorld = {
  logDir: dir,
  async refresh() {},
  backend(): PodBackend {
    return {
      kind: 'task',
      async run(container: ContainerSpec, log) {
        const [verb, arg] = container.args ?? []
        const key = `${container.name}`
        const run = (runs.get(key) ?? 0) + 1
        runs.set(key, run)
        log(`${container.name} run ${run}: ${verb}`)
        if (verb === 'sleep') await new Promise((resolve) => setTimeout(resolve, Number(arg)))
        if (verb === 'fail' || (verb === 'fail-first' && run <= Number(arg))) {
          log(`Error: failed to run migrations up sync: code: 115, message: Unknown setting object_serialization_version (run ${run})`)
          throw new ContainerExit(1)
        }
      },
    }
  },
}
const controllers = new ControllerManager(store, world, {tickMs: 200})
controllers.start()

afterAll(async () => {
  controllers.stop()
  await sim.close()
})

/** The real kubectl (asynchronously: the simulator answers from this process). */
const kubectl = (...args: string[]) =>
  new Promise<{code: number; stdout: string; stderr: string}>((resolve) =>
    execFile(labKubectlBinary(31)!, ['--kubeconfig', kubeconfig, '-n', 'platform', ...args], {encoding: 'utf8', timeout: 30_000}, (error, stdout, stderr) =>
      resolve({code: error ? Number((error as {code?: number}).code ?? 1) : 0, stdout, stderr}),
    ),
  )

function createJob(
  name: string,
  spec: {init: [string, string[]][]; main: [string, string[]][]; restartPolicy: 'OnFailure' | 'Never'; backoffLimit?: number; activeDeadlineSeconds?: number},
) {
  const jobs = store.kindByPath('batch', 'v1', 'jobs')!
  const container = ([n, args]: [string, string[]]) => ({name: n, image: 'docker.io/signoz/signoz-otel-collector:v0.144.5', args})
  store.create(jobs, 'platform', {
    metadata: {name},
    spec: {
      ...(spec.backoffLimit !== undefined ? {backoffLimit: spec.backoffLimit} : {}),
      ...(spec.activeDeadlineSeconds !== undefined ? {activeDeadlineSeconds: spec.activeDeadlineSeconds} : {}),
      template: {spec: {initContainers: spec.init.map(container), containers: spec.main.map(container), restartPolicy: spec.restartPolicy}},
    },
  })
}

type PodJson = {
  metadata: {name: string}
  status: {
    phase: string
    initContainerStatuses?: {
      name: string
      restartCount: number
      state: Record<string, {reason?: string; exitCode?: number}>
      lastState: {terminated?: {exitCode: number}}
    }[]
    containerStatuses: {name: string; state: Record<string, {reason?: string}>}[]
  }
}
const podsOf = async (job: string) => (JSON.parse((await kubectl('get', 'pods', '-l', `job-name=${job}`, '-o', 'json')).stdout) as {items: PodJson[]}).items
const statusColumn = async (job: string) => (await kubectl('get', 'pods', '-l', `job-name=${job}`, '--no-headers')).stdout.trim().split(/\s+/)[2]
const jobStatus = async (job: string) =>
  (
    JSON.parse((await kubectl('get', 'job', job, '-o', 'json')).stdout) as {
      status: {conditions?: {type: string; reason?: string; status: string}[]; failed?: number}
    }
  ).status
const jobEnded = async (job: string, type: 'Complete' | 'Failed') =>
  (await jobStatus(job)).conditions?.some((c) => c.type === type && c.status === 'True') ?? false

describe('a migrator-shaped Job (init ready, bootstrap, sync; main async) under OnFailure', () => {
  test('a sync that keeps failing: Init:Error/Init:CrashLoopBackOff, its own log and previous log, the main container waiting; the Job fails at its backoff limit and its pod goes', async () => {
    createJob('migrator', {
      init: [
        ['ready', ['ok']],
        ['bootstrap', ['ok']],
        ['sync', ['fail']],
      ],
      main: [['async', ['ok']]],
      restartPolicy: 'OnFailure',
      backoffLimit: 3,
    })
    await eventually(
      'sync to restart',
      async () => ((await podsOf('migrator'))[0]?.status.initContainerStatuses?.find((c) => c.name === 'sync')?.restartCount ?? 0) >= 1,
      20_000,
    )
    const pod = (await podsOf('migrator'))[0]!
    expect(pod.status.phase).toBe('Pending')
    const [ready, bootstrap, sync] = pod.status.initContainerStatuses!
    expect(ready!.state.terminated).toMatchObject({exitCode: 0, reason: 'Completed'})
    expect(bootstrap!.state.terminated).toMatchObject({exitCode: 0, reason: 'Completed'})
    expect(sync!.lastState.terminated).toMatchObject({exitCode: 1})
    expect(pod.status.containerStatuses[0]!.state.waiting?.reason).toBe('PodInitializing')
    await eventually(
      'kubectl to show the init container crash-looping',
      async () => ['Init:CrashLoopBackOff', 'Init:Error'].includes((await statusColumn('migrator')) ?? ''),
      20_000,
    )
    // Each container has its own log; -c sync and --previous as kubectl users read them.
    const current = await kubectl('logs', 'job/migrator', '-c', 'sync')
    expect(current.code, current.stderr).toBe(0)
    expect(current.stdout).toMatch(/^sync run \d: fail\nError: failed to run migrations up sync: code: 115/)
    const previous = await kubectl('logs', 'job/migrator', '-c', 'sync', '--previous')
    expect(previous.stdout).toMatch(/^sync run 1: fail\n/)
    expect((await kubectl('logs', 'job/migrator', '-c', 'ready')).stdout).toBe('ready run 1: ok\n')
    // Without -c: the one main container, which waits for the init containers.
    const main = await kubectl('logs', 'job/migrator')
    expect(main.code).not.toBe(0)
    expect(main.stderr).toMatch(/container "async" in pod "migrator-\w+" is waiting to start: PodInitializing/)
    // The restarts reach backoffLimit 3 (at once, then after 10 s and 20 s): Failed, the pod deleted.
    await eventually('the Job to fail', () => jobEnded('migrator', 'Failed'), 60_000)
    expect((await jobStatus('migrator')).conditions?.find((c) => c.type === 'Failed')?.reason).toBe('BackoffLimitExceeded')
    await eventually('the pod to be deleted', async () => (await podsOf('migrator')).length === 0, 10_000)
    expect((await kubectl('get', 'job', 'migrator', '--no-headers')).stdout).toMatch(/^migrator\s+Failed\s+0\/1/)
  }, 120_000)

  test('a sync that fails once then succeeds: the pod completes, RESTARTS counts the init restart, async runs after sync', async () => {
    createJob('flaky', {
      init: [
        ['ready2', ['ok']],
        ['sync2', ['fail-first', '1']],
      ],
      main: [['async2', ['ok']]],
      restartPolicy: 'OnFailure',
    })
    await eventually('the Job to complete', () => jobEnded('flaky', 'Complete'), 30_000)
    const row = (await kubectl('get', 'pods', '-l', 'job-name=flaky', '--no-headers')).stdout.trim().split(/\s+/)
    expect(row[2]).toBe('Completed')
    expect(row[3]).toBe('1')
    expect((await kubectl('logs', 'job/flaky', '-c', 'async2')).stdout).toBe('async2 run 1: ok\n')
  })
})

describe('restartPolicy Never and the deadline', () => {
  test('an init container that fails under Never fails the pod (Init:Error); the Job makes new pods up to its limit', async () => {
    createJob('never', {init: [['check', ['fail']]], main: [['main', ['ok']]], restartPolicy: 'Never', backoffLimit: 1})
    await eventually('the Job to fail', () => jobEnded('never', 'Failed'), 30_000)
    const pods = await podsOf('never')
    expect(pods).toHaveLength(2)
    for (const p of pods) expect(p.status.phase).toBe('Failed')
    expect(
      (await kubectl('get', 'pods', '-l', 'job-name=never', '--no-headers')).stdout
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/)[2]),
    ).toEqual(['Init:Error', 'Init:Error'])
    expect((await jobStatus('never')).failed).toBe(2)
  })

  test('activeDeadlineSeconds: a container still running at the deadline fails the Job (DeadlineExceeded) and its pod goes', async () => {
    createJob('slow', {init: [], main: [['work', ['sleep', '60000']]], restartPolicy: 'Never', activeDeadlineSeconds: 2})
    await eventually('the Job to fail', () => jobEnded('slow', 'Failed'), 20_000)
    expect((await jobStatus('slow')).conditions?.find((c) => c.type === 'Failed')?.reason).toBe('DeadlineExceeded')
    await eventually('the pod to be deleted', async () => (await podsOf('slow')).length === 0, 10_000)
  })
})
