import {EXIT} from './exit-codes.js'
import {SEVERITY_RANK, type Severity} from './check.js'
import type {CheckResult} from './runner.js'

export const SCHEMA_VERSION = 1

export interface ReportTarget {
  context?: string
  namespace?: string
  release?: string
  clickhouse: {version: string | null; cluster: string; shards: number | null; replicasPerShard: number | null; hosts: number}
}

export interface Report {
  schemaVersion: 1
  tool: {name: 'signoz-ha'; version: string}
  target: ReportTarget
  status: 'ok' | 'problems' | 'error'
  summary: {critical: number; warning: number; info: number; passed: number; skipped: number; errored: number}
  results: CheckResult[]
  errors: string[]
  stats?: {
    durationMs: number
    queries: number
    apiRequests: number
    portForwardStreams?: number
    /** Connections opened to the API server (each a TCP and a TLS handshake; the rest of the requests rode kept ones). */
    apiConnections?: number
    /** Reads that needed more than one attempt (the API server shedding load, a host at its query limit, a reset stream), with the attempts and why. */
    retried?: {request: string; attempts: number; why: string; succeeded: boolean}[]
  }
  /** Set when the run read a support bundle instead of a cluster (doctor --from-bundle). */
  source?: {bundle: string; collectedAt: string}
}

export function buildReport(results: CheckResult[], target: ReportTarget, errors: string[], version: string): Report {
  const summary = {critical: 0, warning: 0, info: 0, passed: 0, skipped: 0, errored: 0}
  for (const r of results) {
    if (r.status === 'fail') summary[r.severity]++
    else if (r.status === 'pass') summary.passed++
    else if (r.status === 'skip') summary.skipped++
    else summary.errored++
  }
  const nothingRan = results.length > 0 && results.every((r) => r.status === 'skip' || r.status === 'error')
  const status = summary.errored > 0 || errors.length > 0 || nothingRan ? 'error' : summary.critical + summary.warning + summary.info > 0 ? 'problems' : 'ok'
  return {schemaVersion: SCHEMA_VERSION, tool: {name: 'signoz-ha', version}, target, status, summary, results, errors}
}

/** 3 when the run could not complete, 1 when a failure is at or above failOn, else 0. */
export function exitCodeFor(report: Report, failOn: Severity | 'none'): number {
  if (report.status === 'error') return EXIT.incomplete
  if (failOn === 'none') return EXIT.ok
  const threshold = SEVERITY_RANK[failOn]
  return report.results.some((r) => r.status === 'fail' && SEVERITY_RANK[r.severity] >= threshold) ? EXIT.findings : EXIT.ok
}
