import {openBundle} from '../bundle/replay.js'
import {resolveThresholds, thresholdOverrides} from '../core/config.js'
import {loadConfig} from './config-file.js'
import {parseDuration} from '../core/duration.js'
import {EXIT} from '../core/exit-codes.js'
import {collectStatus} from '../status/collect.js'
import type {StatusView} from '../status/view.js'
import {withSession, type SessionFlags} from './session.js'

export interface StatusFlags extends SessionFlags {
  config?: string
  'freshness-window'?: string
  'max-replica-delay'?: string
  watch?: string
  count?: number
  'from-bundle'?: string
}

/** Nothing to show a status of: no ClickHouse host found, or no API and no host answered. */
const nothingRead = (view: StatusView, hosts: number) => hosts === 0 || (view.target.namespace === null && view.hosts.every((h) => h.error !== null))

/** One status of the cluster (or of a bundle, as it was when collected). */
export async function statusCommand(flags: StatusFlags, version: string): Promise<{view: StatusView; exitCode: number}> {
  // The same thresholds as doctor's (configuration file, then flags), so the two agree.
  const thresholds = resolveThresholds(loadConfig(flags.config).config.thresholds, thresholdOverrides(flags))
  if (flags['from-bundle']) {
    const b = openBundle(flags['from-bundle'])
    const view = await collectStatus({fleet: b.fleet, kube: b.kube, now: b.collectedAt, version, signal: new AbortController().signal, thresholds})
    return {view: {...view, bundle: flags['from-bundle']}, exitCode: EXIT.ok}
  }
  return withSession(flags, async (session) => {
    const fleet = await session.fleet()
    const view = await collectStatus({fleet, kube: session.kube, now: Date.now(), version, signal: session.signal, thresholds})
    return {view, exitCode: nothingRead(view, fleet.hosts.length) ? EXIT.incomplete : EXIT.ok}
  })
}

/** Clears a terminal and homes the cursor: the next status replaces the last in place. */
const REDRAW = '\x1b[H\x1b[2J'

/**
 * status --watch: a status every interval (start to start). On a terminal each replaces the last;
 * elsewhere (a pipe, a log) they follow one another, each under a separator line.
 */
export async function watchStatus(flags: StatusFlags, version: string, render: (view: StatusView) => string, inPlace: boolean): Promise<number> {
  const everyMs = parseDuration(flags.watch!, '--watch')
  const interrupted = new AbortController()
  const stop = () => interrupted.abort()
  process.once('SIGINT', stop)
  let exitCode: number = EXIT.ok
  try {
    for (let i = 0; !interrupted.signal.aborted && (flags.count === undefined || i < flags.count); i++) {
      const started = Date.now()
      const result = await statusCommand(flags, version)
      exitCode = result.exitCode
      const text = render(result.view)
      process.stdout.write(inPlace ? `${REDRAW}${text}\n${`\nevery ${flags.watch}; Ctrl-C stops`}\n` : `${i > 0 ? '\n---\n' : ''}${text}\n`)
      if (flags.count !== undefined && i + 1 >= flags.count) break
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, everyMs - (Date.now() - started)))
        interrupted.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), {once: true})
      })
    }
  } finally {
    process.off('SIGINT', stop)
  }
  return exitCode
}
