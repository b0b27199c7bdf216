import type {Report} from '../core/report.js'

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')

/** The report as an incident ticket: what is wrong first, with evidence and the runbook, passes folded away. */
export function renderMarkdown(report: Report, now: Date = new Date()): string {
  const t = report.target
  const s = report.summary
  const failing = report.results.filter((r) => r.status === 'fail')
  const incomplete = report.results.filter((r) => r.status === 'error' || r.status === 'skip')
  const lines = [
    `# SigNoz HA doctor: ${report.status === 'ok' ? 'healthy' : report.status === 'problems' ? 'problems found' : 'incomplete run'}`,
    '',
    `- **When**: ${now.toISOString()}`,
    `- **Where**: ${[t.context && `context \`${t.context}\``, t.namespace && `namespace \`${t.namespace}\``, t.release && `release \`${t.release}\``].filter(Boolean).join(', ') || 'ClickHouse only'}`,
    `- **ClickHouse**: ${t.clickhouse.version ?? 'unknown'}, cluster \`${t.clickhouse.cluster}\`, ${t.clickhouse.shards ?? '?'}×${t.clickhouse.replicasPerShard ?? '?'}, ${t.clickhouse.hosts} hosts`,
    `- **Summary**: ${s.critical} critical, ${s.warning} warning, ${s.info} info, ${s.passed} passed, ${s.skipped} skipped, ${s.errored} errored`,
    '',
  ]
  if (failing.length) {
    lines.push('## Findings', '', '| severity | check | subject | finding |', '|---|---|---|---|')
    for (const r of failing)
      for (const f of r.findings.filter((x) => !x.ok)) lines.push(`| ${r.severity} | \`${r.id}\` | ${cell(f.subject)} | ${cell(f.message)} |`)
    lines.push('')
    for (const r of failing) {
      lines.push(`### ${r.title} (\`${r.id}\`, ${r.severity})`, '')
      for (const f of r.findings.filter((x) => !x.ok)) {
        lines.push(`- **${f.subject}**: ${f.message}`)
        if (f.evidence && Object.keys(f.evidence).length) lines.push('', '  ```json', `  ${JSON.stringify(f.evidence)}`, '  ```')
      }
      lines.push('', `Runbook: \`signoz-ha runbook show ${r.runbook}\``, '')
    }
  }
  if (incomplete.length || report.errors.length) {
    lines.push('## Not checked', '')
    for (const e of report.errors) lines.push(`- error: ${e}`)
    for (const r of incomplete) lines.push(`- \`${r.id}\` ${r.status === 'error' ? 'errored' : 'skipped'}: ${r.reason ?? ''}`)
    lines.push('')
  }
  const passed = report.results.filter((r) => r.status === 'pass')
  if (passed.length) {
    lines.push('<details><summary>Passed checks</summary>', '')
    for (const r of passed) lines.push(`- \`${r.id}\`: ${r.title}`)
    lines.push('', '</details>')
  }
  return lines.join('\n')
}
