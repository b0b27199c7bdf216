import type {ChalkInstance} from 'chalk'
import type {StoragePlan} from '../signoz/storage-plan.js'
import type {StorageReport} from '../signoz/storage-report.js'
import {formatBytes} from '../core/quantity.js'

const gb = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(2)} TB` : `${n} GB`)

/** A storage plan for a person: per signal, then per replica and over the cluster. */
export function renderStoragePlan(plan: StoragePlan, c: ChalkInstance): string {
  const i = plan.inputs
  const rows = plan.signals.map(
    (s) =>
      `  ${s.signal.padEnd(8)} ${String(s.rawGbPerDay).padStart(9)} GB/day raw  ${String(s.storedGbPerDay).padStart(8)} GB/day on disk  × ${String(s.retentionDays).padStart(3)} days = ${gb(s.steadyGb)}`,
  )
  const lines = [
    c.bold(
      `Storage plan: ${i.ingestGbPerDay} GB/day over ${i.shards} shard(s) × ${i.replicasPerShard} replicas, compression ${i.compressionRatio}×, ${i.headroomPercent}% kept free`,
    ),
    '',
    ...rows,
    '',
    `  one copy of everything at steady state: ${gb(plan.clusterDataGb)}`,
    `  each replica holds its shard's share:    ${gb(plan.replicaDataGb)} (grows ${plan.replicaGrowthGbPerDay} GB/day until retention drops old days)`,
    c.bold(`  disk per replica:                        ${gb(plan.replicaDiskGb)}  (clickhouse.persistence.size: ${plan.replicaDiskGb}G)`),
    `  disk over all ${i.shards * i.replicasPerShard} replicas:                 ${gb(plan.totalDiskGb)}`,
  ]
  if (i.diskGbPerReplica !== undefined) {
    const disk = Math.round(i.diskGbPerReplica * 10) / 10
    lines.push(
      '',
      plan.daysUntilFull === null
        ? c.green(`  ${disk} GB per replica holds it: steady state uses ${plan.steadyUsePercent}% of the usable disk`)
        : c.red(`  ${disk} GB per replica is full after ${plan.daysUntilFull} days (steady state would need ${plan.steadyUsePercent}% of the usable disk)`),
    )
  }
  return lines.join('\n')
}

const bytes = (n: number | null): string => (n === null ? '?' : formatBytes(n))

/** The live storage report for a person: disks, tables, and what could be dropped. */
export function renderStorageReport(report: StorageReport, target: {hosts: number; version: string | null; cluster: string}, c: ChalkInstance): string {
  const pad = (s: string, n: number) => s.padEnd(n)
  const hostWidth = Math.max(4, ...report.hosts.map((h) => h.host.length))
  const lines = [
    c.bold(`Storage report · ${target.hosts} hosts · ClickHouse ${target.version ?? '?'} · cluster ${target.cluster} · growth from ${report.growthBasis}`),
    '',
    c.bold('Disks'),
  ]
  lines.push(
    c.gray(
      `  ${pad('host', hostWidth)}  ${'used'.padStart(10)}  ${'free'.padStart(10)}  ${'size'.padStart(10)}  ${'growth/day'.padStart(10)}  days until full`,
    ),
  )
  for (const h of report.hosts) {
    const days = h.daysUntilFull === null ? (h.growthBytesPerDay > 0 ? '? (no disk size)' : '-') : String(h.daysUntilFull)
    const row = `  ${pad(h.host, hostWidth)}  ${bytes(h.usedBytes).padStart(10)}  ${bytes(h.freeBytes).padStart(10)}  ${bytes(h.totalBytes).padStart(10)}  ${bytes(h.growthBytesPerDay).padStart(10)}  ${days}${h.source === 'volume claim' ? c.gray(' (size of the claim)') : ''}`
    lines.push(h.daysUntilFull !== null && h.daysUntilFull < 7 ? c.red(row) : row)
  }
  const tableWidth = Math.max(5, ...report.tables.map((t) => t.table.length))
  lines.push(
    '',
    c.bold('SigNoz tables (one replica per shard, summed)'),
    c.gray(`  ${pad('table', tableWidth)}  ${'rows'.padStart(12)}  ${'on disk'.padStart(10)}  compression  ${'growth/day'.padStart(10)}  TTL`),
  )
  for (const t of report.tables.filter((x) => x.rows > 0)) {
    lines.push(
      `  ${pad(t.table, tableWidth)}  ${String(t.rows).padStart(12)}  ${bytes(t.bytes).padStart(10)}  ${(t.compression === null ? '-' : `${t.compression}×`).padStart(11)}  ${bytes(t.growthBytesPerDay).padStart(10)}  ${t.ttl ?? c.gray('none')}`,
    )
  }
  if (report.oldest.length) {
    lines.push(
      '',
      c.bold('Oldest days of the biggest tables'),
      c.gray('  to free space fast if a disk is about to fill: each statement deletes that day on every replica, for good'),
    )
    for (const p of report.oldest) lines.push(`  ${p.day}  ${bytes(p.bytes).padStart(10)}  ${c.cyan(p.statement)}`)
  }
  return lines.join('\n')
}
