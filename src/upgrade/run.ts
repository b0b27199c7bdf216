import {runHelm} from '../gateways/helm.js'
import {releaseHistory} from '../remediation/actions/helm.js'
import type {Action} from '../remediation/action.js'
import {waitUntil, type RemedyContext} from '../remediation/context.js'
import {isSecretKey} from '../remediation/redact.js'
import {helmUpgradeArgs, parseManifest, type UpgradeRequest} from './release.js'
import {failureLine, knownFailure, migratorSteps} from '../signoz/migrator-pod.js'

/** The remediation context of an upgrade, with the signal that asks a running Helm to stop. */
export interface UpgradeContext extends RemedyContext {
  interrupt: AbortSignal
  /** One line of what the migrator and Helm say, as it happens. */
  report(line: string): void
}

/** Helm's arguments for a person: the values of secret keys given with --set are masked. */
export const displayArgs = (args: readonly string[]): string =>
  args.map((a, i) => (args[i - 1] === '--set' && isSecretKey(a.split('=')[0]!) ? `${a.split('=')[0]}=[redacted]` : a)).join(' ')

/** Runs of one migrator step that failed with a recognised cause before the upgrade stops waiting on the Job's back-off. */
const FAILED_RUNS_TO_STOP = 2

/**
 * Streams the schema migrator's logs while Helm waits on it: every container of its pod (the init
 * containers ready, bootstrap, sync, then async; the previous run of one that restarted), new
 * lines as they come, a known failure named with its runbook the moment it shows. A step that
 * failed FAILED_RUNS_TO_STOP times with a recognised cause will not pass by retrying (under
 * OnFailure the Job would restart it until its back-off limit, minutes later): stop() is then
 * asked for with the reason. What it read stays after the Job deletes its pod.
 */
function watchMigrator(
  ctx: UpgradeContext,
  jobName: string | undefined,
  stopHelm: (why: string) => void,
): {stop(): void; flush(): Promise<void>; recognised: string[]; failure?: string} {
  // Only this upgrade's migrator: an earlier run's pod of the same Job may still be there.
  const since = Date.now() - 2000
  const seen = new Set<string>()
  const recognised: string[] = []
  const state: {stopped: boolean; failure?: string} = {stopped: false}
  const read = async (pod: string, container: string, previous: boolean, run: number) => {
    const log = await ctx.kube.podLog(ctx.namespace, pod, 50, container, {previous}).catch(() => '')
    for (const line of log.split('\n').filter(Boolean)) {
      const key = `${pod}/${container}/${run}/${line}`
      if (seen.has(key)) continue
      seen.add(key)
      ctx.report(`migrator ${container}: ${line}`)
      const known = knownFailure(line)
      if (known && !recognised.includes(known.what)) {
        recognised.push(known.what)
        ctx.report(`recognised: ${known.what} → signoz-ha runbook show ${known.runbook}`)
      }
    }
    return log
  }
  const tick = async () => {
    if (!jobName) return
    const pods = (await ctx.kube.list('pods', ctx.namespace, `job-name=${jobName}`).catch(() => [])).filter(
      (p) => Date.parse(String(p.metadata?.creationTimestamp)) >= since,
    )
    for (const pod of pods) {
      const name = pod.metadata!.name!
      for (const step of migratorSteps(pod)) {
        if (step.state === 'waiting' && step.restarts === 0) continue
        // The run that failed, once the container has restarted past it, is the previous log.
        const previous = step.hasPrevious ? await read(name, step.container, true, step.restarts - 1) : ''
        const current = step.state === 'waiting' && step.waiting === 'CrashLoopBackOff' ? '' : await read(name, step.container, false, step.restarts)
        const known = knownFailure(`${previous}\n${current}`)
        if (!state.failure && known && step.failedRuns >= FAILED_RUNS_TO_STOP) {
          state.failure = `the migrator's ${step.container} step (${step.command}) failed ${step.failedRuns} times: ${failureLine(current, previous) ?? ''} (${known.what})`
          stopHelm(state.failure)
        }
      }
    }
  }
  const loop = async () => {
    while (!state.stopped) {
      await tick().catch(() => undefined)
      await new Promise((resolve) => setTimeout(resolve, 400))
    }
  }
  void loop()
  return {
    stop: () => void (state.stopped = true),
    flush: () => tick().catch(() => undefined),
    recognised,
    get failure() {
      return state.failure
    },
  }
}

const latest = async (ctx: UpgradeContext, release: string) => (await releaseHistory(ctx, release)).at(-1)

/**
 * The upgrade itself: the real `helm upgrade` with the user's chart, version and values. An
 * interruption asks Helm to stop (SIGTERM), and waits until it has marked the release failed:
 * never left pending. Undo rolls back to the revision deployed before.
 */
export function helmUpgradeAction(p: {
  request: UpgradeRequest
  fromRevision: number
  migratorJob?: string
  timeoutMs: number
  rollbackTimeoutMs: number
}): Action<UpgradeContext> {
  const args = helmUpgradeArgs(p.request)
  return {
    id: 'helm-upgrade',
    title: `helm upgrade ${p.request.release} ${p.request.chart}${p.request.version ? ` ${p.request.version}` : ''}`,
    safety: 'disruptive',
    done: async (ctx) =>
      ((await latest(ctx, p.request.release))?.revision ?? 0) > p.fromRevision && (await latest(ctx, p.request.release))?.status === 'deployed',
    async preview() {
      return [
        {
          kind: 'helm',
          summary: displayArgs(args),
          detail: `from revision ${p.fromRevision}; hooks run first (the schema migrator)${p.request.reuseValues ? '; the deployed values are kept under the new ones' : ''}`,
        },
      ]
    },
    async backup() {
      return {revision: p.fromRevision}
    },
    async apply(ctx) {
      // Helm stops when the person interrupts, or when the migrator has failed for good.
      const migratorFailed = new AbortController()
      const watcher = watchMigrator(ctx, p.migratorJob, (why) => {
        ctx.report(`stopping Helm: ${why}`)
        migratorFailed.abort()
      })
      try {
        const r = await runHelm(ctx.helm, args, p.timeoutMs, AbortSignal.any([ctx.interrupt, migratorFailed.signal]))
        // A migrator quicker than the poll: its log is read once more, whatever the outcome.
        await watcher.flush()
        if (migratorFailed.signal.aborted && !ctx.interrupt.aborted) {
          for (const line of `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => l.trim() && !/level=WARN/.test(l))) ctx.report(`helm: ${line}`)
          await waitUntil(60_000, async () => !(await latest(ctx, p.request.release))?.status.startsWith('pending'), 1000)
          throw new Error(`helm upgrade failed: ${watcher.failure}`)
        }
        if (ctx.interrupt.aborted) {
          // Helm cancels on SIGTERM and records the release failed; wait for that, never pending.
          await waitUntil(60_000, async () => !(await latest(ctx, p.request.release))?.status.startsWith('pending'), 1000)
          throw new Error('interrupted: Helm was asked to stop')
        }
        if (r.code !== 0) {
          const why = (
            r.stderr
              .trim()
              .split('\n')
              .filter((l) => !/level=WARN/.test(l))
              .pop() ?? `exit ${r.code}`
          ).replace(/^\s*\*\s*/, '')
          throw new Error(`helm upgrade failed: ${why}${watcher.recognised.length ? ` (${watcher.recognised.join('; ')})` : ''}`)
        }
      } finally {
        watcher.stop()
      }
    },
    async verify(ctx) {
      const now = await latest(ctx, p.request.release)
      return now && now.status === 'deployed' && now.revision > p.fromRevision
        ? {ok: true, message: `revision ${now.revision} deployed (${now.chart})`}
        : {ok: false, message: `release is ${now?.status} at revision ${now?.revision}`}
    },
    async undo(ctx, backup) {
      const revision = String(backup.revision ?? p.fromRevision)
      const seconds = Math.max(60, Math.round(p.rollbackTimeoutMs / 1000))
      const rollback = () => runHelm(ctx.helm, ['rollback', p.request.release, revision, '--timeout', `${seconds}s`], (seconds + 30) * 1000)
      let r = await rollback()
      // The chart renders the migrator Job as a resource at install and as a hook on upgrade: the
      // failed upgrade's hook deleted it, and Helm cannot roll back to a revision whose object is
      // gone. It is put back from that revision's manifest, then the rollback runs again.
      const missing = /no (\w+) with the name "([^"]+)" found/.exec(r.stderr)
      if (r.code !== 0 && missing) {
        const manifest = await runHelm(ctx.helm, ['get', 'manifest', p.request.release, '--revision', revision])
        const object = parseManifest(manifest.stdout).find((o) => o.kind === missing[1] && o.metadata.name === missing[2])
        if (object) {
          ctx.report(`putting back ${missing[1]}/${missing[2]} of revision ${revision}, which the failed upgrade's hook deleted`)
          await ctx.kube.createObject({...object, metadata: {...object.metadata, namespace: ctx.namespace}})
          r = await rollback()
        }
      }
      if (r.code !== 0) throw new Error(`helm rollback: ${r.stderr.trim().split('\n').pop()}`)
    },
  }
}
