import {createHash, randomBytes} from 'node:crypto'
import {createServer, type IncomingMessage, type Server} from 'node:http'
import {gunzipSync} from 'node:zlib'
import protobuf from 'protobufjs'

/**
 * The lab collector's OTLP/HTTP receiver (port 4318 of the collector Service): POST /v1/metrics
 * and /v1/logs, protobuf or JSON, gzip or not, as the OpenTelemetry exporters send them. What it
 * receives becomes rows the way SigNoz's collector writes them: samples and time series into
 * signoz_metrics, records into signoz_logs; the sink inserts them through the distributed tables.
 */

// The OTLP messages the receiver reads, by the field numbers of opentelemetry-proto (v1).
const PROTO = `
syntax = "proto3";
package otlp;
message AnyValue { oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7; } }
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message Scope { string name = 1; string version = 2; repeated KeyValue attributes = 3; }
message Resource { repeated KeyValue attributes = 1; }
message NumberDataPoint { repeated KeyValue attributes = 7; fixed64 start_time_unix_nano = 2; fixed64 time_unix_nano = 3; oneof value { double as_double = 4; sfixed64 as_int = 6; } }
message Gauge { repeated NumberDataPoint data_points = 1; }
message Sum { repeated NumberDataPoint data_points = 1; int32 aggregation_temporality = 2; bool is_monotonic = 3; }
message Metric { string name = 1; string description = 2; string unit = 3; oneof data { Gauge gauge = 5; Sum sum = 7; } }
message ScopeMetrics { Scope scope = 1; repeated Metric metrics = 2; }
message ResourceMetrics { Resource resource = 1; repeated ScopeMetrics scope_metrics = 2; }
message ExportMetricsServiceRequest { repeated ResourceMetrics resource_metrics = 1; }
message LogRecord { fixed64 time_unix_nano = 1; fixed64 observed_time_unix_nano = 11; int32 severity_number = 2; string severity_text = 3; AnyValue body = 5; repeated KeyValue attributes = 6; bytes trace_id = 9; bytes span_id = 10; }
message ScopeLogs { Scope scope = 1; repeated LogRecord log_records = 2; }
message ResourceLogs { Resource resource = 1; repeated ScopeLogs scope_logs = 2; }
message ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; }
`
const root = protobuf.parse(PROTO, {keepCase: true}).root
const MetricsRequest = root.lookupType('otlp.ExportMetricsServiceRequest')
const LogsRequest = root.lookupType('otlp.ExportLogsServiceRequest')

type AnyValue = Record<string, unknown>
type KeyValue = {key: string; value?: AnyValue}

/** An attribute value as text (SigNoz keeps labels as strings). */
function text(v: AnyValue | undefined): string {
  if (!v) return ''
  for (const key of ['string_value', 'stringValue']) if (typeof v[key] === 'string') return v[key] as string
  for (const key of ['int_value', 'intValue', 'double_value', 'doubleValue', 'bool_value', 'boolValue']) if (v[key] !== undefined) return String(v[key])
  const array = (v.array_value ?? v.arrayValue) as {values?: AnyValue[]} | undefined
  if (array) return JSON.stringify((array.values ?? []).map(text))
  const kv = (v.kvlist_value ?? v.kvlistValue) as {values?: KeyValue[]} | undefined
  if (kv) return JSON.stringify(attributes(kv.values))
  return ''
}

const attributes = (kvs: KeyValue[] | undefined): Record<string, string> => Object.fromEntries((kvs ?? []).map((kv) => [kv.key, text(kv.value)]))
const field = <T>(o: Record<string, unknown> | undefined, snake: string, camel: string): T | undefined => (o?.[snake] ?? o?.[camel]) as T | undefined
/** Nanoseconds as a decimal string (fixed64 decodes to a number or a string). */
const nanos = (v: unknown): string =>
  v === undefined || v === null || v === '' ? '0' : String(typeof v === 'object' ? (v as {toString(): string}).toString() : v).split('.')[0]!

/** The series' fingerprint: a stable 64-bit hash of its labels, as SigNoz's exporter computes one. */
const fingerprint = (labels: Record<string, string>): string => {
  const canonical = JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  )
  return BigInt(`0x${createHash('sha256').update(canonical).digest('hex').slice(0, 16)}`).toString()
}

export interface TelemetryRows {
  'signoz_metrics.distributed_samples_v4': Record<string, unknown>[]
  'signoz_metrics.distributed_time_series_v4': Record<string, unknown>[]
  'signoz_logs.distributed_logs_v2': Record<string, unknown>[]
}

const TEMPORALITY: Record<number, string> = {0: 'Unspecified', 1: 'Delta', 2: 'Cumulative'}

/** OTLP metrics (decoded protobuf or JSON) as SigNoz's rows. */
export function metricsRows(
  request: Record<string, unknown>,
): Pick<TelemetryRows, 'signoz_metrics.distributed_samples_v4' | 'signoz_metrics.distributed_time_series_v4'> {
  const samples: Record<string, unknown>[] = []
  const series: Record<string, unknown>[] = []
  for (const rm of field<Record<string, unknown>[]>(request, 'resource_metrics', 'resourceMetrics') ?? []) {
    const resource = attributes((rm.resource as {attributes?: KeyValue[]} | undefined)?.attributes)
    const env = resource['deployment.environment.name'] ?? resource['deployment.environment'] ?? 'default'
    for (const sm of field<Record<string, unknown>[]>(rm, 'scope_metrics', 'scopeMetrics') ?? []) {
      for (const m of (sm.metrics as Record<string, unknown>[] | undefined) ?? []) {
        const sum = m.sum as Record<string, unknown> | undefined
        const gauge = m.gauge as Record<string, unknown> | undefined
        const data = sum ?? gauge
        if (!data) continue
        const temporality = sum ? (TEMPORALITY[Number(field(sum, 'aggregation_temporality', 'aggregationTemporality') ?? 0)] ?? 'Unspecified') : 'Unspecified'
        for (const p of field<Record<string, unknown>[]>(data, 'data_points', 'dataPoints') ?? []) {
          const labels = {...resource, ...attributes(p.attributes as KeyValue[] | undefined), __name__: String(m.name)}
          const fp = fingerprint(labels)
          const unixMilli = Number(BigInt(nanos(field(p, 'time_unix_nano', 'timeUnixNano'))) / 1_000_000n)
          const value = Number(field(p, 'as_double', 'asDouble') ?? field(p, 'as_int', 'asInt') ?? 0)
          samples.push({env, temporality, metric_name: m.name, fingerprint: fp, unix_milli: unixMilli, value})
          series.push({
            env,
            temporality,
            metric_name: m.name,
            description: m.description ?? '',
            unit: m.unit ?? '',
            type: sum ? 'Sum' : 'Gauge',
            is_monotonic: field(sum, 'is_monotonic', 'isMonotonic') ? 1 : 0,
            fingerprint: fp,
            unix_milli: unixMilli,
            labels: JSON.stringify(labels),
          })
        }
      }
    }
  }
  return {'signoz_metrics.distributed_samples_v4': samples, 'signoz_metrics.distributed_time_series_v4': series}
}

const hexOf = (v: unknown): string =>
  Buffer.isBuffer(v) ? v.toString('hex') : typeof v === 'string' ? (/^[0-9a-f]*$/i.test(v) ? v : Buffer.from(v, 'base64').toString('hex')) : ''

/** OTLP logs as SigNoz's logs_v2 rows (the lab's table has no attribute maps: 18.16 has no Map type). */
export function logsRows(request: Record<string, unknown>): Pick<TelemetryRows, 'signoz_logs.distributed_logs_v2'> {
  const rows: Record<string, unknown>[] = []
  for (const rl of field<Record<string, unknown>[]>(request, 'resource_logs', 'resourceLogs') ?? []) {
    const resource = attributes((rl.resource as {attributes?: KeyValue[]} | undefined)?.attributes)
    const resourceFingerprint = Object.entries(resource)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${k}=${v}`)
      .join(';')
    for (const sl of field<Record<string, unknown>[]>(rl, 'scope_logs', 'scopeLogs') ?? []) {
      for (const r of field<Record<string, unknown>[]>(sl, 'log_records', 'logRecords') ?? []) {
        const observed = nanos(field(r, 'observed_time_unix_nano', 'observedTimeUnixNano'))
        const time = nanos(field(r, 'time_unix_nano', 'timeUnixNano'))
        const timestamp = time === '0' ? observed : time
        const seconds = Number(BigInt(timestamp) / 1_000_000_000n)
        rows.push({
          ts_bucket_start: seconds - (seconds % 1800),
          resource_fingerprint: resourceFingerprint,
          timestamp,
          observed_timestamp: observed === '0' ? timestamp : observed,
          id: randomBytes(12).toString('hex'),
          trace_id: hexOf(field(r, 'trace_id', 'traceId')),
          severity_text: String(field(r, 'severity_text', 'severityText') ?? ''),
          severity_number: Number(field(r, 'severity_number', 'severityNumber') ?? 0),
          body: text(r.body as AnyValue | undefined),
        })
      }
    }
  }
  return {'signoz_logs.distributed_logs_v2': rows}
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const raw = Buffer.concat(chunks)
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw
}

export interface OtlpCounts {
  requests: number
  metricPoints: number
  logRecords: number
  lastAt?: string
  lastError?: string
}

/**
 * Serves OTLP/HTTP on 127.0.0.1:port until stopped. sink inserts the rows (and throws when no
 * ClickHouse host can take them: the client then gets 503 and retries, as from a real collector).
 */
export function serveOtlp(port: number, sink: (rows: Partial<TelemetryRows>) => Promise<void>, counts: OtlpCounts): Promise<Server> {
  const server = createServer((req, res) => {
    const json = String(req.headers['content-type'] ?? '').includes('json')
    const reply = (status: number, payload: Record<string, unknown> = {}) => {
      // An empty Export*ServiceResponse: {} in JSON, no bytes in protobuf.
      res.writeHead(status, {'content-type': json ? 'application/json' : 'application/x-protobuf'}).end(json || status >= 400 ? JSON.stringify(payload) : '')
    }
    const path = new URL(req.url ?? '/', 'http://collector').pathname
    if (req.method !== 'POST' || (path !== '/v1/metrics' && path !== '/v1/logs'))
      return reply(404, {message: `${req.method} ${path}: not an OTLP/HTTP endpoint`})
    body(req)
      .then(async (bytes) => {
        const type = path === '/v1/metrics' ? MetricsRequest : LogsRequest
        const request = json
          ? (JSON.parse(bytes.toString('utf8')) as Record<string, unknown>)
          : (type.toObject(type.decode(bytes), {longs: String, bytes: Buffer, defaults: false, oneofs: false}) as Record<string, unknown>)
        const rows: Partial<TelemetryRows> = path === '/v1/metrics' ? metricsRows(request) : logsRows(request)
        await sink(rows)
        counts.requests++
        counts.lastAt = new Date().toISOString()
        if (path === '/v1/metrics') counts.metricPoints += rows['signoz_metrics.distributed_samples_v4']?.length ?? 0
        else counts.logRecords += rows['signoz_logs.distributed_logs_v2']?.length ?? 0
        reply(200)
      })
      .catch((error: unknown) => {
        counts.lastError = (error as Error).message
        reply(error instanceof SyntaxError || /invalid wire type|index out of range/.test((error as Error).message) ? 400 : 503, {
          message: (error as Error).message,
        })
      })
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve(server))
  })
}
