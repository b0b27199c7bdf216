import type {Report} from '../core/report.js'

/** A run as one JSON line (doctor -o line, serve): what a log pipeline or a CronJob's log keeps. */
export function runLogLine(report: Report, extra: Record<string, unknown> = {}, now = new Date()): string {
  return JSON.stringify({
    time: now.toISOString(),
    msg: 'run',
    status: report.status,
    durationMs: report.stats?.durationMs,
    summary: report.summary,
    failing: report.results.filter((r) => r.status === 'fail').map((r) => r.id),
    ...(report.errors.length ? {errors: report.errors} : {}),
    ...extra,
  })
}
