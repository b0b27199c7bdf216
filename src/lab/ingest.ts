import {randomBytes} from 'node:crypto'
import {writeFileSync, renameSync} from 'node:fs'
import {join} from 'node:path'
import {errorMessage} from '../core/errors.js'
import {labConnection} from './connections.js'
import {LabKubeClient} from './kube/admin-client.js'
import {readState, type LabHost, type LabState} from './state.js'
import {serveOtlp, type OtlpCounts, type TelemetryRows} from './otlp-receiver.js'

/** What the ingester last did, for `lab status` and for tests waiting on fresh rows. */
export interface IngestionHeartbeat {
  pid: number
  batches: number
  rows: number
  lastSuccessAt?: string
  lastError?: string
  lastErrorAt?: string
  lastTarget?: string
  /** What the OTLP/HTTP receiver took in. */
  otlp?: OtlpCounts
}

export const heartbeatPath = (dir: string): string => join(dir, 'ingestion.json')

// Enough rows that every shard gets each signal every second, whatever the sharding key.
const ROWS_PER_SIGNAL = 20
const hex = (bytes: number) => randomBytes(bytes).toString('hex')
const dateTime = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ')

/** One batch per signal, shaped like the collector's exporters write them. */
export function syntheticBatch(now: Date): Record<string, Record<string, unknown>[]> {
  const seconds = Math.floor(now.getTime() / 1000)
  const bucket = seconds - (seconds % 1800)
  const traces = Array.from({length: ROWS_PER_SIGNAL}, (_, i) => ({
    ts_bucket_start: bucket,
    resource_fingerprint: `svc-${i % 3}`,
    timestamp: dateTime(now),
    trace_id: hex(16),
    span_id: hex(8),
    name: ['GET /api/orders', 'SELECT orders', 'publish order.created'][i % 3],
    service_name: ['frontend', 'orders', 'billing'][i % 3],
    kind: 2,
    duration_nano: 1_000_000 + i * 250_000,
    has_error: i === 0 ? 1 : 0,
    status_code: i === 0 ? 2 : 0,
  }))
  const logs = Array.from({length: ROWS_PER_SIGNAL}, (_, i) => ({
    ts_bucket_start: bucket,
    resource_fingerprint: `svc-${i % 3}`,
    timestamp: `${now.getTime()}000000`,
    observed_timestamp: `${now.getTime()}000000`,
    id: hex(12),
    trace_id: hex(16),
    severity_text: i === 0 ? 'ERROR' : 'INFO',
    severity_number: i === 0 ? 17 : 9,
    body: i === 0 ? 'payment declined for order' : 'order processed',
  }))
  const metrics = Array.from({length: ROWS_PER_SIGNAL}, (_, i) => ({
    env: 'lab',
    temporality: 'Cumulative',
    metric_name: ['http_server_duration_count', 'process_cpu_seconds', 'queue_depth'][i % 3],
    // Many series, so the sharding key spreads metrics over every shard.
    fingerprint: 1000 + Math.floor(Math.random() * 500),
    unix_milli: now.getTime(),
    value: Math.round(Math.random() * 1000) / 10,
  }))
  return {
    'signoz_traces.distributed_signoz_index_v3': traces,
    'signoz_logs.distributed_logs_v2': logs,
    'signoz_metrics.distributed_samples_v4': metrics,
  }
}

type EnvVar = {name: string; value?: string}
type Deployment = {spec?: {template?: {spec?: {containers?: {env?: EnvVar[]}[]}}}; status?: {readyReplicas?: number}}
type Endpoints = {subsets?: {addresses?: {targetRef?: {name?: string}}[]}[]}

/**
 * Where the collectors' inserts land, looked up as the cluster would route them: the collector
 * Deployment's CLICKHOUSE_HOST names a Service, whose ready endpoints are lab hosts. No ready
 * collector pod, or a Service with no ready endpoints, means no host: ingestion stops for real.
 */
async function collectorTargets(state: LabState, kube: LabKubeClient): Promise<{hosts: LabHost[]; why?: string}> {
  const ns = state.namespace
  const deploy = await kube.get<Deployment>(`/apis/apps/v1/namespaces/${ns}/deployments/${state.release}-otel-collector`)
  if (!deploy) return {hosts: [], why: `deployment ${state.release}-otel-collector not found`}
  if (!deploy.status?.readyReplicas) return {hosts: [], why: 'no collector pod is ready'}
  const host = deploy.spec?.template?.spec?.containers?.[0]?.env?.find((e) => e.name === 'CLICKHOUSE_HOST')?.value
  if (!host) return {hosts: [], why: 'the collector has no CLICKHOUSE_HOST'}
  const [service, serviceNs = ns] = host.split('.')
  const endpoints = await kube.get<Endpoints>(`/api/v1/namespaces/${serviceNs}/endpoints/${service}`)
  if (!endpoints) return {hosts: [], why: `dial tcp: lookup ${host}: no such host`}
  const hosts = (endpoints.subsets ?? [])
    .flatMap((s) => s.addresses ?? [])
    .map((a) => state.clickhouse.find((h) => h.pod === a.targetRef?.name))
    .filter((h): h is LabHost => Boolean(h))
  return hosts.length ? {hosts} : {hosts: [], why: `dial tcp ${host}:9000: connect: connection refused (service ${host} has no ready endpoints)`}
}

/**
 * The lab's collectors: every second one batch per signal through the distributed tables,
 * sent to the hosts their Service routes to, in turn. The route is looked up each second; when
 * the API cannot be read the last route is kept, as running collectors would.
 */
export async function runIngestion(dir: string, stop: AbortSignal): Promise<void> {
  const state: LabState = readState(dir)
  const kube = state.kubeApi ? new LabKubeClient(state) : undefined
  const connections = new Map(state.clickhouse.map((h) => [h.pod, labConnection(state, h, 2000)]))
  const beat: IngestionHeartbeat = {pid: process.pid, batches: 0, rows: 0, otlp: {requests: 0, metricPoints: 0, logRecords: 0}}
  const save = () => {
    const tmp = `${heartbeatPath(dir)}.tmp`
    writeFileSync(tmp, JSON.stringify(beat))
    renameSync(tmp, heartbeatPath(dir))
  }
  let route: {hosts: LabHost[]; why?: string} = {hosts: state.clickhouse}
  let next = 0
  // What arrives over OTLP goes where the collectors' own batches go: the route of the moment.
  const sink = async (rows: Partial<TelemetryRows>) => {
    let last: unknown = new Error(route.why ?? 'no ClickHouse host to send to')
    for (let attempt = 0; attempt < route.hosts.length; attempt++) {
      const conn = connections.get(route.hosts[next++ % route.hosts.length]!.pod)!
      try {
        for (const [table, batch] of Object.entries(rows)) if (batch.length > 0) await conn.insert(table, batch)
        return
      } catch (error) {
        last = error
      }
    }
    throw last
  }
  const otlp = state.ingestion.otlpPort ? await serveOtlp(state.ingestion.otlpPort, sink, beat.otlp!) : undefined
  while (!stop.aborted) {
    const started = Date.now()
    if (kube) route = await collectorTargets(state, kube).catch(() => route)
    const batch = syntheticBatch(new Date())
    let delivered = false
    if (route.hosts.length === 0) {
      beat.lastError = route.why ?? 'no ClickHouse host to send to'
      beat.lastErrorAt = new Date().toISOString()
    }
    for (let attempt = 0; attempt < route.hosts.length && !delivered && !stop.aborted; attempt++) {
      const conn = connections.get(route.hosts[next++ % route.hosts.length]!.pod)!
      try {
        for (const [table, rows] of Object.entries(batch)) await conn.insert(table, rows)
        delivered = true
        beat.batches++
        beat.rows += Object.values(batch).reduce((n, rows) => n + rows.length, 0)
        beat.lastSuccessAt = new Date().toISOString()
        beat.lastTarget = conn.target
      } catch (error) {
        beat.lastError = `${conn.target}: ${errorMessage(error)}`
        beat.lastErrorAt = new Date().toISOString()
      }
    }
    save()
    const wait = Math.max(0, 1000 - (Date.now() - started))
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, wait)
      stop.addEventListener(
        'abort',
        () => {
          clearTimeout(timer)
          resolve(undefined)
        },
        {once: true},
      )
    })
  }
  await new Promise((resolve) => (otlp ? otlp.close(resolve) : resolve(undefined)))
  await Promise.all([...connections.values()].map((c) => c.close()))
}
