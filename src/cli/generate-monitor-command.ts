import {resolve} from 'node:path'
import {stringify} from 'yaml'
import {parseDuration} from '../core/duration.js'
import {UsageError} from '../core/errors.js'
import {writeFilesInto} from './write-files.js'
import {
  monitorAlerts,
  monitorManifests,
  prometheusRules,
  signozAlertRules,
  signozDashboard,
  validCronSchedule,
  type MonitorInputs,
} from '../generate/monitor.js'

export interface GenerateMonitorFlags {
  namespace: string
  release: string
  name: string
  mode: string
  schedule: string
  interval: string
  image?: string
  'otlp-endpoint'?: string
  out?: string
  force: boolean
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/

/** Resolves and checks the inputs: a bad one is a usage error and nothing is written. */
export function monitorInputs(flags: GenerateMonitorFlags, version: string): MonitorInputs {
  for (const [flag, value] of [
    ['-n', flags.namespace],
    ['--release', flags.release],
    ['--name', flags.name],
  ] as const) {
    if (!DNS_LABEL.test(value)) throw new UsageError(`${flag} ${value} is not a valid Kubernetes name (lower-case letters, digits and '-')`)
  }
  if (flags.mode !== 'cronjob' && flags.mode !== 'serve') throw new UsageError(`--mode ${flags.mode}: cronjob or serve`)
  if (!validCronSchedule(flags.schedule)) throw new UsageError(`--schedule "${flags.schedule}" is not a five-field cron schedule`, 'e.g. "*/5 * * * *"')
  parseDuration(flags.interval, '--interval')
  const endpoint = flags['otlp-endpoint'] ?? `http://${flags.release}-otel-collector.${flags.namespace}.svc.cluster.local:4318`
  if (endpoint !== 'none' && !/^https?:\/\/[^/\s]+/.test(endpoint))
    throw new UsageError(`--otlp-endpoint ${endpoint} is not an http(s) URL`, 'or none for no export')
  if (flags.mode === 'cronjob' && endpoint === 'none')
    throw new UsageError('a CronJob with --otlp-endpoint none would publish nothing', 'give the collector to send to, or --mode serve for Prometheus')
  return {
    namespace: flags.namespace,
    release: flags.release,
    name: flags.name,
    mode: flags.mode,
    schedule: flags.schedule,
    interval: flags.interval,
    image: flags.image ?? `ghcr.io/signoz-ha/signoz-ha:${version}`,
    ...(endpoint === 'none' ? {} : {otlpEndpoint: endpoint}),
    version,
  }
}

/** How long without a finished run means the monitor is not reporting: three periods, at least 10 minutes. */
function staleAfterSeconds(i: MonitorInputs): number {
  const periodSeconds = i.mode === 'serve' ? parseDuration(i.interval, '--interval') / 1000 : cronPeriodSeconds(i.schedule)
  return Math.max(600, periodSeconds * 3)
}

/** The period of the common schedules (every N minutes, hourly, daily); an hour when it is not one of those. */
function cronPeriodSeconds(schedule: string): number {
  const [minute, hour] = schedule.trim().split(/\s+/)
  const step = /^\*\/(\d+)$/.exec(minute!)
  if (step && hour === '*') return Number(step[1]) * 60
  if (minute === '*' && hour === '*') return 60
  if (hour === '*') return 3600
  return 86_400
}

export function generateMonitorCommand(flags: GenerateMonitorFlags, version: string): {manifests: string; files?: {dir: string; paths: string[]}} {
  const inputs = monitorInputs(flags, version)
  const manifests = monitorManifests(inputs)
    .map((d) => stringify(d))
    .join('---\n')
  if (!flags.out) return {manifests}
  const alerts = monitorAlerts(staleAfterSeconds(inputs))
  const files = [
    {path: 'monitor.yaml', content: manifests},
    {path: 'prometheus-rules.yaml', content: stringify(prometheusRules(alerts))},
    {path: 'signoz-alerts.json', content: `${JSON.stringify(signozAlertRules(alerts), null, 2)}\n`},
    {path: 'signoz-dashboard.json', content: `${JSON.stringify(signozDashboard(), null, 2)}\n`},
  ]
  const dir = resolve(flags.out)
  writeFilesInto(dir, files, flags.force)
  return {manifests, files: {dir, paths: files.map((f) => f.path)}}
}
