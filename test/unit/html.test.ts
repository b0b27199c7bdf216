import {describe, expect, test} from 'vitest'
import {buildReport} from '../../src/core/report.js'
import type {CheckResult} from '../../src/core/runner.js'
import {runbookOf} from '../../runbooks/index.js'
import {renderDoctorHtml} from '../../src/render/html.js'

/**
 * doctor -o html is a pure renderer of the report: the same checks, findings and counts as the
 * JSON (a drift test), everything from the cluster escaped, no script, nothing fetched.
 */
const EVIL = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>"'&`
const result = (r: Partial<CheckResult> & Pick<CheckResult, 'id' | 'status'>): CheckResult => ({
  title: r.id,
  severity: 'critical',
  durationMs: 1,
  runbook: 'x',
  findings: [],
  ...r,
})
const report = buildReport(
  [
    result({
      id: 'clickhouse/reachable',
      status: 'fail',
      runbook: 'clickhouse-host-down',
      findings: [
        {subject: 'chi-signoz-clickhouse-cluster-0-0-0', ok: true, message: 'answers', evidence: {shard: '0'}},
        {subject: 'chi-signoz-clickhouse-cluster-0-1-0', ok: false, message: `does not answer: ${EVIL}`, evidence: {shard: '0', error: EVIL}},
      ],
    }),
    result({
      id: 'kube/crashloops',
      status: 'fail',
      severity: 'critical',
      runbook: 'crashloop',
      findings: [{subject: `collector/${EVIL}`, ok: false, message: `CrashLoopBackOff: ${EVIL}`, evidence: {log: [EVIL, 'second line']}}],
    }),
    result({
      id: 'signoz/retention',
      status: 'fail',
      severity: 'warning',
      runbook: 'retention',
      findings: [{subject: 'chi-signoz-clickhouse-cluster-0-0-0/signoz_logs.logs_v2', ok: false, message: 'no TTL'}],
    }),
    result({id: 'clickhouse/errors', status: 'skip', reason: `ClickHouse 18.16 ${EVIL}`}),
    result({id: 'keeper/quorum', status: 'pass', findings: [{subject: 'zk', ok: true, message: 'fine'}]}),
  ],
  {namespace: 'platform', release: 'signoz', clickhouse: {version: '26.7.2.1', cluster: 'cluster', shards: 1, replicasPerShard: 2, hosts: 2}},
  [],
  '0.1.0',
)

describe('doctor -o html', () => {
  const html = renderDoctorHtml(report, {generatedAt: '2026-12-04T00:00:00Z', runbookOf})

  test('nothing from the cluster is markup: every < of theirs is escaped; the page carries no script and fetches nothing', () => {
    expect(html).not.toContain('<script')
    expect(html).not.toContain('<img')
    expect(html).not.toContain(`onerror="window`)
    expect(html).toContain('&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;&lt;script&gt;window.__pwned=2&lt;/script&gt;&quot;&#39;&amp;')
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`)
    expect(html).not.toMatch(/\b(src|href)=["']?(https?:|\/\/)/)
  })

  test('drift: the same checks, failing findings and counts as the JSON document', () => {
    for (const r of report.results) expect(html).toContain(r.id)
    const s = report.summary
    expect(html).toContain(`${s.critical} critical · ${s.warning} warning · ${s.info} info · ${s.passed} passed · ${s.skipped} skipped · ${s.errored} errored`)
    for (const r of report.results.filter((x) => x.status === 'fail')) {
      expect(html).toContain(`data-check="${r.id}"`)
      expect(html).toContain(`Runbook: ${runbookOf(r.runbook)!.title}`)
    }
  })

  test("each failing check carries its runbook's steps, the commands filled with the run's namespace; an unknown runbook is named", () => {
    const card = html.slice(html.indexOf('data-check="clickhouse/reachable"'), html.indexOf('</section>', html.indexOf('data-check="clickhouse/reachable"')))
    const runbook = runbookOf('clickhouse-host-down')!
    for (const step of runbook.steps)
      expect(card).toContain(step.title.replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;'))
    expect(card).toContain('-n platform')
    expect(card).not.toContain('{namespace}')
    expect(card).toContain('signoz-ha runbook run clickhouse-host-down')
    const unknown = renderDoctorHtml(
      buildReport(
        [result({id: 'kube/x', status: 'fail', runbook: 'no-such', findings: [{subject: 's', ok: false, message: 'm'}]})],
        report.target,
        [],
        '0.1.0',
      ),
      {runbookOf},
    )
    expect(unknown).toContain('Runbook: <code>signoz-ha runbook show no-such</code>')
  })

  test('the grid has one cell per host, coloured by its worst finding', () => {
    const cells = [...html.matchAll(/data-host="([^"]+)" data-state="(\w+)"/g)].map((m) => [m[1], m[2]])
    expect(cells).toEqual([
      ['chi-signoz-clickhouse-cluster-0-0-0', 'warning'],
      ['chi-signoz-clickhouse-cluster-0-1-0', 'down'],
    ])
  })
})
