import type {Report} from '../core/report.js'

const xml = (s: string) =>
  s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')

/**
 * JUnit XML for CI systems: one testsuite per area (clickhouse, kube, …), one testcase per
 * check; a failing check is a <failure> listing its failing findings, an errored one an
 * <error>, a skipped one <skipped> with the reason.
 */
export function renderJunit(report: Report): string {
  const areas = [...new Set(report.results.map((r) => r.id.split('/')[0]!))]
  const seconds = (ms: number) => (ms / 1000).toFixed(3)
  const count = (status: string, rs = report.results) => rs.filter((r) => r.status === status).length
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="signoz-ha doctor" tests="${report.results.length}" failures="${count('fail')}" errors="${count('error')}" skipped="${count('skip')}" time="${seconds(report.stats?.durationMs ?? 0)}">`,
  ]
  for (const area of areas) {
    const rs = report.results.filter((r) => r.id.split('/')[0] === area)
    lines.push(
      `  <testsuite name="${xml(area)}" tests="${rs.length}" failures="${count('fail', rs)}" errors="${count('error', rs)}" skipped="${count('skip', rs)}" time="${seconds(rs.reduce((n, r) => n + r.durationMs, 0))}">`,
    )
    for (const r of rs) {
      const open = `    <testcase classname="signoz-ha.${xml(area)}" name="${xml(r.id)}" time="${seconds(r.durationMs)}"`
      if (r.status === 'pass') {
        lines.push(`${open}/>`)
        continue
      }
      lines.push(`${open}>`)
      if (r.status === 'fail') {
        const failed = r.findings.filter((f) => !f.ok)
        const body = failed.map((f) => `${f.subject}: ${f.message}${f.evidence ? `\n  ${JSON.stringify(f.evidence)}` : ''}`).join('\n')
        lines.push(
          `      <failure type="${r.severity}" message="${xml(`${r.title}: ${failed.length} finding(s); runbook ${r.runbook}`)}">${xml(`${body}\n\nsignoz-ha runbook show ${r.runbook}`)}</failure>`,
        )
      } else if (r.status === 'error') {
        lines.push(`      <error message="${xml(r.reason ?? 'error')}"/>`)
      } else if (r.status === 'skip') {
        lines.push(`      <skipped message="${xml(r.reason ?? 'skipped')}"/>`)
      }
      lines.push('    </testcase>')
    }
    lines.push('  </testsuite>')
  }
  lines.push('</testsuites>')
  return lines.join('\n')
}
