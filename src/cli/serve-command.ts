import {createServer, type Server} from 'node:http'
import {Chalk} from 'chalk'
import {parseDuration} from '../core/duration.js'
import {collectGarbage} from '../util/gc.js'
import {errorMessage, UsageError} from '../core/errors.js'
import {PrometheusExposition} from '../gateways/prometheus.js'
import {reportSeries} from '../core/series.js'
import {runLogLine} from '../render/log-line.js'
import {runbookOf} from '../../runbooks/index.js'
import {renderDoctorHtml} from '../render/html.js'
import {doctorCommand, doctorSetup, exportSetup, type DoctorFlags} from './doctor-command.js'

export interface ServeFlags extends DoctorFlags {
  listen: string
  interval: string
}

/** ":9464", "0.0.0.0:9464", "127.0.0.1:0": where serve listens. */
export function parseListen(value: string): {host: string; port: number} {
  const m = /^(?:\[?([^\]]*)\]?)?:(\d{1,5})$/.exec(value.trim())
  const port = m ? Number(m[2]) : Number.NaN
  if (!m || port > 65535) throw new UsageError(`--listen ${value}: give [HOST]:PORT (e.g. :9464)`)
  return {host: m[1] || '0.0.0.0', port}
}

/** One JSON line per run on stdout: what a log pipeline keeps. */
const line = (fields: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({time: new Date().toISOString(), ...fields})}\n`)

/**
 * signoz-ha serve: doctor on an interval (never two at once; a run slower than the interval
 * delays the next), its results at /metrics in Prometheus' text format, /healthz and /readyz,
 * optionally each run pushed over OTLP. Ends cleanly on SIGTERM or SIGINT.
 */
export async function serveCommand(flags: ServeFlags, version: string, stop: AbortSignal): Promise<void> {
  const everyMs = parseDuration(flags.interval, '--interval')
  if (everyMs < 1000) throw new UsageError('--interval must be at least 1s')
  const {host, port} = parseListen(flags.listen)
  // Flags and config are checked once, before the first run: a typo is exit 2, not a run error every minute.
  doctorSetup(flags)
  exportSetup(flags)
  const metrics = new PrometheusExposition()
  let ready = false
  // The latest run as a page, for whoever opens the monitor in a browser.
  let page: string | undefined
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://serve').pathname
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, {allow: 'GET, HEAD'}).end()
    if (path === '/metrics') {
      metrics.metrics().then(
        (text) => res.writeHead(200, {'content-type': metrics.contentType}).end(text),
        (error: unknown) => res.writeHead(500).end(errorMessage(error)),
      )
      return
    }
    if (path === '/healthz') return void res.writeHead(200, {'content-type': 'text/plain'}).end('ok\n')
    // Ready once a run has finished: before that /metrics has no check series.
    if (path === '/readyz') return void res.writeHead(ready ? 200 : 503, {'content-type': 'text/plain'}).end(ready ? 'ok\n' : 'no run finished yet\n')
    if (path === '/') {
      if (!page) return void res.writeHead(503, {'content-type': 'text/plain', 'retry-after': '5'}).end('no run finished yet\n')
      return void res
        .writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
        })
        .end(page)
    }
    res.writeHead(404, {'content-type': 'text/plain'}).end('not found: /, /metrics, /healthz, /readyz\n')
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(new UsageError(`cannot listen on ${flags.listen}: ${error.code ?? error.message}`)))
    server.listen(port, host, resolve)
  })
  const address = server.address()
  line({
    msg: 'serving',
    listen: typeof address === 'object' && address ? `${address.address}:${address.port}` : flags.listen,
    interval: flags.interval,
    version,
  })

  const chalk = new Chalk({level: 0})
  while (!stop.aborted) {
    const started = Date.now()
    try {
      const result = await doctorCommand(flags, {format: 'json', chalk, version})
      const failed = result.report.status === 'error'
      metrics.record(reportSeries(result.report), Date.now(), failed)
      page = renderDoctorHtml(result.report, {runbookOf})
      ready = true
      const exported = 'exported' in result ? result.exported : undefined
      process.stdout.write(`${runLogLine(result.report, exported)}\n`)
    } catch (error) {
      metrics.recordError()
      line({msg: 'run', status: 'error', error: errorMessage(error)})
    }
    // Memory stays flat across runs (and within a pod's limit): the run's garbage goes now.
    collectGarbage()
    const wait = Math.max(0, everyMs - (Date.now() - started))
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, wait)
      stop.addEventListener('abort', () => (clearTimeout(timer), resolve()), {once: true})
    })
  }
  await new Promise((resolve) => server.close(resolve))
  server.closeAllConnections?.()
  line({msg: 'stopped'})
}
