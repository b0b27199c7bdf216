import {describe, expect, test} from 'vitest'
import migratorJob from '../../checks/kube/migrator-job.js'
import type {CheckContext, PodLogOptions} from '../../src/core/check.js'
import {DEFAULT_THRESHOLDS} from '../../src/core/thresholds.js'
import type {KubeItem} from '../../src/gateways/kube.js'
import {readDeployment} from '../../src/signoz/deployment.js'
import {migratorSteps} from '../../src/signoz/migrator-pod.js'

/**
 * kube/migrator-job on the telemetrystore migrator as a kubelet reports it (chart ≥ 0.113: init
 * containers ready, bootstrap, sync; main async; restartPolicy OnFailure): every container is
 * read, the failing step named with its own log line, the Job's end told from its events once its
 * pod is gone.
 */
const job = (status: Record<string, unknown>): KubeItem => ({
  metadata: {name: 'signoz-telemetrystore-migrator', namespace: 'platform', creationTimestamp: '2026-12-04T10:00:00Z'},
  status,
})
const step = (name: string, args: string[]) => ({name, image: 'docker.io/signoz/signoz-otel-collector:v0.144.6', args})
const done = (name: string) => ({name, restartCount: 0, state: {terminated: {exitCode: 0, reason: 'Completed'}}, lastState: {}})
const pod = (sync: Record<string, unknown>, asyncState: Record<string, unknown> = {waiting: {reason: 'PodInitializing'}}): KubeItem => ({
  metadata: {
    name: 'signoz-telemetrystore-migrator-x7k2p',
    namespace: 'platform',
    labels: {'job-name': 'signoz-telemetrystore-migrator'},
    creationTimestamp: '2026-12-04T10:00:01Z',
  },
  spec: {
    restartPolicy: 'OnFailure',
    initContainers: [step('ready', ['migrate', 'ready']), step('bootstrap', ['migrate', 'bootstrap']), step('sync', ['migrate', 'sync', 'up'])],
    containers: [step('async', ['migrate', 'async', 'up'])],
  },
  status: {
    phase: 'Pending',
    initContainerStatuses: [done('ready'), done('bootstrap'), {name: 'sync', ...sync}],
    containerStatuses: [{name: 'async', restartCount: 0, state: asyncState, lastState: {}}],
  },
})
const SYNC_ERROR =
  "Error: failed to run migrations up sync: code: 115, message: Setting object_serialization_version is neither a builtin setting nor started with the prefix 'custom_'"

async function run(items: {jobs: KubeItem[]; pods: KubeItem[]; events?: KubeItem[]}, logs: Record<string, string> = {}) {
  const deployment = readDeployment({namespace: 'platform', items: {...items, events: items.events ?? []}, errors: {}})
  const asked: string[] = []
  const podLog = async (_ns: string, name: string, _tail: number, options?: PodLogOptions) => {
    const key = `${name}/${options?.container ?? ''}${options?.previous ? '/previous' : ''}`
    asked.push(key)
    if (!(key in logs)) throw new Error(`no log ${key}`)
    return logs[key]!
  }
  const ctx = {now: Date.parse('2026-12-04T10:01:00Z'), kube: {deployment, podLog}, thresholds: DEFAULT_THRESHOLDS} as unknown as CheckContext
  return {findings: await migratorJob.run(ctx), asked}
}

describe('the migrator pod, step by step', () => {
  test('migratorSteps reads init containers first, with failed runs counted across restarts', () => {
    const steps = migratorSteps(pod({restartCount: 2, state: {waiting: {reason: 'CrashLoopBackOff'}}, lastState: {terminated: {exitCode: 1, reason: 'Error'}}}))
    expect(steps.map((s) => [s.container, s.init, s.state, s.failedRuns])).toEqual([
      ['ready', true, 'succeeded', 0],
      ['bootstrap', true, 'succeeded', 0],
      ['sync', true, 'failed', 3],
      ['async', false, 'waiting', 0],
    ])
    expect(steps[2]).toMatchObject({command: 'migrate sync up', lastExitCode: 1, waiting: 'CrashLoopBackOff', hasPrevious: true})
  })
})

describe('kube/migrator-job', () => {
  test('sync crash-looping under OnFailure (no Failed condition yet): the step, its exit, its log line and the known cause', async () => {
    const p = pod({restartCount: 2, state: {waiting: {reason: 'CrashLoopBackOff'}}, lastState: {terminated: {exitCode: 1, reason: 'Error'}}})
    const {findings, asked} = await run(
      {jobs: [job({active: 1, startTime: '2026-12-04T10:00:00Z'})], pods: [p]},
      {
        'signoz-telemetrystore-migrator-x7k2p/sync': `{"level":"info","timestamp":"2026-12-04T10:00:40Z","msg":"running sync migrations"}\n${SYNC_ERROR}\n`,
        'signoz-telemetrystore-migrator-x7k2p/sync/previous': `${SYNC_ERROR}\n`,
      },
    )
    expect(asked.sort()).toEqual(['signoz-telemetrystore-migrator-x7k2p/sync', 'signoz-telemetrystore-migrator-x7k2p/sync/previous'])
    expect(findings).toHaveLength(1)
    expect(findings[0]).toMatchObject({
      subject: 'signoz-telemetrystore-migrator',
      ok: false,
      message: `init container sync (migrate sync up) exited 1, 3 times; in CrashLoopBackOff: ${SYNC_ERROR} — ClickHouse is too old for this migration (catalogue #9)`,
      evidence: {
        pod: 'signoz-telemetrystore-migrator-x7k2p',
        container: 'sync',
        failedRuns: 3,
        readLog: 'kubectl -n platform logs signoz-telemetrystore-migrator-x7k2p -c sync --previous',
      },
    })
  })

  test('a Keeper coordination error (code 999) in sync is recognised with its runbook cause', async () => {
    const p = pod({restartCount: 0, state: {terminated: {exitCode: 1, reason: 'Error'}}, lastState: {}})
    const line = 'Error: failed to run migrations up sync: code: 999, message: Coordination::Exception: Connection loss'
    const {findings} = await run({jobs: [job({active: 1})], pods: [p]}, {'signoz-telemetrystore-migrator-x7k2p/sync': `${line}\n`})
    expect(findings[0]!.message).toBe(
      `init container sync (migrate sync up) exited 1: ${line} — Keeper failed the migration's coordination (code 999): the step exits and the Job retries until Keeper answers (signoz-otel-collector#589)`,
    )
  })

  test('the Job reached its back-off limit and its pod is gone: failed, told from the events', async () => {
    const events: KubeItem[] = [
      {
        metadata: {name: 'e1', namespace: 'platform'},
        involvedObject: {name: 'signoz-telemetrystore-migrator'},
        reason: 'BackoffLimitExceeded',
        message: 'Job has reached the specified backoff limit',
      },
    ]
    const {findings} = await run({
      jobs: [
        job({
          failed: 1,
          conditions: [{type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit'}],
        }),
      ],
      pods: [],
      events,
    })
    expect(findings[0]).toMatchObject({
      ok: false,
      message:
        'failed (BackoffLimitExceeded: Job has reached the specified backoff limit, 1 pods failed); its pods were deleted with their logs: run it again to see the failing step',
      evidence: {events: ['Job has reached the specified backoff limit']},
    })
  })

  test('running, every step so far fine: pass, naming the step it is at', async () => {
    const p = pod({restartCount: 0, state: {running: {startedAt: '2026-12-04T10:00:30Z'}}, lastState: {}})
    const {findings} = await run({jobs: [job({active: 1, startTime: '2026-12-04T10:00:00Z'})], pods: [p]})
    expect(findings[0]).toMatchObject({ok: true, message: 'running for 60s (at sync: migrate sync up)'})
  })
})
