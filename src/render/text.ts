import type {ChalkInstance} from 'chalk'
import type {Report} from '../core/report.js'
import type {CheckResult} from '../core/runner.js'
import type {EvidenceValue} from '../core/check.js'

export interface TextOptions {
  chalk: ChalkInstance
  verbose: boolean
}

const STATUS_ORDER = {fail: 0, error: 1, skip: 2, pass: 3} as const
const SEVERITY_ORDER = {critical: 0, warning: 1, info: 2} as const

const area = (id: string) => id.split('/')[0]!

function mark(r: CheckResult, c: ChalkInstance): string {
  switch (r.status) {
    case 'fail':
      return r.severity === 'critical' ? c.red('✗') : r.severity === 'warning' ? c.yellow('!') : c.blue('i')
    case 'error':
      return c.magenta('?')
    case 'skip':
      return c.gray('-')
    default:
      return c.green('✓')
  }
}

const short = (v: EvidenceValue): string => {
  const text = typeof v === 'string' ? v : JSON.stringify(v)
  return text.length > 160 ? `${text.slice(0, 157)}...` : text
}

/** The report for a person: grouped by area, failures first, evidence and the next command under each failure. */
export function renderText(report: Report, {chalk: c, verbose}: TextOptions): string {
  const lines: string[] = []
  const t = report.target
  const ch = t.clickhouse
  lines.push(
    c.bold('signoz-ha doctor') +
      c.gray(
        `  ${[t.context && `context ${t.context}`, t.namespace && `namespace ${t.namespace}`, t.release && `release ${t.release}`].filter(Boolean).join(', ')}` +
          `${t.namespace ? ' · ' : ''}ClickHouse ${ch.version ?? '?'} · cluster ${ch.cluster} · ${ch.shards ?? '?'}×${ch.replicasPerShard ?? '?'} · ${ch.hosts} hosts`,
      ),
  )
  if (report.source) lines.push(c.gray(`from bundle ${report.source.bundle}, collected ${report.source.collectedAt} (no cluster contacted)`))
  // One cause that skipped (or errored) several checks is said once, with the checks it kept from running.
  const byReason = new Map<string, CheckResult[]>()
  for (const r of report.results) if ((r.status === 'skip' || r.status === 'error') && r.reason) byReason.set(r.reason, [...(byReason.get(r.reason) ?? []), r])
  const shared = new Map([...byReason].filter(([, rs]) => rs.length > 1))
  const sharedResults = new Set([...shared.values()].flat())
  const listed = report.results.filter((r) => !sharedResults.has(r))
  const areas = [...new Set(listed.map((r) => area(r.id)))]
  const sorted = (rs: CheckResult[]) =>
    [...rs].sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity])
  // Areas with failures come first, too.
  const areaRank = (a: string) => Math.min(...listed.filter((r) => area(r.id) === a).map((r) => STATUS_ORDER[r.status]))
  for (const a of areas.sort((x, y) => areaRank(x) - areaRank(y))) {
    lines.push('', c.bold(a))
    for (const r of sorted(listed.filter((x) => area(x.id) === a))) {
      const label = r.status === 'fail' ? `${r.severity}` : r.status
      lines.push(`  ${mark(r, c)} ${r.title} ${c.gray(`(${r.id}, ${label}${r.durationMs ? `, ${r.durationMs}ms` : ''})`)}`)
      if (r.status === 'skip' || r.status === 'error') {
        if (r.reason) lines.push(`      ${c.gray(r.reason)}`)
        continue
      }
      const shown = r.findings.filter((f) => verbose || !f.ok)
      for (const f of shown.slice(0, verbose ? 1000 : 12)) {
        lines.push(
          `      ${f.ok ? c.green('ok  ') : c.red('FAIL')} ${c.bold(f.subject)}: ${f.message}${f.exemption ? c.gray(` (exempt: ${f.exemption})`) : ''}`,
        )
        if (!f.ok && f.evidence) {
          for (const [k, v] of Object.entries(f.evidence)) {
            if (v === null || (Array.isArray(v) && v.length === 0)) continue
            lines.push(`           ${c.gray(`${k}:`)} ${short(v)}`)
          }
        }
      }
      if (shown.length > 12 && !verbose) lines.push(c.gray(`      … ${shown.length - 12} more (use -o json for all)`))
      if (r.status === 'fail') lines.push(`      ${c.cyan('→')} signoz-ha runbook show ${r.runbook}`)
    }
  }
  if (shared.size > 0) {
    lines.push('', c.bold('not checked'))
    for (const [reason, rs] of shared) {
      const errored = rs.some((r) => r.status === 'error')
      lines.push(`  ${errored ? c.magenta('?') : c.gray('-')} ${reason}`)
      lines.push(c.gray(`      ${rs.length} checks ${errored ? 'errored' : 'skipped'}: ${rs.map((r) => r.id).join(', ')}`))
    }
  }
  const retried = report.stats?.retried ?? []
  if (verbose && retried.length > 0) {
    lines.push('', c.bold('retried'))
    for (const r of retried) lines.push(c.gray(`  ${r.request}: ${r.attempts} attempts, ${r.succeeded ? 'then answered' : 'gave up'} (${r.why})`))
  }
  const s = report.summary
  lines.push('')
  for (const e of report.errors) lines.push(c.red(`error: ${e}`))
  const verdict = report.status === 'ok' ? c.green('healthy') : report.status === 'problems' ? c.red('problems found') : c.magenta('incomplete')
  lines.push(
    `${c.bold(verdict)}: ${s.critical} critical, ${s.warning} warning, ${s.info} info, ${s.passed} passed, ${s.skipped} skipped, ${s.errored} errored` +
      (verbose ? '' : c.gray('  (--verbose shows passing findings)')),
  )
  return lines.join('\n')
}
