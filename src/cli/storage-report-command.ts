import {IncompleteError} from '../core/errors.js'
import {Q} from '../signoz/queries.js'
import {STORAGE_Q} from '../signoz/storage-queries.js'
import {bytesOf} from '../core/quantity.js'
import {SIGNOZ_DATABASES, SIGNAL_TABLES} from '../signoz/schema.js'
import {buildStorageReport, type HostInput, type StorageReport} from '../signoz/storage-report.js'
import {withSession, type SessionFlags} from './session.js'

export interface StorageReportFlags extends SessionFlags {
  cluster?: string
}

/** The capacity of each ClickHouse pod's volume claim, by pod name (when the cluster was read). */
function claimCapacities(
  items: readonly {metadata?: {name?: string; labels?: Record<string, string>}; status?: Record<string, unknown>}[],
): Map<string, number> {
  const out = new Map<string, number>()
  for (const c of items) {
    const name = c.metadata?.name ?? ''
    // The operator names them data-volumeclaim-template-<pod>; the chart's template name may differ.
    const pod = /-(chi-.+-\d+-\d+-0)$/.exec(name)?.[1]
    const capacity = bytesOf((c.status?.capacity as {storage?: string} | undefined)?.storage)
    if (pod && capacity > 0) out.set(pod, capacity)
  }
  return out
}

/**
 * `storage report`: measures the live cluster (through Kubernetes or the URLs, as doctor) and
 * builds the report. No host answering is exit 3; a host under a week from full is exit 1.
 */
export async function storageReportCommand(
  flags: StorageReportFlags,
): Promise<{report: StorageReport; target: {hosts: number; version: string | null; cluster: string}; code: number}> {
  return withSession(flags, async ({kube, signal, fleet: openFleet}) => {
    const fleet = await openFleet()
    if (fleet.reachable().length === 0)
      throw new IncompleteError(`no ClickHouse host answered (${fleet.hosts.map((h) => `${h.target}: ${h.error?.message}`).join('; ') || 'no host'})`)
    const cluster = flags.cluster ?? kube?.context.deployment.active?.cluster ?? 'cluster'
    const [partitions, used, disks, perShard, ttls] = await Promise.all([
      fleet.queryEach(STORAGE_Q.storageByPartition, {databases: SIGNOZ_DATABASES}, signal),
      fleet.queryEach(STORAGE_Q.hostBytes, undefined, signal),
      fleet.queryEach(Q.diskSpace, undefined, signal),
      fleet.queryPerShard(STORAGE_Q.storageByPartition, {databases: SIGNOZ_DATABASES}, signal),
      fleet.queryPerShard(Q.tableTtls, {tables: SIGNAL_TABLES}, signal),
    ])
    const claims = claimCapacities((kube?.context.deployment.snapshot.items.persistentvolumeclaims ?? []) as never)
    const hosts = partitions.map((r): HostInput => {
      const target = r.host.target
      const disk = disks.find((d) => d.host.target === target)?.rows?.find((x) => x.disk === 'default')
      return {
        host: r.host.name,
        partitions: r.rows ?? [],
        usedBytes: Number(used.find((u) => u.host.target === target)?.rows?.[0]?.bytes ?? NaN) || null,
        disk: disk ? {totalBytes: Number(disk.total_bytes), freeBytes: Math.max(0, Number(disk.free_bytes) - Number(disk.keep_free_bytes))} : undefined,
        claimBytes: claims.get(target),
      }
    })
    const ttlMap = new Map<string, string>()
    for (const r of ttls) for (const t of r.rows ?? []) if (t.ttl_clause) ttlMap.set(`${t.database}.${t.table}`, t.ttl_clause)
    const report = buildStorageReport({hosts, perShard: perShard.map((r) => r.rows ?? []), ttls: ttlMap, cluster, now: new Date()})
    const nearlyFull = report.hosts.some((h) => h.daysUntilFull !== null && h.daysUntilFull < 7)
    return {report, target: {hosts: fleet.hosts.length, version: fleet.reachable()[0]?.version ?? null, cluster}, code: nearlyFull ? 1 : 0}
  })
}
