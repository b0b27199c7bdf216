import {isDeepStrictEqual} from 'node:util'
import {compareVersions, imageRepository, imageTag} from '../signoz/versions.js'
import {hostPodName} from '../signoz/naming.js'
import {resolvedEnv, type ManifestObject, type ReleaseView} from './release.js'

/** How much a change matters: info (routine), caution (a restart, a data move), danger (a duplicate, data unreachable). */
export type ChangeLevel = 'info' | 'caution' | 'danger'

export interface PlannedChange {
  level: ChangeLevel
  /** What changes, in one line: "ClickHouse shards 2 → 3". */
  what: string
  /** What it means for the cluster and its data. */
  means: string
  object: string
}

export interface UpgradePlan {
  from: {revision: number; chartVersion: string; appVersion: string}
  to: {chartVersion: string; appVersion: string}
  changes: PlannedChange[]
  /** Objects added, removed and changed, by kind (whatever the change). */
  objects: {added: string[]; removed: string[]; changed: string[]}
}

type Chi = {
  spec?: {
    configuration?: {clusters?: {name?: string; layout?: {shardsCount?: number; replicasCount?: number}}[]; zookeeper?: {nodes?: {host: string}[]}}
    templates?: {podTemplates?: {spec?: {containers?: {image?: string}[]}}[]; volumeClaimTemplates?: {spec?: {resources?: {requests?: {storage?: string}}}}[]}
  }
}
type Workload = {spec?: {replicas?: number; template?: {spec?: {containers?: {name: string; image?: string; env?: {name: string; value?: string}[]}[]}}}}

const key = (o: ManifestObject) => `${o.kind}/${o.metadata.name}`
const chiOf = (o: ManifestObject) => o as unknown as Chi
const layoutOf = (o: ManifestObject) => chiOf(o).spec?.configuration?.clusters?.[0]?.layout ?? {}
const clickhouseImage = (o: ManifestObject) =>
  chiOf(o)
    .spec?.templates?.podTemplates?.flatMap((t) => t.spec?.containers ?? [])
    .find((c) => c.image?.includes('clickhouse-server'))?.image
const storageOf = (o: ManifestObject) => chiOf(o).spec?.templates?.volumeClaimTemplates?.[0]?.spec?.resources?.requests?.storage
const containers = (o: ManifestObject) => (o as unknown as Workload).spec?.template?.spec?.containers ?? []
const envOf = (o: ManifestObject, name: string) =>
  containers(o)
    .flatMap((c) => c.env ?? [])
    .find((e) => e.name === name)?.value

/** The ClickHouse installation changes: name, layout, image, storage, Keeper nodes. */
function installationChanges(live: ManifestObject[], next: ManifestObject[]): PlannedChange[] {
  const changes: PlannedChange[] = []
  const liveChis = live.filter((o) => o.kind === 'ClickHouseInstallation')
  const nextChis = next.filter((o) => o.kind === 'ClickHouseInstallation')
  for (const n of nextChis.filter((c) => !liveChis.some((l) => l.metadata.name === c.metadata.name))) {
    const gone = liveChis.find((l) => !nextChis.some((c) => c.metadata.name === l.metadata.name))
    changes.push(
      gone
        ? {
            level: 'danger',
            object: key(n),
            what: `ClickHouse installation renamed ${gone.metadata.name} → ${n.metadata.name}`,
            means: `a second, empty installation would be created next to ${gone.metadata.name}, its pods Pending on anti-affinity, and the collectors pointed at it: ingestion stops (the seed's failure). Pin the name: --set clickhouse.fullnameOverride=${gone.metadata.name}`,
          }
        : {
            level: 'caution',
            object: key(n),
            what: `new ClickHouse installation ${n.metadata.name}`,
            means: 'an installation with its own hosts and volumes is created',
          },
    )
  }
  for (const l of liveChis) {
    const n = nextChis.find((c) => c.metadata.name === l.metadata.name)
    if (!n) continue
    const [a, b] = [layoutOf(l), layoutOf(n)]
    if ((a.shardsCount ?? 1) !== (b.shardsCount ?? 1)) {
      const more = (b.shardsCount ?? 1) > (a.shardsCount ?? 1)
      changes.push({
        level: more ? 'caution' : 'danger',
        object: key(l),
        what: `ClickHouse shards ${a.shardsCount ?? 1} → ${b.shardsCount ?? 1}`,
        means: more
          ? 'existing data stays where it is (ClickHouse does not rebalance); the new shards start empty and get their share of new rows; the migrator creates their tables'
          : "the removed shards' hosts are deleted and their data is no longer queried: move it first",
      })
    }
    if ((a.replicasCount ?? 1) !== (b.replicasCount ?? 1)) {
      const more = (b.replicasCount ?? 1) > (a.replicasCount ?? 1)
      changes.push({
        level: more ? 'caution' : 'danger',
        object: key(l),
        what: `ClickHouse replicas per shard ${a.replicasCount ?? 1} → ${b.replicasCount ?? 1}`,
        means: more
          ? 'the new replicas fetch every part of their shard from its peers: network and disk load until they catch up'
          : 'replicas are removed: less redundancy; their Keeper registrations must be dropped (catalogue #29)',
      })
    }
    const [ia, ib] = [clickhouseImage(l), clickhouseImage(n)]
    if (ia && ib && ia !== ib) {
      const [ta, tb] = [imageTag(ia) ?? ia, imageTag(ib) ?? ib]
      const down = compareVersions(tb, ta) < 0
      changes.push({
        level: down ? 'danger' : 'caution',
        object: key(l),
        what: `ClickHouse ${ta} → ${tb}`,
        means: down
          ? 'a downgrade: parts written in the newer on-disk format may not be readable; restore from a snapshot instead'
          : 'the operator restarts every host onto it, one at a time; the on-disk format upgrades on start and a downgrade is not guaranteed: snapshot the volumes first',
      })
    }
    const [sa, sb] = [storageOf(l), storageOf(n)]
    if (sa && sb && sa !== sb) {
      changes.push({
        level: 'caution',
        object: key(l),
        what: `ClickHouse volume size ${sa} → ${sb}`,
        means:
          'existing claims do not change by themselves: they grow only where the storage class allows expansion (doctor kube/pvc shows a resize that is not finished)',
      })
    }
    const [za, zb] = [chiOf(l).spec?.configuration?.zookeeper?.nodes?.length ?? 0, chiOf(n).spec?.configuration?.zookeeper?.nodes?.length ?? 0]
    if (za !== zb)
      changes.push({
        level: 'caution',
        object: key(l),
        what: `ZooKeeper nodes in the ClickHouse configuration ${za} → ${zb}`,
        means: 'every host reloads its Keeper configuration',
      })
  }
  for (const l of liveChis.filter((c) => !nextChis.some((n) => n.metadata.name === c.metadata.name) && nextChis.length === 0)) {
    changes.push({
      level: 'danger',
      object: key(l),
      what: `ClickHouse installation ${l.metadata.name} removed from the release`,
      means: 'Helm would delete it (unless kept by resource policy): every host goes, volumes stay (reclaimPolicy Retain)',
    })
  }
  return changes
}

/** The ClickHouse host pods of the installations in a manifest, named as the operator names them. */
function installationHosts(manifest: ManifestObject[]): string[] {
  return manifest
    .filter((o) => o.kind === 'ClickHouseInstallation')
    .flatMap((chi) =>
      (chiOf(chi).spec?.configuration?.clusters ?? []).flatMap((cluster) => {
        const {shardsCount = 1, replicasCount = 1} = cluster.layout ?? {}
        return Array.from({length: shardsCount * replicasCount}, (_, i) =>
          hostPodName(chi.metadata.name, cluster.name ?? 'cluster', Math.floor(i / replicasCount), i % replicasCount),
        )
      }),
    )
}

/** Images, ZooKeeper members and the collectors' ClickHouse target of the workloads. */
function workloadChanges(live: ManifestObject[], next: ManifestObject[]): PlannedChange[] {
  const changes: PlannedChange[] = []
  for (const n of next.filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.kind))) {
    const l = live.find((o) => key(o) === key(n))
    if (!l) continue
    for (const c of containers(n)) {
      const before = containers(l).find((x) => x.name === c.name)?.image
      if (before && c.image && before !== c.image) {
        const what = `${imageRepository(c.image).split('/').pop()} ${imageTag(before) ?? before} → ${imageTag(c.image) ?? c.image} (${key(n)})`
        if (/clickhouse-operator/.test(c.image)) {
          // A new operator reconciles every installation afresh and restarts its pods (clickhouse-operator#1845, #1797).
          const hosts = installationHosts(live)
          changes.push({
            level: 'caution',
            object: key(n),
            what,
            means: `the new operator re-reconciles every ClickHouse installation and restarts every ClickHouse pod${hosts.length ? ` (${hosts.length}: ${hosts.join(', ')})` : ''}, one after another: while each restarts its replicas are read-only and inserts routed to it fail (clickhouse-operator#1845, #1797)`,
          })
        } else changes.push({level: 'info', object: key(n), what, means: 'a rolling update of its pods'})
      }
    }
    const [hostBefore, hostAfter] = [envOf(l, 'CLICKHOUSE_HOST'), envOf(n, 'CLICKHOUSE_HOST')]
    if (hostBefore && hostAfter && hostBefore !== hostAfter) {
      changes.push({
        level: 'danger',
        object: key(n),
        what: `${key(n)} would write to ${hostAfter} instead of ${hostBefore}`,
        means: 'the ClickHouse Service its CLICKHOUSE_HOST names changes: if that Service has no data or no ready hosts, ingestion stops',
      })
    }
    const [ra, rb] = [(l as unknown as Workload).spec?.replicas, (n as unknown as Workload).spec?.replicas]
    if (n.metadata.name.endsWith('-zookeeper') && ra !== undefined && rb !== undefined && ra !== rb) {
      changes.push({
        level: rb < ra ? 'danger' : 'caution',
        object: key(n),
        what: `ZooKeeper members ${ra} → ${rb}`,
        means:
          rb < 3
            ? 'fewer than three members: losing one loses the quorum and every replicated table goes read-only'
            : 'the ensemble grows; members join one by one',
      })
    }
  }
  return changes
}

const runsImage = (o: ManifestObject, image: RegExp) => containersOfJob(o).some((c) => image.test(c.image ?? ''))
type JobContainer = {image?: string; args?: string[]}
const jobSpec = (o: ManifestObject) =>
  (o as unknown as {spec?: {template?: {spec?: {initContainers?: JobContainer[]; containers?: JobContainer[]}}}}).spec?.template?.spec
const containersOfJob = (o: ManifestObject) => [...(jobSpec(o)?.initContainers ?? []), ...(jobSpec(o)?.containers ?? [])]
const steps = (list: JobContainer[] | undefined) =>
  (list ?? [])
    .map((c) => (c.args ?? []).slice(1).join(' '))
    .filter(Boolean)
    .join(' → ')

/**
 * Charts up to 0.112 migrate in `schema-migrator` Jobs (signoz-schema-migrator image, sync and
 * async); from 0.113 one Job of the collector image runs `migrate ready|bootstrap|sync` as init
 * containers before `migrate async`, as a pre-upgrade hook.
 */
function migratorGenerationChange(live: ReleaseView, next: ReleaseView): PlannedChange[] {
  const old = live.manifest.filter((o) => o.kind === 'Job' && runsImage(o, /(^|\/)signoz-schema-migrator(:|@|$)/))
  const now = [...next.manifest, ...next.hooks.map((h) => h.object)].find((o) => o.kind === 'Job' && containersOfJob(o).some((c) => c.args?.[0] === 'migrate'))
  if (old.length === 0 || !now) return []
  return [
    {
      level: 'caution',
      object: `Job/${now.metadata.name}`,
      what: `the schema-migrator Jobs (${old.map((o) => o.metadata.name).join(', ')}) give way to ${now.metadata.name}`,
      means: `from this chart the migration runs as init containers (${steps(jobSpec(now)?.initContainers)}) before ${steps(jobSpec(now)?.containers)}, in one Job, a pre-upgrade hook on every upgrade: the upgrade waits for it and fails with it; a failing step restarts in place (Init:CrashLoopBackOff) until the Job's back-off limit`,
    },
  ]
}

/** The schema migrator the upgrade runs as a hook: its cluster, replication and timeout. */
function migratorChanges(next: ReleaseView): PlannedChange[] {
  return next.hooks
    .filter((h) => h.object.kind === 'Job' && h.events.some((e) => e.startsWith('pre-')))
    .map((h) => {
      const env = (name: string) => resolvedEnv(h.object, name)
      return {
        level: 'info' as const,
        object: key(h.object),
        what: `the schema migrator runs first (${h.events.join(', ')} hook)`,
        means: `cluster ${env('SIGNOZ_OTEL_COLLECTOR_CLICKHOUSE_CLUSTER') ?? '?'}, replication ${env('SIGNOZ_OTEL_COLLECTOR_CLICKHOUSE_REPLICATION') ?? '?'}, timeout ${env('SIGNOZ_OTEL_COLLECTOR_TIMEOUT') ?? '?'}; the upgrade waits for it and fails if it fails`,
      }
    })
}

/** A hook and the resource it was at install differ only by Helm's hook annotations. */
const withoutHookAnnotations = (o: ManifestObject): ManifestObject => ({
  ...o,
  metadata: {...o.metadata, annotations: Object.fromEntries(Object.entries(o.metadata.annotations ?? {}).filter(([k]) => !k.startsWith('helm.sh/hook')))},
})

/** Everything but Helm's own bookkeeping, for "did anything change at all". */
const comparable = (o: ManifestObject) => ({
  ...o,
  metadata: {...o.metadata, labels: {...o.metadata.labels, 'helm.sh/chart': undefined, 'app.kubernetes.io/version': undefined}},
})

/** The plan: what the upgrade changes, read in ClickHouse terms, from the deployed and the rendered release. */
export function planUpgrade(live: ReleaseView, next: ReleaseView): UpgradePlan {
  const objects = {
    added: next.manifest.filter((n) => !live.manifest.some((l) => key(l) === key(n))).map(key),
    // The chart renders the migrator Job as a resource at install and as a hook on upgrades: moved, not removed.
    removed: live.manifest.filter((l) => !next.manifest.some((n) => key(n) === key(l)) && !next.hooks.some((h) => key(h.object) === key(l))).map(key),
    changed: next.manifest
      .filter((n) => {
        const l = live.manifest.find((x) => key(x) === key(n))
        return l && !isDeepStrictEqual(comparable(l), comparable(n))
      })
      .map(key),
  }
  const changes = [
    ...installationChanges(live.manifest, next.manifest),
    ...workloadChanges(live.manifest, next.manifest),
    ...migratorGenerationChange(live, next),
  ]
  if (live.chartVersion !== next.chartVersion || live.appVersion !== next.appVersion) {
    changes.unshift({
      level: 'info',
      object: 'release',
      what: `chart ${live.chartVersion} → ${next.chartVersion} (SigNoz ${live.appVersion} → ${next.appVersion})`,
      means: 'the release moves to the new chart',
    })
  }
  // Hooks (the migrator Job) change too: a new timeout is a change even when nothing else is.
  const hooksChanged = next.hooks.some((h) => {
    const before = live.hooks.find((l) => key(l.object) === key(h.object))?.object ?? live.manifest.find((l) => key(l) === key(h.object))
    return !before || !isDeepStrictEqual(comparable(withoutHookAnnotations(before)), comparable(withoutHookAnnotations(h.object)))
  })
  if (hooksChanged) objects.changed.push(...next.hooks.filter((h) => !objects.changed.includes(key(h.object))).map((h) => `${key(h.object)} (hook)`))
  const pending = changes.length > 0 || objects.added.length + objects.removed.length + objects.changed.length > 0
  return {
    from: {revision: live.revision, chartVersion: live.chartVersion, appVersion: live.appVersion},
    to: {chartVersion: next.chartVersion, appVersion: next.appVersion},
    changes: pending ? [...changes, ...migratorChanges(next)] : [],
    objects,
  }
}

/** Does the plan change anything? */
export const hasChanges = (plan: UpgradePlan): boolean => plan.changes.length > 0
