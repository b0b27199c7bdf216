import type {EvidenceValue} from '../core/check.js'
import type {Report} from '../core/report.js'
import type {RemedyContext} from '../remediation/context.js'
import type {SignozDeployment} from '../signoz/deployment.js'
import {compareVersions, imageRepository, imageTag, REQUIREMENTS, skippedStops} from '../signoz/versions.js'
import type {UpgradePlan} from './plan.js'
import {resolvedEnv, type ManifestObject, type ReleaseView, type UpgradeRequest} from './release.js'

/** Everything a gate may look at; read once before any gate runs. */
export interface GateContext {
  remedy: RemedyContext
  deployment: SignozDeployment
  request: UpgradeRequest
  live: ReleaseView
  next: ReleaseView
  plan: UpgradePlan
  /** doctor's preflight checks, run once. */
  health: Report
  /** The user confirmed a recent backup (--backup-confirmed). */
  backupConfirmed: boolean
  now: Date
}

export interface GateVerdict {
  ok: boolean
  message: string
  evidence?: Record<string, EvidenceValue>
  /** What to do about a failure: a values fix, a command. */
  fix?: string
}

/** A named preflight gate: why it exists (the upgrade guide renders it) and how it judges. */
export interface UpgradeGate {
  id: string
  title: string
  why: string
  evaluate(ctx: GateContext): Promise<GateVerdict>
}

/** The checks that must pass before Helm touches anything. */
export const PREFLIGHT_CHECKS = [
  'clickhouse/reachable',
  'clickhouse/replicas-readonly',
  'clickhouse/ddl-queue',
  'clickhouse/mutations-stuck',
  'clickhouse/disk-free',
  'keeper/reachable',
  'keeper/quorum',
  'helm/release-status',
  'kube/duplicate-clickhouse',
] as const

/** What must hold after the upgrade: the installation whole, migrations done, one installation, data flowing. */
export const POSTFLIGHT_CHECKS: readonly string[] = [
  'helm/release-status',
  'kube/operator',
  'kube/pods-pending',
  'clickhouse/reachable',
  'clickhouse/replicas-readonly',
  'kube/migrator-job',
  'signoz/migrations',
  'kube/duplicate-clickhouse',
  'kube/collector-clickhouse-target',
  'signoz/ingestion-fresh',
  'clickhouse/replication-lag',
  'signoz/version-compat',
]

/** After a rollback: the release deployed and serving again. */
export const AFTER_ROLLBACK_CHECKS: readonly string[] = [
  'helm/release-status',
  'clickhouse/reachable',
  'kube/duplicate-clickhouse',
  'kube/collector-clickhouse-target',
]

type Container = {name: string; image?: string; env?: {name: string; value?: string}[]}
const containersOf = (o: ManifestObject): Container[] =>
  (o.spec as {template?: {spec?: {containers?: Container[]; initContainers?: Container[]}}} | undefined)?.template?.spec?.containers ?? []
const allContainers = (o: ManifestObject): Container[] => {
  const spec = (o.spec as {template?: {spec?: {containers?: Container[]; initContainers?: Container[]}}} | undefined)?.template?.spec
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]
}
/** Tags of one image repository in a manifest's workloads and hooks. */
const tagsOf = (objects: readonly ManifestObject[], repository: string) =>
  objects.flatMap((o) =>
    allContainers(o)
      .filter((c) => c.image && imageRepository(c.image).endsWith(repository))
      .map((c) => imageTag(c.image!))
      .filter((t): t is string => Boolean(t)),
  )

/** The running ClickHouse version everywhere (the oldest host's), from the preflight run. */
const runningClickhouse = (ctx: GateContext): string | undefined => ctx.health.target.clickhouse.version ?? undefined

export const UPGRADE_GATES: readonly UpgradeGate[] = [
  {
    id: 'cluster-healthy',
    title: 'The cluster is healthy enough to upgrade',
    why: 'An upgrade runs ON CLUSTER migrations and restarts hosts: with Keeper short of a quorum, a read-only replica, an unfinished ON CLUSTER task, a stuck mutation, a full disk or a release already pending, it fails halfway (catalogue #1, #3, #4, #5, #13, #21, #26).',
    async evaluate(ctx) {
      const bad = ctx.health.results.filter((r) => r.status === 'fail' || r.status === 'error')
      if (bad.length === 0) return {ok: true, message: `${ctx.health.results.filter((r) => r.status === 'pass').length} preflight checks pass`}
      return {
        ok: false,
        message: bad.map((r) => `${r.id}: ${r.status === 'error' ? r.reason : r.findings.find((f) => !f.ok)?.message}`).join('; '),
        evidence: Object.fromEntries(bad.map((r) => [r.id, r.runbook])),
        fix: `fix these first: ${bad.map((r) => `signoz-ha runbook show ${r.runbook}`).join(', ')}`,
      }
    },
  },
  {
    id: 'version-path',
    title: 'The upgrade passes through every required SigNoz version',
    why: 'Some SigNoz releases run one-off data migrations that later releases assume done: skipping one corrupts or strands data (SigNoz upgrade notes; catalogue #34). Downgrades are not supported at all.',
    async evaluate(ctx) {
      const [from, to] = [ctx.live.appVersion, ctx.next.appVersion]
      if (!from || !to) return {ok: true, message: 'no app version to compare'}
      if (compareVersions(to, from) < 0)
        return {
          ok: false,
          message: `SigNoz ${from} → ${to} is a downgrade: migrations do not run backwards`,
          fix: 'roll back to an earlier revision instead: helm rollback (or restore the volumes from a snapshot)',
        }
      const skipped = skippedStops(from, to)
      return skipped.length === 0
        ? {ok: true, message: `SigNoz ${from} → ${to}: no required stop in between`}
        : {
            ok: false,
            message: `SigNoz ${from} → ${to} skips required stop${skipped.length > 1 ? 's' : ''} ${skipped.join(', ')}`,
            evidence: {skipped},
            fix: `upgrade to the chart that ships ${skipped[0]} first, wait for its background migrations to finish, then continue`,
          }
    },
  },
  {
    id: 'version-requirements',
    title: 'ClickHouse and the collector are new enough for the target versions',
    why: 'The migrator runs as a pre-upgrade hook against the ClickHouse that runs now: a chart that needs a newer ClickHouse fails in its hook with UNKNOWN_SETTING (code 115) while the collectors keep running (catalogue #9).',
    async evaluate(ctx) {
      const clickhouse = runningClickhouse(ctx)
      const objects = [...ctx.next.manifest, ...ctx.next.hooks.map((h) => h.object)]
      const installed = {chart: [ctx.next.chartVersion], collector: tagsOf(objects, 'signoz/signoz-otel-collector'), signoz: tagsOf(objects, 'signoz/signoz')}
      const collectorOldest = [...installed.collector].sort(compareVersions)[0]
      const unmet: string[] = []
      for (const rule of REQUIREMENTS) {
        for (const version of installed[rule.component]) {
          if (compareVersions(version, rule.from) < 0) continue
          const have = rule.needs === 'clickhouse' ? clickhouse : collectorOldest
          if (have && compareVersions(have, rule.atLeast) < 0)
            unmet.push(
              `${rule.component} ${version} needs ${rule.needs === 'clickhouse' ? 'ClickHouse' : 'collector'} ≥ ${rule.atLeast}, runs ${have}: ${rule.why}`,
            )
        }
      }
      if (unmet.length === 0) return {ok: true, message: `ClickHouse ${clickhouse ?? '?'}, collector ${collectorOldest ?? '?'}: every known minimum met`}
      const needsClickhouse = REQUIREMENTS.find((r) => r.needs === 'clickhouse' && unmet.some((u) => u.includes(`ClickHouse ≥ ${r.atLeast}`)))
      return {
        ok: false,
        message: [...new Set(unmet)].join('; '),
        fix: needsClickhouse
          ? `upgrade ClickHouse first, on the current chart: helm upgrade ${ctx.request.release} ${isChartFile(ctx.request.chart) ? `<chart ${ctx.live.chartVersion}: the .tgz or directory you deployed>` : `${ctx.request.chart} --version ${ctx.live.chartVersion}`} --reuse-values --set clickhouse.image.tag=${needsClickhouse.atLeast}; wait until signoz-ha doctor --only signoz/version-compat passes, then run this upgrade`
          : 'upgrade the collector in the same release first (otelCollector.image.tag)',
      }
    },
  },
  {
    id: 'crds',
    title: 'The operator CRDs match the operator the chart installs',
    why: "Helm installs a chart's CRDs once and never upgrades them: a newer operator on old CRDs drops or misreads installation fields (catalogue #37).",
    async evaluate(ctx) {
      const operatorTag = tagsOf(ctx.next.manifest, 'altinity/clickhouse-operator')[0]
      const crd = (ctx.deployment.snapshot.items.customresourcedefinitions ?? [])[0]
      const crdVersion = crd?.metadata?.labels?.['clickhouse.altinity.com/chop']
      if (!operatorTag || !crdVersion)
        return {ok: true, message: operatorTag ? 'the installation CRD carries no version label' : 'the chart installs no operator'}
      return compareVersions(operatorTag, crdVersion) === 0
        ? {ok: true, message: `CRDs and operator at ${operatorTag}`}
        : {
            ok: false,
            message: `the chart runs operator ${operatorTag} but the installed CRDs are ${crdVersion}`,
            evidence: {operator: operatorTag, crds: crdVersion},
            fix: `apply the chart's CRDs first: helm pull ${ctx.request.chart}${ctx.request.version ? ` --version ${ctx.request.version}` : ''} --untar && kubectl apply --server-side -f signoz/charts/clickhouse/crds/`,
          }
    },
  },
  {
    id: 'no-duplicate',
    title: 'The upgrade keeps the ClickHouse installation and its Service',
    why: "A release or name change renders a second installation: its pods stay Pending on anti-affinity and the collectors follow its empty Service, so ingestion stops (the seed's failure, catalogue #12).",
    async evaluate(ctx) {
      const active = ctx.deployment.active
      if (!active) return {ok: true, message: 'no ClickHouse installation serves yet'}
      const rendered = ctx.next.manifest.filter((o) => o.kind === 'ClickHouseInstallation').map((o) => o.metadata.name)
      const targets = [
        ...new Set(
          ctx.next.manifest.flatMap((o) =>
            containersOf(o).flatMap((c) => (c.env ?? []).filter((e) => e.name === 'CLICKHOUSE_HOST' && e.value).map((e) => e.value!.split('.')[0]!)),
          ),
        ),
      ]
      const problems = [
        ...(rendered.length && !rendered.includes(active.name)
          ? [`the chart would render installation ${rendered.join(', ')} instead of ${active.name}, which holds the data`]
          : []),
        ...targets.filter((t) => t !== active.service).map((t) => `the collectors would write to ${t}, not ${active.service}`),
      ]
      return problems.length === 0
        ? {ok: true, message: `installation ${active.name} and Service ${active.service} stay`}
        : {
            ok: false,
            message: problems.join('; '),
            evidence: {serving: active.name, rendered, clientTargets: targets},
            fix: `pin the name: --set clickhouse.fullnameOverride=${active.name} (and keep it in your values file)`,
          }
    },
  },
  {
    id: 'migrator-topology',
    title: "The schema migrator's cluster and replication match the live cluster",
    why: 'A migrator with the wrong cluster name fails every ON CLUSTER statement; one without replication on a replicated layout creates plain MergeTree tables whose replicas silently diverge (the seed\'s "hardcoded single-node topology", catalogue #14, #19).',
    async evaluate(ctx) {
      const active = ctx.deployment.active
      const job = ctx.next.hooks.find(
        (h) => h.object.kind === 'Job' && allContainers(h.object).some((c) => (c.env ?? []).some((e) => e.name.startsWith('SIGNOZ_OTEL_COLLECTOR_CLICKHOUSE'))),
      )?.object
      if (!job || !active) return {ok: true, message: job ? 'no live installation to compare with' : 'no schema-migrator hook in this chart version'}
      const env = (name: string) => resolvedEnv(job, name)
      const cluster = env('SIGNOZ_OTEL_COLLECTOR_CLICKHOUSE_CLUSTER')
      const replication = env('SIGNOZ_OTEL_COLLECTOR_CLICKHOUSE_REPLICATION')
      const replicas = active.replicasPerShard
      const problems = [
        ...(cluster && cluster !== active.cluster ? [`migrator cluster ${cluster}, the installation's is ${active.cluster}`] : []),
        ...(replicas > 1 && replication !== 'true' ? [`replication ${replication ?? 'unset'} with ${replicas} replicas per shard`] : []),
      ]
      return problems.length === 0
        ? {ok: true, message: `migrator on cluster ${active.cluster}, replication ${replication ?? 'unset'} for ${active.shards}×${replicas}`}
        : {
            ok: false,
            message: problems.join('; '),
            fix: [
              ...(problems.some((p) => p.startsWith('migrator cluster')) ? [`--set clickhouse.cluster=${active.cluster}`] : []),
              ...(problems.some((p) => p.startsWith('replication')) ? ['--set telemetryStoreMigrator.enableReplication=true'] : []),
            ].join(' '),
          }
    },
  },
  {
    id: 'backup',
    title: 'A recent backup of the ClickHouse volumes exists',
    why: 'ClickHouse upgrades its on-disk format on first start and migrations rewrite tables: a downgrade is not guaranteed, so the way back is a snapshot (SigNoz docs upgrade-0-131).',
    async evaluate(ctx) {
      if (ctx.backupConfirmed) return {ok: true, message: 'a recent backup was confirmed (--backup-confirmed)'}
      const claims = (ctx.deployment.snapshot.items.persistentvolumeclaims ?? [])
        .filter((c) => c.metadata?.labels?.['clickhouse.altinity.com/chi'] === ctx.deployment.active?.name)
        .map((c) => c.metadata!.name!)
      const snapshots = await ctx.remedy.kube.listCustom('snapshot.storage.k8s.io', 'v1', 'volumesnapshots', ctx.deployment.namespace)
      const fix = `snapshot the ClickHouse claims (VolumeSnapshot of ${claims.join(', ') || 'each claim'}) or back up with clickhouse-backup, then re-run; or --backup-confirmed`
      if (!snapshots) return {ok: false, message: 'the cluster serves no VolumeSnapshot API and no backup was confirmed', fix}
      const dayAgo = ctx.now.getTime() - 86_400_000
      const recent = new Set(
        snapshots
          .filter((s) => Date.parse(String(s.metadata?.creationTimestamp)) >= dayAgo && (s.status as {readyToUse?: boolean} | undefined)?.readyToUse !== false)
          .map((s) => (s.spec as {source?: {persistentVolumeClaimName?: string}} | undefined)?.source?.persistentVolumeClaimName),
      )
      const missing = claims.filter((c) => !recent.has(c))
      return missing.length === 0
        ? {ok: true, message: `every ClickHouse claim (${claims.length}) has a snapshot from the last 24 h`}
        : {ok: false, message: `no snapshot from the last 24 h for ${missing.join(', ')}`, evidence: {claims, missing}, fix}
    },
  },
]

export interface GateResult {
  id: string
  title: string
  status: 'pass' | 'fail' | 'skipped' | 'error'
  message: string
  evidence?: Record<string, EvidenceValue>
  fix?: string
}

/** Every gate, in order; a skipped gate is named with the flag that skipped it, an erroring one says why. */
export async function runGates(ctx: GateContext, skip: readonly string[]): Promise<GateResult[]> {
  const results: GateResult[] = []
  for (const gate of UPGRADE_GATES) {
    if (skip.includes(gate.id)) {
      results.push({id: gate.id, title: gate.title, status: 'skipped', message: `skipped with --skip-gate ${gate.id}`})
      continue
    }
    try {
      const v = await gate.evaluate(ctx)
      results.push({
        id: gate.id,
        title: gate.title,
        status: v.ok ? 'pass' : 'fail',
        message: v.message,
        ...(v.evidence ? {evidence: v.evidence} : {}),
        ...(v.fix ? {fix: v.fix} : {}),
      })
    } catch (error) {
      results.push({id: gate.id, title: gate.title, status: 'error', message: error instanceof Error ? error.message : String(error)})
    }
  }
  return results
}

/** A chart given as a file or directory (./signoz-0.131.0.tgz), not a repository reference (signoz/signoz): --version means nothing for it. */
const isChartFile = (chart: string): boolean => /\.tgz$|^[./~]/.test(chart)
