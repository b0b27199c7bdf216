import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, test} from 'vitest'
import {ALL_CHECKS} from '../../checks/index.js'
import {loadConfig} from '../../src/cli/config-file.js'
import {resolveThresholds} from '../../src/core/config.js'
import {applyPolicy} from '../../src/core/policy.js'
import {buildReport, type Report} from '../../src/core/report.js'
import {diffReports, renderChanges} from '../../src/core/report-diff.js'
import type {CheckResult} from '../../src/core/runner.js'
import {renderJunit} from '../../src/render/junit.js'
import {renderMarkdown} from '../../src/render/markdown.js'
import {renderSarif} from '../../src/render/sarif.js'
import {runCli} from '../helpers/cli.js'

const results: CheckResult[] = [
  {
    id: 'clickhouse/reachable',
    title: 'Every ClickHouse host answers',
    severity: 'critical',
    status: 'pass',
    durationMs: 4,
    runbook: 'clickhouse-host-down',
    findings: [{subject: 'h1', ok: true, message: 'answers'}],
  },
  {
    id: 'kube/pods-pending',
    title: 'Every pod is scheduled and starting',
    severity: 'critical',
    status: 'fail',
    durationMs: 1,
    runbook: 'pods-pending',
    findings: [
      {subject: 'chi-old-0', ok: false, message: 'Unschedulable: <anti-affinity> & "quotes"', evidence: {reason: 'Unschedulable'}},
      {subject: 'web-1', ok: false, message: 'Pending for 300s'},
    ],
  },
  {
    id: 'helm/values-ha',
    title: 'The deployed Helm values are an HA layout',
    severity: 'warning',
    status: 'skip',
    durationMs: 0,
    runbook: 'values-not-ha',
    reason: 'no SigNoz Helm release',
    findings: [],
  },
]
const report = (): Report =>
  buildReport(
    results,
    {context: 'prod', namespace: 'platform', release: 'signoz', clickhouse: {version: '25.12', cluster: 'cluster', shards: 2, replicasPerShard: 2, hosts: 4}},
    [],
    '0.1.0',
  )

describe('pipeline renderers', () => {
  test('JUnit: a suite per area, a case per check, failures and skips with escaped text', () => {
    const xml = renderJunit(report())
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="signoz-ha doctor" tests="3" failures="1" errors="0" skipped="1"/)
    expect(xml.match(/<testsuite /g)).toHaveLength(3)
    expect(xml).toContain('<testcase classname="signoz-ha.clickhouse" name="clickhouse/reachable" time="0.004"/>')
    expect(xml).toContain('<failure type="critical" message="Every pod is scheduled and starting: 2 finding(s); runbook pods-pending">')
    expect(xml).toContain('Unschedulable: &lt;anti-affinity&gt; &amp; &quot;quotes&quot;')
    expect(xml).toContain('<skipped message="no SigNoz Helm release"/>')
    // Well-formed enough: every opened element is closed.
    for (const tag of ['testsuites', 'testsuite', 'testcase'])
      expect((xml.match(new RegExp(`<${tag}[ >]`, 'g')) ?? []).length).toBe((xml.match(new RegExp(`</${tag}>|<${tag} [^>]*/>`, 'g')) ?? []).length)
  })

  test('SARIF 2.1.0: every check a rule, every failing finding a result on its subject', () => {
    const doc = JSON.parse(renderSarif(report(), ALL_CHECKS))
    expect(doc.version).toBe('2.1.0')
    const run = doc.runs[0]
    expect(run.tool.driver.rules.map((r: {id: string}) => r.id)).toEqual(results.map((r) => r.id))
    expect(
      run.results.map((r: {ruleId: string; level: string; locations: {logicalLocations: {name: string}[]}[]}) => [
        r.ruleId,
        r.level,
        r.locations[0]!.logicalLocations[0]!.name,
      ]),
    ).toEqual([
      ['kube/pods-pending', 'error', 'chi-old-0'],
      ['kube/pods-pending', 'error', 'web-1'],
    ])
    expect(run.invocations[0].toolExecutionNotifications[0].message.text).toMatch(/helm\/values-ha skipped: no SigNoz Helm release/)
  })

  test('Markdown: findings table first, runbooks, skipped checks, passes folded', () => {
    const md = renderMarkdown(report(), new Date('2026-11-25T03:00:00Z'))
    expect(md).toMatch(/^# SigNoz HA doctor: problems found/)
    expect(md).toContain('| critical | `kube/pods-pending` | chi-old-0 | Unschedulable: <anti-affinity> & "quotes" |')
    expect(md).toContain('Runbook: `signoz-ha runbook show pods-pending`')
    expect(md).toContain('- `helm/values-ha` skipped: no SigNoz Helm release')
    expect(md).toContain('<details><summary>Passed checks</summary>')
  })
})

describe('policy: severity overrides and exemptions', () => {
  test('the most specific override wins; an exempted finding passes with its reason; expired ones do not apply', () => {
    const out = applyPolicy(
      results,
      {
        severity: {kube: 'warning', 'kube/pods-pending': 'info'},
        exempt: [
          {check: 'kube/pods-pending', subject: 'chi-old-*', reason: 'old installation being removed'},
          {check: 'kube/pods-pending', subject: 'web-*', reason: 'expired', until: '2020-01-01'},
        ],
      },
      new Date('2026-11-25'),
    )
    const pending = out.find((r) => r.id === 'kube/pods-pending')!
    expect(pending.severity).toBe('info')
    expect(pending.status).toBe('fail')
    expect(pending.findings.map((f) => [f.subject, f.ok, f.exemption ?? null])).toEqual([
      ['chi-old-0', true, 'old installation being removed'],
      ['web-1', false, null],
    ])
    const all = applyPolicy(results, {exempt: [{check: 'kube/pods-pending', reason: 'known during the migration'}]})
    expect(all.find((r) => r.id === 'kube/pods-pending')!.status).toBe('pass')
  })
})

describe('config file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'signoz-ha-config-'))
  const file = (name: string, text: string) => {
    const path = join(dir, name)
    writeFileSync(path, text)
    return path
  }

  test('a valid file loads; thresholds: flag over file over default', () => {
    const {config} = loadConfig(
      file(
        'ok.yaml',
        'thresholds:\n  freshnessWindow: 2m\n  podRestarts: 3\nseverity:\n  kube/replica-spread: critical\ndisable: [signoz/migrations]\nfailOn: critical\n',
      ),
    )
    expect(config.failOn).toBe('critical')
    expect(resolveThresholds(config.thresholds)).toMatchObject({freshnessWindowSeconds: 120, podRestarts: 3, replicaDelaySeconds: 300})
    expect(resolveThresholds(config.thresholds, {freshnessWindowSeconds: '30s'}).freshnessWindowSeconds).toBe(30)
  })

  test('unknown keys, wrong types and bad YAML are usage errors naming the key and its line', () => {
    expect(() => loadConfig(file('typo.yaml', 'thresholds:\n  freshnesWindow: 2m\n'))).toThrow(
      /thresholds \(line 2\) must NOT have additional properties "freshnesWindow"/,
    )
    expect(() => loadConfig(file('type.yaml', 'thresholds:\n  podRestarts: many\n'))).toThrow(/thresholds\.podRestarts \(line 2\) must be integer/)
    expect(() => loadConfig(file('sev.yaml', 'severity:\n  kube/pvc: urgent\n'))).toThrow(
      /severity\.kube\/pvc \(line 2\) must be equal to one of the allowed values/,
    )
    expect(() => loadConfig(file('bad.yaml', 'thresholds: [\n'))).toThrow(/is not valid YAML \(line \d\)/)
    expect(() => loadConfig(join(dir, 'missing.yaml'))).toThrow(/does not exist/)
  })

  test('doctor with an invalid config stops before any network call: exit 2, one line', async () => {
    const r = await runCli(['doctor', '--config', file('cli.yaml', 'failOn: sometimes\n'), '--clickhouse-url', 'http://127.0.0.1:9'])
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n')[0]).toMatch(/^signoz-ha: config file .*cli\.yaml: failOn \(line 1\) must be equal to one of the allowed values/)
  })
})

describe('--watch changes between runs', () => {
  test('new failures, recoveries and moved subjects are named', () => {
    const before = report()
    const after = buildReport(
      [
        {...results[0]!, status: 'fail', findings: [{subject: 'h1', ok: false, message: 'does not answer'}]},
        {...results[1]!, findings: [results[1]!.findings[0]!, {subject: 'web-2', ok: false, message: 'Pending'}]},
        {...results[2]!, status: 'pass', reason: undefined, findings: [{subject: 'x', ok: true, message: 'ok'}]},
      ],
      before.target,
      [],
      '0.1.0',
    )
    const changes = diffReports(before, after)
    expect(changes).toEqual([
      {id: 'clickhouse/reachable', kind: 'new-failure', detail: 'h1'},
      {id: 'kube/pods-pending', kind: 'changed', detail: 'now also web-2; no longer web-1'},
    ])
    expect(diffReports(after, before).map((c) => c.kind)).toEqual(['recovered', 'changed', 'now-skipped'])
    expect(renderChanges([], new Date('2026-11-25T03:00:00Z'))).toBe('no change since 2026-11-25T03:00:00.000Z')
  })
})
