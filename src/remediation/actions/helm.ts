import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {stringify} from 'yaml'
import {GatewayError} from '../../gateways/errors.js'
import {runHelm} from '../../gateways/helm.js'
import {valueAt} from '../../signoz/helm-release.js'
import type {Action} from '../action.js'
import {checkPasses, waitUntil, type FixContext, type RemedyContext} from '../context.js'

/** helm … -o json, parsed; Helm's last stderr line as the error. */
export async function helmJson<T>(ctx: FixContext, args: string[]): Promise<T> {
  const r = await runHelm(ctx.helm, [...args, '-o', 'json'])
  if (r.code !== 0) throw new GatewayError('server', `helm ${args[0]}: ${lastLine(r.stderr)}`, 'helm')
  return JSON.parse(r.stdout || 'null') as T
}

const lastLine = (text: string) => text.trim().split('\n').pop() ?? ''

export interface HelmRevision {
  revision: number
  status: string
  chart: string
  app_version: string
  description?: string
}

/** The release's revisions, oldest first (`helm history`). */
export const releaseHistory = (ctx: FixContext, release: string) => helmJson<HelmRevision[]>(ctx, ['history', release, '--max', '50'])

/** Runs a Helm command that changes the release; fails with Helm's own message. */
async function helmChange(ctx: FixContext, args: string[]): Promise<void> {
  const r = await runHelm(ctx.helm, [...args, '--timeout', '10m'], 11 * 60_000)
  if (r.code !== 0) throw new GatewayError('server', `helm ${args[0]}: ${lastLine(r.stderr)}`, 'helm')
}

const latestStatus = async (ctx: FixContext, release: string) => (await releaseHistory(ctx, release)).at(-1)

/** The revision the release really runs: the last deployed one (a pending or failed one on top never became the release). */
const lastDeployed = (history: HelmRevision[]) =>
  [...history].reverse().find((r) => r.status === 'deployed') ?? [...history].reverse().find((r) => r.status === 'superseded')

/**
 * A release left pending-* (install, upgrade, rollback) refuses every upgrade (helm#4558). When
 * this run took the Lease over from a run that is gone, the pending operation was that run's,
 * killed mid-way: its revision record is deleted, so the last deployed revision is the release
 * again and the step's upgrade goes on from it (Helm adopts what the killed upgrade had created;
 * a rollback cannot, as it fails on what the killed upgrade had already removed). Otherwise a Helm
 * operation may still be running: refused, naming the way out.
 */
export async function recoverPending(ctx: FixContext, release: string): Promise<HelmRevision | undefined> {
  const history = await releaseHistory(ctx, release)
  const latest = history.at(-1)
  if (!latest?.status.startsWith('pending-')) return undefined
  if (!ctx.lease?.takenOverFrom) {
    throw new GatewayError(
      'server',
      `release ${release} is ${latest.status} at revision ${latest.revision}: a Helm operation is running, or one was killed; if none runs: signoz-ha runbook run helm-release-stuck`,
      'helm',
    )
  }
  if (!lastDeployed(history))
    throw new GatewayError('server', `release ${release} is ${latest.status} at revision ${latest.revision} and has no deployed revision to go back to`, 'helm')
  // Helm's storage driver (HELM_DRIVER): Secrets unless told ConfigMaps.
  const kind = process.env.HELM_DRIVER?.toLowerCase().startsWith('configmap') ? 'ConfigMap' : 'Secret'
  await ctx.kube.deleteObject({apiVersion: 'v1', kind, name: `sh.helm.release.v1.${release}.v${latest.revision}`, namespace: ctx.helm.namespace})
  return latest
}

/**
 * Rolls a release back to a revision: the way out of a release stuck pending-* or failed
 * (catalogue #13). Helm writes a new revision from the old one's manifests and values.
 */
export function rollbackRelease(p: {release: string; revision: number}): Action<FixContext> {
  return {
    id: 'rollback-release',
    title: `Roll release ${p.release} back to revision ${p.revision} (its last deployed one)`,
    safety: 'disruptive',
    runs: 'helm',
    done: async (ctx) => (await latestStatus(ctx, p.release))?.status === 'deployed',
    async preview(ctx) {
      const latest = await latestStatus(ctx, p.release)
      return [
        {
          kind: 'helm',
          summary: `rollback ${p.release} ${p.revision}`,
          detail: `revision ${latest?.revision} is ${latest?.status}; Helm writes revision ${(latest?.revision ?? 0) + 1} from revision ${p.revision}'s manifests and values`,
        },
      ]
    },
    async backup(ctx) {
      return {revision: (await latestStatus(ctx, p.release))?.revision ?? null}
    },
    async apply(ctx) {
      await helmChange(ctx, ['rollback', p.release, String(p.revision)])
    },
    async verify(ctx) {
      const latest = await latestStatus(ctx, p.release)
      return latest?.status === 'deployed'
        ? {ok: true, message: `release ${p.release} deployed at revision ${latest.revision}`}
        : {ok: false, message: `release ${p.release} is ${latest?.status} at revision ${latest?.revision}`}
    },
    // Going back to a stuck or failed revision is never wanted: a later upgrade is the way forward.
  }
}

/** Keys to set in a release, as nested values: {"clickhouse.zookeeper.replicaCount": 3} → YAML. */
function nestedValues(set: Record<string, string | number | boolean>): Record<string, unknown> {
  const root: Record<string, unknown> = {}
  for (const [path, value] of Object.entries(set)) {
    const keys = path.split('.')
    let node = root
    for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>
    node[keys.at(-1)!] = value
  }
  return root
}

export interface ValuesChange {
  id: string
  title: string
  release: string
  chart: string
  chartVersion: string | null
  /** The values file's name under the context's values directory. */
  file: string
  /** Why the file exists, written at its top. */
  comment: string
  set: Record<string, string | number | boolean>
}

export const valuesFilePath = (ctx: FixContext, c: Pick<ValuesChange, 'file'>) => join(ctx.valuesDir, c.file)

/**
 * Sets values in a release for good: a values file is written (keep it with your values) and
 * `helm upgrade --reuse-values -f FILE` runs, hooks included (the schema migrator). Undo rolls
 * the release back to the revision saved before.
 */
export function upgradeWithValues(c: ValuesChange): Action<FixContext> {
  const yaml = `${c.comment
    .split('\n')
    .map((l) => `# ${l}`)
    .join('\n')}\n${stringify(nestedValues(c.set))}`
  // Nothing to set: a plain re-run with the deployed values (its hooks run again).
  const withFile = Object.keys(c.set).length > 0
  const args = (ctx: FixContext) => [
    'upgrade',
    c.release,
    c.chart,
    ...(c.chartVersion ? ['--version', c.chartVersion] : []),
    '--reuse-values',
    ...(withFile ? ['-f', valuesFilePath(ctx, c)] : []),
  ]
  const applied = async (ctx: FixContext) => {
    const [values, latest] = await Promise.all([helmJson<Record<string, unknown> | null>(ctx, ['get', 'values', c.release]), latestStatus(ctx, c.release)])
    return latest?.status === 'deployed' && Object.entries(c.set).every(([key, want]) => String(valueAt(values ?? {}, key)) === String(want))
  }
  return {
    id: c.id,
    title: c.title,
    safety: 'safe',
    runs: 'helm',
    done: applied,
    async preview(ctx) {
      return [
        ...(withFile ? [{kind: 'file' as const, summary: `write ${valuesFilePath(ctx, c)}`, detail: yaml}] : []),
        {
          kind: 'helm',
          summary: `${args(ctx).join(' ')} --timeout 10m`,
          detail: 'pre-upgrade hooks run (the schema migrator); the rest of the values stay as deployed',
        },
      ]
    },
    async backup(ctx) {
      // What undo goes back to: the revision deployed now, not a pending one a killed run left on top.
      return {revision: lastDeployed(await releaseHistory(ctx, c.release))?.revision ?? null}
    },
    async apply(ctx) {
      if (withFile) {
        mkdirSync(ctx.valuesDir, {recursive: true})
        writeFileSync(valuesFilePath(ctx, c), yaml)
      }
      await recoverPending(ctx, c.release)
      await helmChange(ctx, args(ctx))
    },
    async verify(ctx) {
      return (await applied(ctx))
        ? {
            ok: true,
            message: `release ${c.release} deployed${
              withFile
                ? ` with ${Object.entries(c.set)
                    .map(([k, v]) => `${k}=${v}`)
                    .join(', ')}`
                : ''
            }`,
          }
        : {ok: false, message: `release ${c.release} is not deployed with the new values`}
    },
    async undo(ctx, backup) {
      if (typeof backup.revision !== 'number') throw new Error(`no revision of ${c.release} was saved before the upgrade`)
      await helmChange(ctx, ['rollback', c.release, String(backup.revision)])
    },
  }
}

/**
 * clickhouse.fullnameOverride pinned in the release: a rename or reinstall can then never render
 * a second installation (the seed's failure, catalogue #12).
 */
export const pinInstallation = (p: {release: string; chart: string; chartVersion: string | null; installation: string}): Action<FixContext> =>
  upgradeWithValues({
    id: 'pin-release',
    title: `Pin clickhouse.fullnameOverride=${p.installation} in release ${p.release}`,
    release: p.release,
    chart: p.chart,
    chartVersion: p.chartVersion,
    file: `${p.release}-pin-clickhouse.yaml`,
    comment:
      'Written by signoz-ha. Keep it in your values: it pins the ClickHouse installation name,\nso a release rename or reinstall cannot create a second installation.',
    set: {'clickhouse.fullnameOverride': p.installation},
  })

/**
 * Runs the schema migrator again: `helm upgrade --reuse-values` recreates the pre-upgrade hook
 * Job (before-hook-creation), with any values the cause needs (a longer timeout). Done when the
 * migrator Job and every migration pass doctor's checks; undo rolls the release back.
 */
export function rerunMigrator(c: Omit<ValuesChange, 'id' | 'title' | 'file' | 'comment'>): Action<RemedyContext> {
  const change = upgradeWithValues({
    ...c,
    id: 'rerun-migrator',
    title: `Run the schema migrator again (helm upgrade ${c.release} --reuse-values${Object.entries(c.set)
      .map(([k, v]) => ` --set ${k}=${v}`)
      .join('')})`,
    file: `${c.release}-migrator.yaml`,
    comment: 'Written by signoz-ha runbook run: the values the schema migrator needed to finish.',
  })
  const migrated = async (ctx: RemedyContext) => (await checkPasses(ctx, 'signoz/migrations')) && (await checkPasses(ctx, 'kube/migrator-job'))
  return {
    ...change,
    done: async (ctx) => (await migrated(ctx)) && (await change.done(ctx)),
    async verify(ctx) {
      const released = await change.verify(ctx)
      if (!released.ok) return released
      const ok = await waitUntil(ctx.waitMs, () => migrated(ctx), 2000)
      return ok
        ? {ok, message: `${released.message}; the migrator finished every migration`}
        : {ok, message: 'the release is deployed but a migration is still failed or the migrator Job did not complete'}
    },
  }
}
