import type {Report} from '../core/report.js'
import type {ExportOutcome} from '../gateways/otlp.js'

/** A run as one JSON line (doctor -o line, serve): what a log pipeline or a CronJob's log keeps. */
export function runLogLine(report: Report, exported?: ExportOutcome, now = new Date()): string {
  return JSON.stringify({
    time: now.toISOString(),
    msg: 'run',
    status: report.status,
    durationMs: report.stats?.durationMs,
    summary: report.summary,
    failing: report.results.filter((r) => r.status === 'fail').map((r) => r.id),
    // What was not checked and why, one entry per cause (a permission the monitor lacks, a host down).
    notChecked: notChecked(report),
    ...(report.errors.length ? {errors: report.errors} : {}),
    ...(exported
      ? {export: {ok: exported.ok, metricPoints: exported.metricPoints, logRecords: exported.logRecords, ...(exported.error ? {error: exported.error} : {})}}
      : {}),
  })
}

function notChecked(report: Report): {reason: string; checks: string[]}[] {
  const byReason = new Map<string, string[]>()
  for (const r of report.results) if (r.status === 'skip') byReason.set(r.reason ?? 'skipped', [...(byReason.get(r.reason ?? 'skipped') ?? []), r.id])
  return [...byReason].map(([reason, checks]) => ({reason, checks}))
}
