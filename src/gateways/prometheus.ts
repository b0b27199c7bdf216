import {collectDefaultMetrics, Counter, Gauge, Registry} from 'prom-client'
import {METRIC, METRIC_HELP, type ReportSeries} from '../core/series.js'

/**
 * The Prometheus side of serve: the same series as the OTLP export, plus when the last run ended
 * and how many runs failed, in one registry of its own. The only module that imports prom-client.
 */
export class PrometheusExposition {
  readonly registry = new Registry()
  private readonly checkStatus = new Gauge({
    name: METRIC.checkStatus,
    help: METRIC_HELP[METRIC.checkStatus],
    labelNames: ['check', 'severity', 'subject', 'runbook'],
    registers: [this.registry],
  })
  private readonly runDuration = new Gauge({name: METRIC.runDuration, help: METRIC_HELP[METRIC.runDuration], registers: [this.registry]})
  private readonly failingChecks = new Gauge({
    name: METRIC.failingChecks,
    help: METRIC_HELP[METRIC.failingChecks],
    labelNames: ['severity'],
    registers: [this.registry],
  })
  private readonly posture = new Gauge({name: METRIC.postureScore, help: METRIC_HELP[METRIC.postureScore], registers: [this.registry]})
  private readonly lastRun = new Gauge({name: METRIC.lastRun, help: METRIC_HELP[METRIC.lastRun], registers: [this.registry]})
  private readonly runs = new Counter({name: METRIC.runs, help: METRIC_HELP[METRIC.runs], registers: [this.registry]})
  private readonly runErrors = new Counter({name: METRIC.runErrors, help: METRIC_HELP[METRIC.runErrors], registers: [this.registry]})

  constructor() {
    // The exporter's own process: memory, CPU, event loop lag (signoz_ha_process_*, signoz_ha_nodejs_*).
    collectDefaultMetrics({register: this.registry, prefix: 'signoz_ha_'})
  }

  /** A finished run: every series replaced, so a subject that went away leaves no stale series. */
  record(series: ReportSeries, finishedAt: number, failed: boolean): void {
    this.checkStatus.reset()
    for (const p of series.checkStatus) this.checkStatus.set(p.labels, p.value)
    this.failingChecks.reset()
    for (const p of series.failingChecks) this.failingChecks.set(p.labels, p.value)
    this.runDuration.set(series.runDurationSeconds)
    if (series.postureScore === null) this.posture.reset()
    else this.posture.set(series.postureScore)
    this.lastRun.set(Math.floor(finishedAt / 1000))
    this.runs.inc()
    if (failed) this.runErrors.inc()
  }

  /** A run that did not produce a report (the API gone, a usage error on the way). */
  recordError(): void {
    this.runs.inc()
    this.runErrors.inc()
  }

  get contentType(): string {
    return this.registry.contentType
  }

  metrics(): Promise<string> {
    return this.registry.metrics()
  }
}
