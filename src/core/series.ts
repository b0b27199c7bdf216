import {postureScore} from './posture.js'
import type {Report} from './report.js'

/**
 * What a doctor run publishes, as metric series and log records: the same for OTLP and for
 * Prometheus, so an alert written on one holds on the other. Pure: from the report only.
 */
export const METRIC = {
  checkStatus: 'signoz_ha_check_status',
  runDuration: 'signoz_ha_run_duration_seconds',
  failingChecks: 'signoz_ha_failing_checks',
  postureScore: 'signoz_ha_posture_score',
  lastRun: 'signoz_ha_last_run_timestamp_seconds',
  runErrors: 'signoz_ha_run_errors_total',
  runs: 'signoz_ha_runs_total',
} as const

export const METRIC_HELP: Record<(typeof METRIC)[keyof typeof METRIC], string> = {
  signoz_ha_check_status: 'One series per check and subject: 0 pass, 1 fail, 2 error (skipped checks have none).',
  signoz_ha_run_duration_seconds: 'Wall time of the last doctor run.',
  signoz_ha_failing_checks: 'Checks failing in the last run, by severity.',
  signoz_ha_posture_score: 'HA posture, 0-100 (see signoz-ha checks list).',
  signoz_ha_last_run_timestamp_seconds: 'When the last doctor run finished (Unix seconds).',
  signoz_ha_run_errors_total: 'Runs that could not complete (status error) since serve started.',
  signoz_ha_runs_total: 'Doctor runs since serve started.',
}

export interface Point {
  labels: Record<string, string>
  value: number
}

export interface ReportSeries {
  checkStatus: Point[]
  runDurationSeconds: number
  failingChecks: Point[]
  postureScore: number | null
}

const STATUS_VALUE = {pass: 0, fail: 1, error: 2} as const

/** Every check and subject with its status; a check that errored is one series with subject "". */
export function reportSeries(report: Report): ReportSeries {
  const checkStatus: Point[] = []
  for (const r of report.results) {
    if (r.status === 'skip') continue
    const base = {check: r.id, severity: r.severity, runbook: r.runbook}
    if (r.status === 'error' || r.findings.length === 0) {
      checkStatus.push({labels: {...base, subject: ''}, value: STATUS_VALUE[r.status === 'error' ? 'error' : 'pass']})
      continue
    }
    // A subject reported twice by one check (two findings) is failing if either fails.
    const bySubject = new Map<string, number>()
    for (const f of r.findings) bySubject.set(f.subject, Math.max(bySubject.get(f.subject) ?? 0, f.ok ? 0 : 1))
    for (const [subject, value] of bySubject) checkStatus.push({labels: {...base, subject}, value})
  }
  const failingChecks = (['critical', 'warning', 'info'] as const).map((severity) => ({
    labels: {severity},
    value: report.results.filter((r) => r.status === 'fail' && r.severity === severity).length,
  }))
  return {checkStatus, runDurationSeconds: (report.stats?.durationMs ?? 0) / 1000, failingChecks, postureScore: postureScore(report).score}
}

export interface FindingRecord {
  severity: 'ERROR' | 'WARN' | 'INFO'
  /** OpenTelemetry severity numbers: ERROR 17, WARN 13, INFO 9. */
  severityNumber: number
  body: string
  attributes: Record<string, string>
}

const SEVERITY = {critical: ['ERROR', 17], warning: ['WARN', 13], info: ['INFO', 9]} as const

/** One log record per failing finding: what SigNoz's log explorer shows. */
export function failingFindingRecords(report: Report): FindingRecord[] {
  const out: FindingRecord[] = []
  for (const r of report.results) {
    if (r.status !== 'fail') continue
    const [severity, severityNumber] = SEVERITY[r.severity]
    for (const f of r.findings.filter((x) => !x.ok)) {
      out.push({
        severity,
        severityNumber,
        body: `${r.id} ${f.subject}: ${f.message}`,
        attributes: {
          'signoz_ha.check': r.id,
          'signoz_ha.severity': r.severity,
          'signoz_ha.subject': f.subject,
          'signoz_ha.runbook': `signoz-ha runbook show ${r.runbook}`,
          'signoz_ha.evidence': JSON.stringify(f.evidence ?? {}),
        },
      })
    }
  }
  return out
}
