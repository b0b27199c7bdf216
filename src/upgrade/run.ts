import {runHelm} from '../gateways/helm.js'
import {releaseHistory} from '../remediation/actions/helm.js'
import type {Action} from '../remediation/action.js'
import {waitUntil, type RemedyContext} from '../remediation/context.js'
import {isSecretKey} from '../remediation/redact.js'
import {helmUpgradeArgs, parseManifest, type UpgradeRequest} from './release.js'

/** The remediation context of an upgrade, with the signal that asks a running Helm to stop. */
export interface UpgradeContext extends RemedyContext {
  interrupt: AbortSignal
  /** One line of what the migrator and Helm say, as it happens. */
  report(line: string): void
}

/** Migrator failures recognised in its log as they happen, with the runbook for each. */
export const KNOWN_MIGRATOR_FAILURES: readonly {pattern: RegExp; what: string; runbook: string}[] = [
  {pattern: /code: 159|distributed_ddl_task_timeout|Watching task .* is executing longer/i, what: 'an ON CLUSTER statement timed out on some host (catalogue #1)', runbook: 'ddl-queue-stuck'},
  {pattern: /context deadline exceeded/i, what: "the migrator's own timeout passed (telemetryStoreMigrator.timeout)", runbook: 'migrator-job-failed'},
  {pattern: /dirty/i, what: 'a legacy migration is marked dirty (catalogue #10)', runbook: 'migration-failed'},
  {pattern: /REPLICA_ALREADY_EXISTS|code: 253|Replica .* already exists/i, what: 'a replica is still registered in Keeper (catalogue #29)', runbook: 'stale-replica'},
  {pattern: /UNKNOWN_SETTING|code: 115|UNKNOWN_FUNCTION|code: 46/i, what: 'ClickHouse is too old for this migration (catalogue #9)', runbook: 'version-mismatch'},
  {pattern: /not found in system\.clusters|CLUSTER_DOESNT_EXIST|code: 701|code: 170/i, what: "the migrator's cluster name is not the servers' (catalogue #19)", runbook: 'cluster-topology-mismatch'},
]

/** Helm's arguments for a person: the values of secret keys given with --set are masked. */
export const displayArgs = (args: readonly string[]): string =>
  args.map((a, i) => (args[i - 1] === '--set' && isSecretKey(a.split('=')[0]!) ? `${a.split('=')[0]}=[redacted]` : a)).join(' ')

/**
 * Streams the schema migrator's log while Helm waits on it: new lines as they come, and a known
 * failure named with its runbook the moment it shows. Returns what it recognised.
 */
function watchMigrator(ctx: UpgradeContext, jobName: string | undefined): {stop(): void; flush(): Promise<void>; recognised: string[]} {
  // Only this upgrade's migrator: an earlier run's pod of the same Job may still be there.
  const since = Date.now() - 2000
  const seen = new Set<string>()
  const recognised: string[] = []
  let stopped = false
  const tick = async () => {
    if (!jobName) return
    const pods = (await ctx.kube.list('pods', ctx.namespace, `job-name=${jobName}`).catch(() => [])).filter((p) => Date.parse(String(p.metadata?.creationTimestamp)) >= since)
    for (const pod of pods) {
      const log = await ctx.kube.podLog(ctx.namespace, pod.metadata!.name!, 50).catch(() => '')
      for (const line of log.split('\n').filter(Boolean)) {
        const key = `${pod.metadata!.name} ${line}`
        if (seen.has(key)) continue
        seen.add(key)
        ctx.report(`migrator: ${line}`)
        const known = KNOWN_MIGRATOR_FAILURES.find((f) => f.pattern.test(line))
        if (known && !recognised.includes(known.what)) {
          recognised.push(known.what)
          ctx.report(`recognised: ${known.what} → signoz-ha runbook show ${known.runbook}`)
        }
      }
    }
  }
  const loop = async () => {
    while (!stopped) {
      await tick().catch(() => undefined)
      await new Promise((resolve) => setTimeout(resolve, 400))
    }
  }
  void loop()
  return {stop: () => void (stopped = true), flush: () => tick().catch(() => undefined), recognised}
}

const latest = async (ctx: UpgradeContext, release: string) => (await releaseHistory(ctx, release)).at(-1)

/**
 * The upgrade itself: the real `helm upgrade` with the user's chart, version and values. An
 * interruption asks Helm to stop (SIGTERM), and waits until it has marked the release failed:
 * never left pending. Undo rolls back to the revision deployed before.
 */
export function helmUpgradeAction(p: {request: UpgradeRequest; fromRevision: number; migratorJob?: string; timeoutMs: number; rollbackTimeoutMs: number}): Action<UpgradeContext> {
  const args = helmUpgradeArgs(p.request)
  return {
    id: 'helm-upgrade',
    title: `helm upgrade ${p.request.release} ${p.request.chart}${p.request.version ? ` ${p.request.version}` : ''}`,
    safety: 'disruptive',
    done: async (ctx) => ((await latest(ctx, p.request.release))?.revision ?? 0) > p.fromRevision && (await latest(ctx, p.request.release))?.status === 'deployed',
    async preview() {
      return [{kind: 'helm', summary: displayArgs(args), detail: `from revision ${p.fromRevision}; hooks run first (the schema migrator)${p.request.reuseValues ? '; the deployed values are kept under the new ones' : ''}`}]
    },
    async backup() {
      return {revision: p.fromRevision}
    },
    async apply(ctx) {
      const watcher = watchMigrator(ctx, p.migratorJob)
      try {
        const r = await runHelm(ctx.helm, args, p.timeoutMs, ctx.interrupt)
        // A migrator quicker than the poll: its log is read once more, whatever the outcome.
        await watcher.flush()
        if (ctx.interrupt.aborted) {
          // Helm cancels on SIGTERM and records the release failed; wait for that, never pending.
          await waitUntil(60_000, async () => !(await latest(ctx, p.request.release))?.status.startsWith('pending'), 1000)
          throw new Error('interrupted: Helm was asked to stop')
        }
        if (r.code !== 0) {
          const why = (r.stderr.trim().split('\n').filter((l) => !/level=WARN/.test(l)).pop() ?? `exit ${r.code}`).replace(/^\s*\*\s*/, '')
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
