import type {EvidenceValue} from '../core/check.js'
import type {KubeItem, ObjectRef} from '../gateways/kube.js'
import {label, templateContainers, type SignozDeployment} from '../signoz/deployment.js'
import {KEPT_CLAIM_ANNOTATION, chooseActive, serviceOf, type InstallationEvidence} from '../signoz/duplicate.js'
import type {Action, Backup, Plan} from './action.js'
import {pointClients} from './actions/kube.js'
import {pinInstallation} from './actions/helm.js'
import {waitUntil, type FixContext, type RemedyContext} from './context.js'
import {redact} from './redact.js'

export type {FixContext} from './context.js'

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

/** The evidence for each installation: data (rows, read through rowsIn), hosts, claims, users, Helm. */
export async function installationEvidence(
  d: SignozDeployment,
  rowsIn: (installation: string) => Promise<number | undefined>,
): Promise<InstallationEvidence[]> {
  const claims = d.snapshot.items.persistentvolumeclaims ?? []
  return Promise.all(
    d.installations.map(async (i) => ({
      name: i.name,
      service: i.service,
      hosts: i.pods.length,
      readyHosts: i.readyPods,
      boundClaims: claims.filter((c) => label(c, 'clickhouse.altinity.com/chi') === i.name && (c.status as {phase?: string} | undefined)?.phase === 'Bound')
        .length,
      rows: await rowsIn(i.name),
      helmRelease: i.helmRelease,
      namedByRelease: d.expectedInstallation === i.name,
      clients: d.clients.filter((c) => serviceOf(c.host) === i.service).map((c) => `${c.kind}/${c.name}`),
    })),
  )
}

export type DuplicateAssessment = {ok: true; params: DuplicateParams; reasons: string[]} | {ok: false; reason: string}

/**
 * Decides from evidence which installation is the real one and what the fix will do. Refuses
 * (ok: false) when two hold data, or when a duplicate has ready hosts that could not be read.
 */
export async function assessDuplicate(
  d: SignozDeployment,
  options: {rowsIn: (installation: string) => Promise<number | undefined>; chart: string; chartVersion: string | null; deleteClaims: boolean},
): Promise<DuplicateAssessment> {
  if (!d.release) return {ok: false, reason: `no SigNoz Helm release in ${d.namespace} to pin the installation name in`}
  const decision = chooseActive(await installationEvidence(d, options.rowsIn))
  if (!decision.ok) return decision
  const unreadable = decision.duplicates.find((x) => x.readyHosts > 0 && x.rows === undefined)
  if (unreadable) return {ok: false, reason: `${unreadable.name} has ready hosts that could not be read: cannot prove it is empty, nothing changed`}
  return {
    ok: true,
    reasons: decision.reasons,
    params: {
      namespace: d.namespace,
      release: d.release.name,
      active: decision.active.name,
      activeService: decision.active.service,
      duplicates: decision.duplicates.map((x) => ({name: x.name, helmRelease: x.helmRelease ?? null})),
      clients: d.clients.filter((c) => c.kind === 'Deployment' || c.kind === 'StatefulSet').map((c) => ({kind: c.kind, name: c.name})),
      chart: options.chart,
      chartVersion: options.chartVersion,
      deleteClaims: options.deleteClaims,
    },
  }
}

const claimsOf = (ctx: FixContext, p: DuplicateParams, installation: string) =>
  ctx.kube.list('persistentvolumeclaims', p.namespace, `clickhouse.altinity.com/chi=${installation}`)
const claimRef = (p: DuplicateParams, c: KubeItem): ObjectRef => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  name: c.metadata!.name!,
  namespace: p.namespace,
})

function removeDuplicate(p: DuplicateParams, dup: {name: string; helmRelease: string | null}): Action<FixContext> {
  const ref: ObjectRef = {...CHI, name: dup.name, namespace: p.namespace}
  const podsLeft = async (ctx: FixContext) => (await ctx.kube.list('pods', p.namespace, `clickhouse.altinity.com/chi=${dup.name}`)).length
  return {
    id: `remove-${dup.name}`,
    title: `Remove the empty installation ${dup.name} (its claims are kept)`,
    safety: 'disruptive',
    done: async (ctx) => (await ctx.kube.getObject(ref)) === undefined,
    async preview() {
      return [
        {
          kind: 'kubernetes',
          summary: `delete ClickHouseInstallation/${dup.name}`,
          detail: `the operator removes its StatefulSets, Services and pods; its PersistentVolumeClaims stay, annotated ${KEPT_CLAIM_ANNOTATION}=${p.active}`,
        },
      ]
    },
    async backup(ctx) {
      const item = await ctx.kube.getObject(ref)
      const {name, namespace, labels, annotations} = item?.metadata ?? {}
      return {
        helmRelease: dup.helmRelease,
        installation: redact({apiVersion: CHI.apiVersion, kind: CHI.kind, metadata: {name, namespace, labels, annotations}, spec: item?.spec}) as Backup,
      }
    },
    async apply(ctx) {
      // Checked again at the last moment: nothing may point at it any more.
      const users = (await ctx.kube.list('deployments', p.namespace)).filter((d) =>
        templateContainers(d).some((c) => (c.env ?? []).some((e) => e.name === HOST_ENV && e.value && serviceOf(e.value) === dup.name)),
      )
      if (users.length) throw new Error(`${users.map((u) => u.metadata?.name).join(', ')} still use ${dup.name}: not removed`)
      // The claims stay; marked so that doctor tells kept-on-purpose from data lost to a rename.
      for (const c of await claimsOf(ctx, p, dup.name))
        await ctx.kube.patchObject(claimRef(p, c), {metadata: {annotations: {[KEPT_CLAIM_ANNOTATION]: p.active}}})
      await ctx.kube.deleteObject(ref)
    },
    async verify(ctx) {
      const gone = await waitUntil(ctx.waitMs, async () => (await ctx.kube.getObject(ref)) === undefined && (await podsLeft(ctx)) === 0)
      return gone
        ? {ok: true, message: `${dup.name} and its pods are gone`}
        : {ok: false, message: `${dup.name} or its pods are still there after ${ctx.waitMs / 1000}s (a finalizer without a running operator?)`}
    },
    async undo(ctx, backup) {
      // A Helm-managed installation comes back with the release rollback (the next undo step).
      for (const c of await claimsOf(ctx, p, dup.name)) await ctx.kube.patchObject(claimRef(p, c), {metadata: {annotations: {[KEPT_CLAIM_ANNOTATION]: null}}})
      if (backup.helmRelease) return
      await ctx.kube.createObject(backup.installation as KubeItem & {apiVersion: string; kind: string})
    },
  }
}

function deleteClaims(p: DuplicateParams, dup: {name: string}): Action<FixContext> {
  const claims = (ctx: FixContext) => claimsOf(ctx, p, dup.name)
  return {
    id: `delete-claims-${dup.name}`,
    title: `Delete the volume claims of ${dup.name}`,
    safety: 'destructive',
    confirmName: dup.name,
    done: async (ctx) => (await claims(ctx)).length === 0,
    async preview(ctx) {
      return (await claims(ctx)).map((c) => ({
        kind: 'kubernetes' as const,
        summary: `delete PersistentVolumeClaim/${c.metadata?.name}`,
        detail: 'its volume and anything on it are deleted with it (reclaim policy Delete)',
      }))
    },
    async backup(ctx) {
      return {claims: (await claims(ctx)).map((c) => c.metadata?.name ?? '')}
    },
    async apply(ctx) {
      for (const c of await claims(ctx)) await ctx.kube.deleteObject(claimRef(p, c))
    },
    async verify(ctx) {
      const gone = await waitUntil(ctx.waitMs, async () => (await claims(ctx)).length === 0)
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
    actions: [...restoreActions(p), ...removalActions(p)],
  }
}

/** Ingestion restored and made permanent: clients on the real installation, its name pinned. */
export const restoreActions = (p: DuplicateParams): Action<FixContext>[] => [
  pointClients({namespace: p.namespace, service: p.activeService, clients: p.clients}),
  pinInstallation({release: p.release, chart: p.chart, chartVersion: p.chartVersion, installation: p.active}),
]

/** The empty duplicates removed (their claims only when asked). */
export const removalActions = (p: DuplicateParams): Action<FixContext>[] => [
  ...p.duplicates.map((d) => removeDuplicate(p, d)),
  ...(p.deleteClaims ? p.duplicates.map((d) => deleteClaims(p, d)) : []),
]

const assessments = new WeakMap<RemedyContext, Promise<DuplicateAssessment | undefined>>()

/**
 * The duplicate assessment of a runbook run, made once for its two steps: undefined when there
 * is one installation; a refusal (two hold data, one unreadable) stops the run, nothing changed.
 */
export function assessOnce(ctx: RemedyContext): Promise<DuplicateAssessment | undefined> {
  let pending = assessments.get(ctx)
  if (!pending) {
    pending = ctx
      .deployment()
      .then((d) =>
        d.installations.length < 2
          ? undefined
          : assessDuplicate(d, {rowsIn: ctx.rowsIn, chart: ctx.chart, chartVersion: ctx.chartVersion, deleteClaims: false}),
      )
    assessments.set(ctx, pending)
  }
  return pending
}

/** The checks that say the duplicate is gone and data flows again: fix duplicate-clickhouse and its runbook verify with the same. */
export const DUPLICATE_VERIFY_CHECKS = [
  'kube/duplicate-clickhouse',
  'kube/collector-clickhouse-target',
  'kube/pods-pending',
  'clickhouse/reachable',
  'signoz/ingestion-fresh',
  'helm/release-status',
]
