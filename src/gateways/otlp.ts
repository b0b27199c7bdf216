import {SeverityNumber} from '@opentelemetry/api'
import {detectResources, envDetector, resourceFromAttributes, type Resource} from '@opentelemetry/resources'
import {BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter} from '@opentelemetry/sdk-logs'
import {AggregationTemporality, MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter} from '@opentelemetry/sdk-metrics'
import {UsageError} from '../core/errors.js'
import {METRIC, METRIC_HELP, type FindingRecord, type ReportSeries} from '../core/series.js'

/**
 * OTLP/HTTP export of a doctor run with the official OpenTelemetry JS exporters: metrics (one
 * gauge per check and subject, the run's duration, failing checks per severity, the posture score)
 * and one log record per failing finding. Configured by the standard OTEL_EXPORTER_OTLP_* and
 * OTEL_RESOURCE_ATTRIBUTES variables, which the flags override. The only module that imports the
 * OpenTelemetry SDK; loaded only when a run exports.
 */
export interface OtlpOptions {
  /** Base URL (as OTEL_EXPORTER_OTLP_ENDPOINT): /v1/metrics and /v1/logs are appended. */
  endpoint?: string
  headers?: Record<string, string>
  timeoutMs?: number
  /** http/protobuf (the spec's default) or http/json. */
  protocol?: string
  version: string
}

export interface ExportOutcome {
  ok: boolean
  /** The SDK is still retrying in the background: a one-shot process should exit rather than wait for it. */
  pending: boolean
  /** What failed, one line (the collector unreachable, an HTTP status). */
  error?: string
  metricPoints: number
  logRecords: number
  durationMs: number
}

function protocolOf(options: OtlpOptions, signal: 'METRICS' | 'LOGS'): 'http/protobuf' | 'http/json' {
  const p = options.protocol ?? process.env[`OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`] ?? process.env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf'
  if (p === 'http/protobuf' || p === 'http/json') return p
  throw new UsageError(`OTLP protocol ${p} is not supported`, 'use http/protobuf or http/json (OTLP over HTTP)')
}

function endpointUrl(base: string | undefined, path: string): string | undefined {
  if (!base) return undefined
  try {
    const url = new URL(base)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme')
  } catch {
    throw new UsageError(`OTLP endpoint ${base} is not an http(s) URL`)
  }
  return `${base.replace(/\/+$/, '')}${path}`
}

/** An exporter that remembers how its exports ended (the SDK's own callbacks, unchanged). */
function watched<T extends {export(items: never, done: (r: {code: number; error?: Error}) => void): void}>(
  exporter: T,
  outcomes: {code: number; error?: Error}[],
): T {
  const original = exporter.export.bind(exporter)
  exporter.export = ((items: never, done: (r: {code: number; error?: Error}) => void) =>
    original(items, (r) => {
      outcomes.push(r)
      done(r)
    })) as T['export']
  return exporter
}

async function resourceFor(version: string): Promise<Resource> {
  // OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME over the tool's own.
  const detected = detectResources({detectors: [envDetector]})
  await detected.waitForAsyncAttributes?.()
  return resourceFromAttributes({'service.name': 'signoz-ha', 'service.version': version}).merge(detected)
}

const DEFAULT_TIMEOUT_MS = 5000

const oneLine = (error: Error | undefined) => (error?.message ?? 'export failed').split('\n')[0]!

/** Sends one run's series and failing findings; never throws for a collector that is down. */
export async function exportRun(series: ReportSeries, records: readonly FindingRecord[], options: OtlpOptions): Promise<ExportOutcome> {
  const started = performance.now()
  const metricsProtocol = protocolOf(options, 'METRICS')
  const logsProtocol = protocolOf(options, 'LOGS')
  const base = options.endpoint
  // One bound for each export, retries included: a collector that is down costs this much, once.
  const timeoutMs = options.timeoutMs ?? (Number(process.env.OTEL_EXPORTER_OTLP_TIMEOUT) || DEFAULT_TIMEOUT_MS)
  const common = {headers: options.headers, timeoutMillis: timeoutMs}
  const metricsUrl = endpointUrl(base, '/v1/metrics')
  const logsUrl = endpointUrl(base, '/v1/logs')
  const outcomes: {code: number; error?: Error}[] = []
  const resource = await resourceFor(options.version)

  const MetricExporter =
    metricsProtocol === 'http/json'
      ? (await import('@opentelemetry/exporter-metrics-otlp-http')).OTLPMetricExporter
      : (await import('@opentelemetry/exporter-metrics-otlp-proto')).OTLPMetricExporter
  // Gauges: each run states the values of its moment.
  const metricExporter = watched(
    new MetricExporter({...common, ...(metricsUrl ? {url: metricsUrl} : {}), temporalityPreference: AggregationTemporality.CUMULATIVE}) as PushMetricExporter,
    outcomes,
  )
  const reader = new PeriodicExportingMetricReader({exporter: metricExporter, exportIntervalMillis: 2_147_483_647, exportTimeoutMillis: timeoutMs})
  const meters = new MeterProvider({resource, readers: [reader]})
  const meter = meters.getMeter('signoz-ha', options.version)
  let metricPoints = 0
  meter.createObservableGauge(METRIC.checkStatus, {description: METRIC_HELP[METRIC.checkStatus]}).addCallback((r) => {
    for (const p of series.checkStatus) r.observe(p.value, p.labels)
  })
  meter
    .createObservableGauge(METRIC.runDuration, {description: METRIC_HELP[METRIC.runDuration], unit: 's'})
    .addCallback((r) => r.observe(series.runDurationSeconds))
  meter.createObservableGauge(METRIC.failingChecks, {description: METRIC_HELP[METRIC.failingChecks]}).addCallback((r) => {
    for (const p of series.failingChecks) r.observe(p.value, p.labels)
  })
  if (series.postureScore !== null)
    meter.createObservableGauge(METRIC.postureScore, {description: METRIC_HELP[METRIC.postureScore]}).addCallback((r) => r.observe(series.postureScore!))
  metricPoints = series.checkStatus.length + 1 + series.failingChecks.length + (series.postureScore === null ? 0 : 1)

  const LogExporter =
    logsProtocol === 'http/json'
      ? (await import('@opentelemetry/exporter-logs-otlp-http')).OTLPLogExporter
      : (await import('@opentelemetry/exporter-logs-otlp-proto')).OTLPLogExporter
  const logExporter = watched(new LogExporter({...common, ...(logsUrl ? {url: logsUrl} : {})}) as LogRecordExporter, outcomes)
  const logs = new LoggerProvider({
    resource,
    processors: [
      new BatchLogRecordProcessor({
        exporter: logExporter,
        maxExportBatchSize: 2048,
        maxQueueSize: 4096,
        scheduledDelayMillis: 2_147_483_647,
        exportTimeoutMillis: timeoutMs,
      }),
    ],
  })
  const logger = logs.getLogger('signoz-ha', options.version)
  const now = Date.now()
  for (const r of records)
    logger.emit({timestamp: now, severityNumber: r.severityNumber as SeverityNumber, severityText: r.severity, body: r.body, attributes: r.attributes})

  // One deadline for the whole export: the SDK retries a refused connection with back-off past it.
  // Shutting down collects and exports once: the metrics in one request, the records in one batch.
  const done = Promise.allSettled([meters.shutdown(), logs.shutdown()]).then(() => true)
  const inTime = await Promise.race([done, new Promise<false>((resolve) => setTimeout(() => resolve(false), timeoutMs + 250).unref())])
  if (!inTime || outcomes.length < (records.length > 0 ? 2 : 1))
    outcomes.push({code: 1, error: new Error(`the collector did not answer within ${timeoutMs}ms`)})
  const failed = outcomes.find((o) => o.code !== 0)
  return {
    pending: !inTime,
    ok: !failed && outcomes.length > 0,
    ...(failed ? {error: oneLine(failed.error)} : outcomes.length === 0 ? {error: 'nothing was exported'} : {}),
    metricPoints,
    logRecords: records.length,
    durationMs: Math.round(performance.now() - started),
  }
}
