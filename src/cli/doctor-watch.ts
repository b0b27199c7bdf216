import {parseDuration} from '../core/duration.js'
import {diffReports, renderChanges} from '../core/report-diff.js'
import type {Report} from '../core/report.js'

type Run = {report: Report; output: string; exitCode: number; stats: string}

/**
 * doctor --watch: a run every interval (measured start to start), each printed with what changed
 * since the previous one on stderr; ends after count runs or on Ctrl-C, returning the last run.
 */
export async function watchDoctor(interval: string, count: number | undefined, run: () => Promise<Run>, show: (r: Run) => Promise<void>): Promise<Run> {
  const everyMs = parseDuration(interval, '--watch')
  const interrupted = new AbortController()
  const stop = () => interrupted.abort()
  process.once('SIGINT', stop)
  let previous: {report: Report; at: Date} | undefined
  let last: Run | undefined
  try {
    for (let i = 0; !interrupted.signal.aborted && (count === undefined || i < count); i++) {
      const started = Date.now()
      last = await run()
      if (previous) process.stderr.write(`${renderChanges(diffReports(previous.report, last.report), previous.at)}\n`)
      await show(last)
      previous = {report: last.report, at: new Date(started)}
      if (count !== undefined && i + 1 >= count) break
      const wait = Math.max(0, everyMs - (Date.now() - started))
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait)
        interrupted.signal.addEventListener(
          'abort',
          () => {
            clearTimeout(timer)
            resolve()
          },
          {once: true},
        )
      })
    }
  } finally {
    process.off('SIGINT', stop)
  }
  return last!
}
