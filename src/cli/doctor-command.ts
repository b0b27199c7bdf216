import type {ChalkInstance} from 'chalk'
import {ALL_CHECKS} from '../../checks/index.js'
import type {Severity} from '../core/check.js'
import {runDoctor} from '../doctor/run.js'
import {parseDuration} from '../core/duration.js'
import {UsageError} from '../core/errors.js'
import {exitCodeFor} from '../core/report.js'
import {selectChecks} from '../core/select.js'
import {resolveThresholds, thresholdOverrides} from '../core/config.js'
import {loadConfig} from './config-file.js'
import {openClickHouseFleet} from '../gateways/factory.js'
import {renderJson} from '../render/json.js'
import {renderJunit} from '../render/junit.js'
import {renderMarkdown} from '../render/markdown.js'
import {renderSarif} from '../render/sarif.js'
import {renderText} from '../render/text.js'
import {runbookOf} from '../../runbooks/index.js'
import {renderDoctorHtml} from '../render/html.js'
import {runLogLine} from '../render/log-line.js'
import type {Report} from '../core/report.js'
import type {ExportOutcome} from '../gateways/otlp.js'
import type {ChalkInstance as Chalk} from 'chalk'
import type {KubeTarget} from '../core/check.js'
import {sessionBounds, withSession, type Session, type SessionFlags} from './session.js'
import {trace} from '../core/trace.js'

export interface DoctorFlags extends SessionFlags {
  cluster?: string
  shards?: number
  replicas?: number
  only?: string[]
  skip?: string[]
  'fail-on'?: string
  config?: string
  'freshness-window'?: string
  'max-replica-delay'?: string
  concurrency: number
  verbose: boolean
  /** Run on a support bundle (signoz-ha bundle) instead of a cluster. */
  'from-bundle'?: string
  /** Send the run over OTLP/HTTP too. */
  export?: string
  'otlp-endpoint'?: string
  'otlp-header'?: string[]
  'otlp-protocol'?: string
  'otlp-timeout'?: string
}

/** How a run is exported (flags over the OTEL_EXPORTER_OTLP_* variables); checked before anything is read. */
export function exportSetup(flags: Pick<DoctorFlags, 'export' | 'otlp-endpoint' | 'otlp-header' | 'otlp-protocol' | 'otlp-timeout'>) {
  if (!flags.export) return undefined
  if (flags.export !== 'otlp') throw new UsageError(`--export ${flags.export}: only otlp is supported`)
  const protocol = flags['otlp-protocol']
  if (protocol && protocol !== 'http/protobuf' && protocol !== 'http/json') throw new UsageError(`--otlp-protocol ${protocol}: use http/protobuf or http/json`)
  const endpoint = flags['otlp-endpoint']
  if (endpoint && !/^https?:\/\/[^/\s]+/.test(endpoint)) throw new UsageError(`--otlp-endpoint ${endpoint} is not an http(s) URL`)
  const headers: Record<string, string> = {}
  for (const pair of (flags['otlp-header'] ?? []).flatMap((p) => p.split(','))) {
    const i = pair.indexOf('=')
    if (i <= 0) throw new UsageError(`--otlp-header ${pair.replace(/=.*/, '=…')}: not KEY=VALUE`)
    headers[pair.slice(0, i).trim()] = pair.slice(i + 1).trim()
  }
  return {
    endpoint,
    headers: Object.keys(headers).length ? headers : undefined,
    protocol,
    timeoutMs: flags['otlp-timeout'] ? parseDuration(flags['otlp-timeout'], '--otlp-timeout') : undefined,
  }
}

/** Sends a finished run over OTLP; the outcome never changes doctor's exit code or report. */
export async function exportReport(report: Report, setup: NonNullable<ReturnType<typeof exportSetup>>, version: string) {
  const [{exportRun}, {reportSeries, failingFindingRecords}] = await Promise.all([import('../gateways/otlp.js'), import('../core/series.js')])
  return exportRun(reportSeries(report), failingFindingRecords(report), {...setup, version})
}

/** Everything doctor does after flag parsing; returns what to print and the exit code. */
export type ReportFormat = 'text' | 'json' | 'junit' | 'sarif' | 'markdown' | 'line' | 'html'

/** The report in one of the output formats (all pure renderers). */
export function renderReport(report: Report, format: ReportFormat, options: {chalk: Chalk; verbose: boolean}): string {
  switch (format) {
    case 'json':
      return renderJson(report)
    case 'junit':
      return renderJunit(report)
    case 'sarif':
      return renderSarif(report, ALL_CHECKS)
    case 'markdown':
      return renderMarkdown(report)
    case 'line':
      return runLogLine(report)
    case 'html':
      return renderDoctorHtml(report, {runbookOf})
    default:
      return renderText(report, options)
  }
}

/** What doctor's flags and config file decide before anything is read: checks, thresholds, bounds. */
export function doctorSetup(flags: DoctorFlags) {
  const {timeoutMs, hostTimeoutMs} = sessionBounds(flags)
  const {config} = loadConfig(flags.config)
  // Precedence: flags (and their env vars) over the config file over the defaults.
  const checks = selectChecks(ALL_CHECKS, {only: flags.only, skip: [...(flags.skip ?? []), ...(config.disable ?? [])]})
  const thresholds = resolveThresholds(config.thresholds, thresholdOverrides(flags))
  const failOn = (flags['fail-on'] ?? config.failOn ?? 'warning') as Severity | 'none'
  // A check may wait on one hung host at most, plus its own work.
  return {timeoutMs, hostTimeoutMs, config, checks, thresholds, failOn, checkTimeoutMs: Math.min(timeoutMs, hostTimeoutMs * 2 + 2000)}
}

/** The layout doctor expects: the flags, else the serving installation's. */
export function expectationsFor(flags: Pick<DoctorFlags, 'cluster' | 'shards' | 'replicas'>, kube: KubeTarget | undefined) {
  const active = kube?.context.deployment.active
  return {
    cluster: flags.cluster ?? active?.cluster ?? 'cluster',
    shards: flags.shards ?? active?.shards,
    replicasPerShard: flags.replicas ?? active?.replicasPerShard,
  }
}

/** One doctor run: the report, its rendering, the exit code, the --stats line, and the OTLP export when there was one. */
export interface DoctorRun {
  report: Report
  output: string
  exitCode: number
  stats: string
  warning?: string
  exported?: ExportOutcome
}

export async function doctorCommand(flags: DoctorFlags, io: {format: ReportFormat; chalk: ChalkInstance; version: string}): Promise<DoctorRun> {
  const started = performance.now()
  const setup = doctorSetup(flags)
  const exporting = exportSetup(flags)
  if (flags['from-bundle']) return doctorFromBundle(flags, io, {...setup, started})
  trace('doctor: start')
  return withSession(flags, async (session): Promise<DoctorRun> => {
    trace('doctor: kubernetes snapshot read')
    const {report, fleet} = await doctorReport(session, setup, flags, io.version)
    const kube = session.kube
    const durationMs = Math.round(performance.now() - started)
    const apiRequests = kube?.gateway.requests ?? 0
    const streams = kube?.gateway.streamsOpened ?? 0
    const retried = [...(kube?.gateway.retried.entries ?? []), ...(fleet.retried?.entries ?? [])]
    const apiConnections = kube?.gateway.connectionsOpened ?? 0
    report.stats = {durationMs, queries: fleet.queryCount(), apiRequests, portForwardStreams: streams, apiConnections, ...(retried.length ? {retried} : {})}
    const exported = exporting ? await exportReport(report, exporting, io.version) : undefined
    return {
      report,
      output: io.format === 'line' ? runLogLine(report, exported) : renderReport(report, io.format, {chalk: io.chalk, verbose: flags.verbose}),
      exitCode: exitCodeFor(report, setup.failOn),
      stats: `doctor: ${durationMs}ms, ${fleet.queryCount()} ClickHouse queries over ${fleet.hosts.length} hosts, ${apiRequests} Kubernetes API requests (${streams} of them port-forward streams) over ${apiConnections} connections${retried.length ? `; ${retried.length} reads retried (${retried.reduce((n, r) => n + r.attempts - 1, 0)} attempts more; ${retried.filter((r) => !r.succeeded).length} gave up)` : ''}${exported ? `; export otlp: ${exported.ok ? 'ok' : 'failed'} (${exported.metricPoints} metric points, ${exported.logRecords} log records, ${exported.durationMs}ms)` : ''}`,
      ...(exported && !exported.ok ? {warning: `export otlp failed: ${exported.error}`} : {}),
      exported,
    }
  })
}

/**
 * doctor's checks on a session: the ClickHouse hosts opened only when a selected check reads
 * them (no port-forward nor probe otherwise). The same for a doctor run and for a remediation's
 * diagnosis and verification.
 */
export async function doctorReport(
  session: Session,
  setup: Pick<ReturnType<typeof doctorSetup>, 'checks' | 'thresholds' | 'config' | 'checkTimeoutMs' | 'hostTimeoutMs'>,
  flags: Pick<DoctorFlags, 'cluster' | 'shards' | 'replicas' | 'concurrency'>,
  version: string,
) {
  const needsClickHouse = setup.checks.some((c) => c.requires.includes('clickhouse') || c.requires.includes('hosts'))
  const fleet = needsClickHouse ? await session.fleet() : await openClickHouseFleet([], setup.hostTimeoutMs, session.signal)
  trace('doctor: ClickHouse hosts probed')
  const kube = session.kube
  try {
    const report = await runDoctor(fleet, {
      checks: setup.checks,
      expect: expectationsFor(flags, kube),
      thresholds: setup.thresholds,
      policy: setup.config,
      concurrency: flags.concurrency,
      checkTimeoutMs: setup.checkTimeoutMs,
      signal: session.signal,
      version,
      kube: kube ? {context: kube.context, contextName: kube.contextName, unavailable: kube.unavailable} : undefined,
      onResult: (r) => trace(`check ${r.id} ${r.status}`),
    })
    return {report, fleet}
  } finally {
    // The session closes the fleet it opened; an empty one is this run's own.
    if (!needsClickHouse) await fleet.close()
  }
}

/**
 * doctor --from-bundle: the same checks on what a bundle recorded, through the same fleet and
 * Kubernetes interfaces, at the moment it was collected. Its thresholds and expected layout are
 * the recorded run's unless flags say otherwise.
 */
async function doctorFromBundle(
  flags: DoctorFlags,
  io: {format: ReportFormat; chalk: ChalkInstance; version: string},
  setup: Pick<ReturnType<typeof doctorSetup>, 'config' | 'checks' | 'thresholds' | 'failOn' | 'checkTimeoutMs'> & {started: number},
) {
  const {openBundle} = await import('../bundle/replay.js')
  const bundle = openBundle(flags['from-bundle']!)
  const recorded = bundle.replay
  const thresholdsGiven = flags['freshness-window'] !== undefined || flags['max-replica-delay'] !== undefined || flags.config !== undefined
  const report = await runDoctor(bundle.fleet, {
    checks: setup.checks,
    expect: {
      cluster: flags.cluster ?? recorded.expect.cluster,
      shards: flags.shards ?? recorded.expect.shards,
      replicasPerShard: flags.replicas ?? recorded.expect.replicasPerShard,
    },
    thresholds: thresholdsGiven ? setup.thresholds : recorded.thresholds,
    policy: setup.config,
    concurrency: flags.concurrency,
    checkTimeoutMs: setup.checkTimeoutMs,
    signal: new AbortController().signal,
    version: io.version,
    now: bundle.collectedAt,
    kube: bundle.kube,
  })
  report.source = {bundle: flags['from-bundle']!, collectedAt: recorded.collectedAt}
  const durationMs = Math.round(performance.now() - setup.started)
  report.stats = {durationMs, queries: 0, apiRequests: 0, portForwardStreams: 0}
  return {
    report,
    output: renderReport(report, io.format, {chalk: io.chalk, verbose: flags.verbose}),
    exitCode: exitCodeFor(report, setup.failOn),
    stats: `doctor: ${durationMs}ms, from bundle ${flags['from-bundle']} (no cluster contacted)`,
  }
}
