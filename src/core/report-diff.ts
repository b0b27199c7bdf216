import type {Report} from './report.js'

export interface ReportChange {
  id: string
  kind: 'new-failure' | 'recovered' | 'changed' | 'now-skipped' | 'now-errored'
  detail: string
}

const failingSubjects = (report: Report, id: string) =>
  new Set(
    report.results
      .find((r) => r.id === id)
      ?.findings.filter((f) => !f.ok)
      .map((f) => f.subject) ?? [],
  )

/** What changed between two runs, check by check: new failures, recoveries, failing subjects that moved. */
export function diffReports(previous: Report, next: Report): ReportChange[] {
  const before = new Map(previous.results.map((r) => [r.id, r]))
  const changes: ReportChange[] = []
  for (const r of next.results) {
    const was = before.get(r.id)
    if (!was) continue
    if (r.status === 'fail' && was.status !== 'fail')
      changes.push({
        id: r.id,
        kind: 'new-failure',
        detail: r.findings
          .filter((f) => !f.ok)
          .map((f) => f.subject)
          .join(', '),
      })
    else if (r.status !== 'fail' && was.status === 'fail')
      changes.push({id: r.id, kind: r.status === 'pass' ? 'recovered' : r.status === 'skip' ? 'now-skipped' : 'now-errored', detail: r.reason ?? ''})
    else if (r.status === 'fail') {
      const then = failingSubjects(previous, r.id)
      const now = failingSubjects(next, r.id)
      const added = [...now].filter((s) => !then.has(s))
      const gone = [...then].filter((s) => !now.has(s))
      if (added.length || gone.length)
        changes.push({
          id: r.id,
          kind: 'changed',
          detail: [added.length && `now also ${added.join(', ')}`, gone.length && `no longer ${gone.join(', ')}`].filter(Boolean).join('; '),
        })
    } else if (r.status !== was.status && (r.status === 'skip' || r.status === 'error')) {
      changes.push({id: r.id, kind: r.status === 'skip' ? 'now-skipped' : 'now-errored', detail: r.reason ?? ''})
    }
  }
  return changes
}

/** One line per change, for the top of each --watch run. */
export function renderChanges(changes: readonly ReportChange[], since: Date): string {
  if (changes.length === 0) return `no change since ${since.toISOString()}`
  const mark = {'new-failure': '+', recovered: '-', changed: '~', 'now-skipped': '?', 'now-errored': '?'} as const
  return [
    `changes since ${since.toISOString()}:`,
    ...changes.map((c) => `  ${mark[c.kind]} ${c.id}: ${c.kind.replace('-', ' ')}${c.detail ? ` (${c.detail})` : ''}`),
  ].join('\n')
}
