import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import type {EvidenceValue} from '../core/check.js'
import {runHelm, type HelmTarget} from '../gateways/helm.js'
import type {KubeGateway, KubeItem, ObjectRef} from '../gateways/kube.js'
import {templateContainers} from '../signoz/deployment.js'
import {serviceOf} from '../signoz/duplicate.js'
import type {Action, Backup, Plan} from './action.js'
import {redact} from './redact.js'

export interface FixContext {
  kube: KubeGateway
  helm: HelmTarget
  /** Where the values file that pins the installation name is written. */
  valuesDir: string
  /** Bound on each wait (a rollout, a deletion). */
  waitMs: number
}

/** Everything that rebuilds the plan: written to the journal, read back by --undo. */
export interface DuplicateParams {
  [key: string]: EvidenceValue
  namespace: string
  release: string
  active: string
  activeService: string
  duplicates: {name: string; helmRelease: string | null}[]
  clients: {kind: string; name: string}[]
  chart: string
  chartVersion: string | null
  deleteClaims: boolean
}

const HOST_ENV = 'CLICKHOUSE_HOST'
const CHI = {apiVersion: 'clickhouse.altinity.com/v1', kind: 'ClickHouseInstallation'}

async function waitUntil(what: string, ms: number, test: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + ms
  for (;;) {
    if (await test()) return true
    if (Date.now() > deadline) return false
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

/** The CLICKHOUSE_HOST of each container of a workload that has one. */
async function hostsOf(ctx: FixContext, ref: ObjectRef): Promise<{container: string; value: string}[]> {
  const item = await ctx.kube.getObject(ref)
  return templateContainers(item).flatMap((c) => (c.env ?? []).filter((e) => e.name === HOST_ENV && e.value !== undefined).map((e) => ({container: c.name, value: e.value!})))
}

function pointClients(p: DuplicateParams): Action<FixContext> {
  const refs = p.clients.map((c): ObjectRef => ({apiVersion: 'apps/v1', kind: c.kind, name: c.name, namespace: p.namespace}))
  const wrong = async (ctx: FixContext) =>
    (await Promise.all(refs.map(async (ref) => (await hostsOf(ctx, ref)).filter((h) => serviceOf(h.value) !== p.activeService).map((h) => ({ref, ...h}))))).flat()
  const patch = (ctx: FixContext, ref: ObjectRef, container: string, value: string) =>
    ctx.kube.patchObject(ref, {spec: {template: {spec: {containers: [{name: container, env: [{name: HOST_ENV, value}]}]}}}})
  return {
    id: 'point-clients',
    title: `Point the collectors and SigNoz at ${p.activeService}`,
    safety: 'safe',
    done: async (ctx) => (await wrong(ctx)).length === 0,
    async preview(ctx) {
      return (await wrong(ctx)).map((w) => ({kind: 'kubernetes' as const, summary: `${w.ref.kind}/${w.ref.name} container ${w.container}`, detail: `- ${HOST_ENV}=${w.value}\n+ ${HOST_ENV}=${p.activeService}`}))
    },
    async backup(ctx) {
      return {clients: (await wrong(ctx)).map((w) => ({kind: w.ref.kind, name: w.ref.name, container: w.container, from: w.value}))}
    },
    async apply(ctx) {
      for (const w of await wrong(ctx)) await patch(ctx, w.ref, w.container, p.activeService)
    },
    async verify(ctx) {
      // Rolled out: every workload points there and has its replicas ready again.
      const ok = await waitUntil('the clients to roll out', ctx.waitMs, async () => {
        if ((await wrong(ctx)).length) return false
        for (const ref of refs) {
          const item = await ctx.kube.getObject(ref)
          const want = Number((item?.spec as {replicas?: number} | undefined)?.replicas ?? 1)
          const status = (item?.status ?? {}) as {readyReplicas?: number; updatedReplicas?: number}
          if ((status.readyReplicas ?? 0) < want) return false
        }
        return true
      })
      return ok ? {ok, message: `${refs.length} workloads use ${p.activeService} and are ready`} : {ok, message: `the workloads did not become ready on ${p.activeService} within ${ctx.waitMs / 1000}s`}
    },
    async undo(ctx, backup) {
      for (const c of (backup.clients ?? []) as {kind: string; name: string; container: string; from: string}[]) {
        await patch(ctx, {apiVersion: 'apps/v1', kind: c.kind, name: c.name, namespace: p.namespace}, c.container, c.from)
      }
    },
  }
}

const valuesFile = (ctx: FixContext, p: DuplicateParams) => join(ctx.valuesDir, `${p.release}-pin-clickhouse.yaml`)
const PIN_VALUES = (p: DuplicateParams) =>
  `# Written by signoz-ha fix duplicate-clickhouse. Keep it in your values: it pins the ClickHouse\n# installation name, so a release rename or reinstall cannot create a second installation.\nclickhouse:\n  fullnameOverride: ${p.active}\n`

async function helmJson<T>(ctx: FixContext, args: string[]): Promise<T> {
  const r = await runHelm(ctx.helm, [...args, '-o', 'json'])
  if (r.code !== 0) throw new Error(`helm ${args[0]}: ${r.stderr.trim().split('\n').pop()}`)
  return JSON.parse(r.stdout || 'null') as T
}

function pinRelease(p: DuplicateParams): Action<FixContext> {
  const pinned = async (ctx: FixContext) => {
    const [values, status] = await Promise.all([
      helmJson<{clickhouse?: {fullnameOverride?: string}} | null>(ctx, ['get', 'values', p.release]),
      helmJson<{info: {status: string}}>(ctx, ['status', p.release]),
    ])
    return values?.clickhouse?.fullnameOverride === p.active && status.info.status === 'deployed'
  }
  const upgradeArgs = (ctx: FixContext) => [
    'upgrade',
    p.release,
    p.chart,
    ...(p.chartVersion ? ['--version', p.chartVersion] : []),
    '--reuse-values',
    '-f',
    valuesFile(ctx, p),
    '--timeout',
    '10m',
  ]
  return {
    id: 'pin-release',
    title: `Pin clickhouse.fullnameOverride=${p.active} in release ${p.release}`,
    safety: 'safe',
    done: pinned,
    async preview(ctx) {
      return [
        {kind: 'file', summary: `write ${valuesFile(ctx, p)}`, detail: PIN_VALUES(p)},
        {kind: 'helm', summary: upgradeArgs(ctx).join(' '), detail: 'the schema migrator hook runs against the pinned installation; the release renders no second installation again'},
      ]
    },
    async backup(ctx) {
      const status = await helmJson<{version: number}>(ctx, ['status', p.release])
      return {revision: status.version}
    },
    async apply(ctx) {
      mkdirSync(ctx.valuesDir, {recursive: true})
      writeFileSync(valuesFile(ctx, p), PIN_VALUES(p))
      const r = await runHelm(ctx.helm, upgradeArgs(ctx), 11 * 60_000)
      if (r.code !== 0) throw new Error(`helm upgrade: ${r.stderr.trim().split('\n').pop()}`)
    },
    async verify(ctx) {
      return (await pinned(ctx))
        ? {ok: true, message: `release ${p.release} deployed with clickhouse.fullnameOverride=${p.active}`}
        : {ok: false, message: `release ${p.release} is not deployed with the pinned name`}
    },
    async undo(ctx, backup) {
      const r = await runHelm(ctx.helm, ['rollback', p.release, String(backup.revision), '--timeout', '10m'], 11 * 60_000)
      if (r.code !== 0) throw new Error(`helm rollback: ${r.stderr.trim().split('\n').pop()}`)
    },
  }
}

function removeDuplicate(p: DuplicateParams, dup: {name: string; helmRelease: string | null}): Action<FixContext> {
  const ref: ObjectRef = {...CHI, name: dup.name, namespace: p.namespace}
  const podsLeft = async (ctx: FixContext) => (await ctx.kube.list('pods', p.namespace, `clickhouse.altinity.com/chi=${dup.name}`)).length
  return {
    id: `remove-${dup.name}`,
    title: `Remove the empty installation ${dup.name} (its claims are kept)`,
    safety: 'disruptive',
    done: async (ctx) => (await ctx.kube.getObject(ref)) === undefined,
    async preview() {
      return [{kind: 'kubernetes', summary: `delete ClickHouseInstallation/${dup.name}`, detail: 'the operator removes its StatefulSets, Services and pods; PersistentVolumeClaims stay'}]
    },
    async backup(ctx) {
      const item = await ctx.kube.getObject(ref)
      const {name, namespace, labels, annotations} = item?.metadata ?? {}
      return {helmRelease: dup.helmRelease, installation: redact({apiVersion: CHI.apiVersion, kind: CHI.kind, metadata: {name, namespace, labels, annotations}, spec: item?.spec}) as Backup}
    },
    async apply(ctx) {
      // Checked again at the last moment: nothing may point at it any more.
      const users = (await ctx.kube.list('deployments', p.namespace)).filter((d) => templateContainers(d).some((c) => (c.env ?? []).some((e) => e.name === HOST_ENV && e.value && serviceOf(e.value) === dup.name)))
      if (users.length) throw new Error(`${users.map((u) => u.metadata?.name).join(', ')} still use ${dup.name}: not removed`)
      await ctx.kube.deleteObject(ref)
    },
    async verify(ctx) {
      const gone = await waitUntil(`${dup.name} to be gone`, ctx.waitMs, async () => (await ctx.kube.getObject(ref)) === undefined && (await podsLeft(ctx)) === 0)
      return gone ? {ok: true, message: `${dup.name} and its pods are gone`} : {ok: false, message: `${dup.name} or its pods are still there after ${ctx.waitMs / 1000}s (a finalizer without a running operator?)`}
    },
    async undo(ctx, backup) {
      // A Helm-managed installation comes back with the release rollback (the next undo step).
      if (backup.helmRelease) return
      await ctx.kube.createObject(backup.installation as KubeItem & {apiVersion: string; kind: string})
    },
  }
}

function deleteClaims(p: DuplicateParams, dup: {name: string}): Action<FixContext> {
  const claims = (ctx: FixContext) => ctx.kube.list('persistentvolumeclaims', p.namespace, `clickhouse.altinity.com/chi=${dup.name}`)
  return {
    id: `delete-claims-${dup.name}`,
    title: `Delete the volume claims of ${dup.name}`,
    safety: 'destructive',
    confirmName: dup.name,
    done: async (ctx) => (await claims(ctx)).length === 0,
    async preview(ctx) {
      return (await claims(ctx)).map((c) => ({kind: 'kubernetes' as const, summary: `delete PersistentVolumeClaim/${c.metadata?.name}`, detail: 'its volume and anything on it are deleted with it (reclaim policy Delete)'}))
    },
    async backup(ctx) {
      return {claims: (await claims(ctx)).map((c) => c.metadata?.name ?? '')}
    },
    async apply(ctx) {
      for (const c of await claims(ctx)) await ctx.kube.deleteObject({apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: c.metadata!.name!, namespace: p.namespace})
    },
    async verify(ctx) {
      const gone = await waitUntil('the claims to be gone', ctx.waitMs, async () => (await claims(ctx)).length === 0)
      return gone ? {ok: true, message: `the claims of ${dup.name} are deleted`} : {ok: false, message: `claims of ${dup.name} remain`}
    },
    async undo() {
      throw new Error(`the deleted claims of ${dup.name} cannot be restored`)
    },
  }
}

/**
 * Ingestion first (clients to the installation with the data), then the name pinned in the
 * release so the next upgrade cannot recreate the duplicate, then the empty duplicate removed
 * (its claims kept unless asked).
 */
export function duplicatePlan(p: DuplicateParams): Plan<FixContext> {
  return {
    id: 'duplicate-clickhouse',
    title: `Keep ${p.active}, remove ${p.duplicates.map((d) => d.name).join(', ')}`,
    params: p,
    actions: [pointClients(p), pinRelease(p), ...p.duplicates.map((d) => removeDuplicate(p, d)), ...(p.deleteClaims ? p.duplicates.map((d) => deleteClaims(p, d)) : [])],
  }
}
