import {setMaxListeners} from 'node:events'
import type {ChalkInstance} from 'chalk'
import {ALL_CHECKS} from '../../checks/index.js'
import type {Severity} from '../core/check.js'
import {runDoctor} from '../core/doctor.js'
import {parseDuration} from '../core/duration.js'
import {UsageError} from '../core/errors.js'
import {exitCodeFor} from '../core/report.js'
import {selectChecks} from '../core/select.js'
import {DEFAULT_THRESHOLDS} from '../core/thresholds.js'
import {clickhouseEndpoints, openClickHouseFleet} from '../gateways/factory.js'
import {renderJson} from '../render/json.js'
import {renderText} from '../render/text.js'
import type {OutputFormat} from './base.js'

export interface DoctorFlags {
  'clickhouse-url'?: string[]
  'clickhouse-user'?: string
  cluster: string
  shards?: number
  replicas?: number
  only?: string[]
  skip?: string[]
  'fail-on': string
  timeout: string
  'host-timeout': string
  'freshness-window': string
  'max-replica-delay': string
  concurrency: number
  verbose: boolean
}

/** Everything doctor does after flag parsing; returns what to print and the exit code. */
export async function doctorCommand(flags: DoctorFlags, io: {format: OutputFormat; chalk: ChalkInstance; version: string}) {
  const started = performance.now()
  const timeoutMs = parseDuration(flags.timeout, '--timeout')
  const hostTimeoutMs = Math.min(parseDuration(flags['host-timeout'], '--host-timeout'), timeoutMs)
  const checks = selectChecks(ALL_CHECKS, {only: flags.only, skip: flags.skip})
  const endpoints = clickhouseEndpoints(
    // From the environment oclif hands over one string, not a list.
    ([] as string[]).concat(flags['clickhouse-url'] ?? []),
    flags['clickhouse-user'] ?? 'default',
    process.env.SIGNOZ_HA_CLICKHOUSE_PASSWORD ?? '',
  )
  if (endpoints.length === 0) {
    throw new UsageError('no ClickHouse host to check', 'give --clickhouse-url once per host (or SIGNOZ_HA_CLICKHOUSE_URL); for the lab: eval "$(signoz-ha lab env)"')
  }
  const signal = AbortSignal.timeout(timeoutMs)
  // Every concurrent query listens on this one signal.
  setMaxListeners(0, signal)
  const fleet = await openClickHouseFleet(endpoints, hostTimeoutMs, signal)
  try {
    const report = await runDoctor(fleet, {
      checks,
      expect: {cluster: flags.cluster, shards: flags.shards, replicasPerShard: flags.replicas},
      thresholds: {
        ...DEFAULT_THRESHOLDS,
        freshnessWindowSeconds: Math.round(parseDuration(flags['freshness-window'], '--freshness-window') / 1000),
        replicaDelaySeconds: Math.round(parseDuration(flags['max-replica-delay'], '--max-replica-delay') / 1000),
      },
      concurrency: flags.concurrency,
      // A check may wait on one hung host at most, plus its own work.
      checkTimeoutMs: Math.min(timeoutMs, hostTimeoutMs * 2 + 2000),
      signal,
      version: io.version,
    })
    const durationMs = Math.round(performance.now() - started)
    report.stats = {durationMs, queries: fleet.queryCount(), apiRequests: 0}
    return {
      output: io.format === 'json' ? renderJson(report) : renderText(report, {chalk: io.chalk, verbose: flags.verbose}),
      exitCode: exitCodeFor(report, flags['fail-on'] as Severity | 'none'),
      stats: `doctor: ${durationMs}ms, ${fleet.queryCount()} ClickHouse queries over ${fleet.hosts.length} hosts, 0 API requests`,
    }
  } finally {
    await fleet.close()
  }
}
