import {describe, expect, test} from 'vitest'
import {distributedTarget} from '../../checks/signoz/distributed-tables.js'
import {SkipCheck, defineCheck, fail, pass, type CheckContext, type Requirement} from '../../src/core/check.js'
import {parseDuration} from '../../src/core/duration.js'
import {UsageError} from '../../src/core/errors.js'
import {buildReport, exitCodeFor} from '../../src/core/report.js'
import {runChecks} from '../../src/core/runner.js'
import {selectChecks} from '../../src/core/select.js'
import {DEFAULT_THRESHOLDS} from '../../src/core/thresholds.js'
import {clickhouseEndpoints} from '../../src/gateways/factory.js'
import {ALL_CHECKS} from '../../checks/index.js'
import {runDoctor} from '../../src/doctor/run.js'
import {encodeReleaseRecord} from '../../src/signoz/helm-release.js'
import {readDeployment} from '../../src/signoz/deployment.js'

describe('parseDuration', () => {
  test.each([
    ['30s', 30_000],
    ['1500ms', 1500],
    ['2m', 120_000],
    ['1m30s', 90_000],
    ['5', 5000],
  ])('%s', (text, ms) => expect(parseDuration(text)).toBe(ms))
  test.each(['', 'fast', '10x', '5 s', '-1s'])('rejects %j', (text) => expect(() => parseDuration(text)).toThrow(UsageError))
})

describe('selectChecks', () => {
  test('by prefix and id', () => {
    const ids = selectChecks(ALL_CHECKS, {only: ['signoz'], skip: ['signoz/migrations']}).map((c) => c.id)
    expect(ids).toContain('signoz/databases')
    expect(ids).not.toContain('signoz/migrations')
    expect(ids.every((id) => id.startsWith('signoz/'))).toBe(true)
  })
  test('a prefix matches whole segments only', () => {
    expect(() => selectChecks(ALL_CHECKS, {only: ['click']})).toThrow(/no check matches "click"/)
  })
})

describe('clickhouseEndpoints', () => {
  test('repeatable and comma lists, user applied', () => {
    const e = clickhouseEndpoints(['http://a:8123,b:8124', 'https://c:8443'], 'admin', 'pw')
    expect(e.map((x) => x.url)).toEqual(['http://a:8123', 'http://b:8124', 'https://c:8443'])
    expect(e.every((x) => x.user === 'admin' && x.password === 'pw')).toBe(true)
  })
  test.each([
    ['http://', /invalid ClickHouse URL/],
    ['ftp://host:21', /unsupported scheme/],
    ['http://admin:secret@host:8123', /must not contain a password/],
    ['http://h:1,http://h:1', /given twice/],
  ])('rejects %s', (url, message) => {
    expect(() => clickhouseEndpoints([url], 'u', '')).toThrow(message)
  })
  test('never echoes a password from a malformed URL', () => {
    try {
      clickhouseEndpoints(['http://u:hunter2@[bad'], 'u', '')
    } catch (error) {
      expect(String(error)).not.toContain('hunter2')
    }
  })
})

describe('distributedTarget', () => {
  test.each([
    [
      "Distributed('cluster', 'signoz_traces', 'signoz_index_v3', cityHash64(trace_id))",
      {cluster: 'cluster', database: 'signoz_traces', table: 'signoz_index_v3'},
    ],
    ['Distributed(cluster, signoz_logs, logs_v2, rand())', {cluster: 'cluster', database: 'signoz_logs', table: 'logs_v2'}],
    ['MergeTree ORDER BY x', undefined],
  ])('%s', (engine, target) => expect(distributedTarget(engine)).toEqual(target))
})

describe('runner and report', () => {
  const emptyFleet = {hosts: [], reachable: () => [], queryEach: async () => [], queryPerShard: async () => [], queryHosts: async () => [], queryCount: () => 0}
  const ctx: CheckContext = {
    now: Date.now(),
    clickhouse: emptyFleet,
    expect: {cluster: 'cluster'},
    thresholds: DEFAULT_THRESHOLDS,
    signal: new AbortController().signal,
  }
  const mk = (id: string, run: () => Promise<ReturnType<typeof pass>[]>, requires: ('clickhouse' | 'kube')[] = []) =>
    defineCheck({id, title: id, severity: id.includes('warn') ? 'warning' : 'critical', requires, runbook: 'x', scenarios: [], run})
  const available = new Map<Requirement, true | string>([
    ['clickhouse', true],
    ['kube', 'needs Kubernetes access'],
  ])

  test('a throw becomes error, a timeout becomes error, a missing part a skip; the others finish', async () => {
    const results = await runChecks(
      [
        mk('a/ok', async () => [pass('s', 'fine')]),
        mk('a/throws', async () => {
          throw new Error('boom')
        }),
        mk('a/hangs', () => new Promise(() => undefined)),
        mk('a/kube', async () => [pass('s', 'fine')], ['kube']),
        mk('a/skips', async () => {
          throw new SkipCheck('server too old')
        }),
        mk('a/warn-fails', async () => [fail('s', 'bad')]),
      ],
      ctx,
      {available, concurrency: 2, checkTimeoutMs: 200},
    )
    expect(results.map((r) => [r.id, r.status, r.reason ?? ''])).toEqual([
      ['a/ok', 'pass', ''],
      ['a/throws', 'error', 'boom'],
      ['a/hangs', 'error', 'timed out after 200ms'],
      ['a/kube', 'skip', 'needs Kubernetes access'],
      ['a/skips', 'skip', 'server too old'],
      ['a/warn-fails', 'fail', ''],
    ])
    const report = buildReport(results, {clickhouse: {version: null, cluster: 'cluster', shards: null, replicasPerShard: null, hosts: 0}}, [], '0.1.0')
    expect(report.status).toBe('error')
    expect(report.summary).toEqual({critical: 0, warning: 1, info: 0, passed: 1, skipped: 2, errored: 2})
    expect(exitCodeFor(report, 'warning')).toBe(3)
  })

  test('exit codes follow --fail-on', async () => {
    const results = await runChecks([mk('a/warn-fails', async () => [fail('s', 'bad')]), mk('a/ok', async () => [pass('s', 'ok')])], ctx, {
      available,
      concurrency: 4,
      checkTimeoutMs: 1000,
    })
    const report = buildReport(results, {clickhouse: {version: null, cluster: 'c', shards: null, replicasPerShard: null, hosts: 0}}, [], '0.1.0')
    expect(report.status).toBe('problems')
    expect(exitCodeFor(report, 'warning')).toBe(1)
    expect(exitCodeFor(report, 'critical')).toBe(0)
    expect(exitCodeFor(report, 'none')).toBe(0)
  })

  test('a run where most checks had nothing to look at (a release, no ClickHouse host) is incomplete, never healthy', async () => {
    const record = {
      name: 'signoz',
      namespace: 'platform',
      version: 1,
      info: {status: 'deployed'},
      chart: {metadata: {name: 'signoz', version: '0.131.0', appVersion: 'v0.100.0'}, values: {}},
      config: {},
    }
    const secret = {
      type: 'helm.sh/release.v1',
      metadata: {name: 'sh.helm.release.v1.signoz.v1', namespace: 'platform', labels: {name: 'signoz', owner: 'helm', version: '1', status: 'deployed'}},
      data: {release: encodeReleaseRecord(record)},
    }
    const deployment = readDeployment({
      namespace: 'platform',
      items: {secrets: [secret], pods: [], clickhouseinstallations: [], statefulsets: [], deployments: [], jobs: []},
      errors: {},
    })
    expect(deployment.release?.name).toBe('signoz')
    const options = {
      expect: {cluster: 'cluster'},
      thresholds: DEFAULT_THRESHOLDS,
      concurrency: 8,
      checkTimeoutMs: 2000,
      signal: new AbortController().signal,
      version: '0.1.0',
      kube: {context: {deployment, podLog: async () => ''}, contextName: 'test'},
    }
    const report = await runDoctor(emptyFleet, {...options, checks: ALL_CHECKS})
    expect(report.status).toBe('error')
    expect(exitCodeFor(report, 'warning')).toBe(3)
    expect(report.errors).toEqual([expect.stringMatching(/^\d+ of \d+ checks had nothing to look at: no ClickHouse host to check$/)])
    // The Kubernetes checks alone, chosen with --only: they had their subject, the run is a verdict.
    const kubeOnly = await runDoctor(emptyFleet, {...options, checks: selectChecks(ALL_CHECKS, {only: ['kube/'], skip: []})})
    expect(kubeOnly.errors).toEqual([])
    expect(kubeOnly.status).not.toBe('error')
  })
})
