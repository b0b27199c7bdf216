import {Chalk} from 'chalk'
import {describe, expect, test} from 'vitest'
import crashloops from '../../checks/kube/crashloops.js'
import {DEFAULT_THRESHOLDS} from '../../src/core/thresholds.js'
import {buildReport} from '../../src/core/report.js'
import type {CheckResult} from '../../src/core/runner.js'
import {renderText} from '../../src/render/text.js'
import {podTrouble} from '../../src/signoz/deployment.js'

/** Logic behind doctor on real objects: the pod's own state, recent restarts, one cause said once. */
const ago = (ms: number) => new Date(Date.now() - ms).toISOString()

describe('podTrouble: what the cluster says of a pod that is not Running and Ready', () => {
  test('a Running and Ready pod has none', () => {
    expect(podTrouble({metadata: {name: 'p'}, status: {phase: 'Running', conditions: [{type: 'Ready', status: 'True'}]}})).toBeUndefined()
  })

  test('a crash-looping container: its waiting reason and message, restarts, last exit', () => {
    const t = podTrouble({
      metadata: {name: 'chi-x-0-1-0'},
      status: {
        phase: 'Running',
        conditions: [{type: 'Ready', status: 'False'}],
        containerStatuses: [
          {
            name: 'clickhouse',
            ready: false,
            restartCount: 3,
            state: {waiting: {reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=clickhouse'}},
            lastState: {terminated: {exitCode: 78, reason: 'Error'}},
          },
        ],
      },
    })!
    expect(t.message).toBe(
      'pod chi-x-0-1-0 is Running but not ready; container clickhouse CrashLoopBackOff (back-off 40s restarting failed container=clickhouse), 3 restarts, last exit 78 (Error)',
    )
    expect(t.evidence).toEqual({pod: 'chi-x-0-1-0', phase: 'Running', ready: false, waiting: 'CrashLoopBackOff', restarts: 3, lastExitCode: 78})
  })

  test('a Pending pod says why it is not scheduled; a pod being deleted is Terminating', () => {
    expect(
      podTrouble({
        metadata: {name: 'p'},
        status: {phase: 'Pending', conditions: [{type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available'}]},
      })!.message,
    ).toBe('pod p is Pending; not scheduled: Unschedulable (0/3 nodes are available)')
    expect(
      podTrouble({metadata: {name: 'p', deletionTimestamp: ago(0)}, status: {phase: 'Running', conditions: [{type: 'Ready', status: 'True'}]}})!.message,
    ).toBe('pod p is Terminating')
  })
})

describe('kube/crashloops counts restarts while they are recent', () => {
  const run = (lastFinished: string) =>
    crashloops.run({
      kube: {
        deployment: {
          snapshot: {
            items: {
              pods: [
                {
                  metadata: {name: 'p'},
                  status: {
                    containerStatuses: [
                      {name: 'c', restartCount: 9, state: {running: {}}, lastState: {terminated: {exitCode: 137, reason: 'Error', finishedAt: lastFinished}}},
                    ],
                  },
                },
              ],
              events: [],
            },
            errors: {},
          },
          namespace: 'n',
        },
        podLog: async () => '',
      },
      thresholds: DEFAULT_THRESHOLDS,
      now: Date.now(),
    } as never)
  test('nine restarts, the last a minute ago: fails', async () => {
    expect((await run(ago(60_000))).map((f) => f.ok)).toEqual([false])
  })
  test('nine restarts, the last two hours ago, running since: history, passes', async () => {
    expect((await run(ago(2 * 3_600_000))).map((f) => f.ok)).toEqual([true])
  })
})

describe('text report: one cause that skips many checks is said once', () => {
  const result = (id: string, status: CheckResult['status'], reason?: string): CheckResult => ({
    id,
    title: id,
    severity: 'critical',
    status,
    durationMs: 0,
    runbook: 'r',
    ...(reason ? {reason} : {}),
    findings: status === 'pass' ? [{subject: 's', ok: true, message: 'ok'}] : [],
  })
  const report = buildReport(
    [
      result('clickhouse/reachable', 'pass'),
      result('kube/a', 'skip', 'needs Kubernetes access'),
      result('kube/b', 'skip', 'needs Kubernetes access'),
      result('signoz/retention', 'skip', 'no TTL on 18.16'),
    ],
    {clickhouse: {version: '18.16', cluster: 'cluster', shards: 1, replicasPerShard: 1, hosts: 1}},
    [],
    '0.0.0',
  )
  const text = renderText(report, {chalk: new Chalk({level: 0}), verbose: false})
  test('the shared reason once, with the checks it skipped; a reason of one check stays under it', () => {
    expect(text.split('needs Kubernetes access').length - 1).toBe(1)
    expect(text).toContain('not checked\n  - needs Kubernetes access\n      2 checks skipped: kube/a, kube/b')
    expect(text).toMatch(/- signoz\/retention \(signoz\/retention, skip\)\n {6}no TTL on 18\.16/)
    expect(text).not.toMatch(/\nkube\n/)
  })
})
