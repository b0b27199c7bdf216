import type {ChalkInstance} from 'chalk'
import type {StoragePlan} from '../signoz/storage-plan.js'

const gb = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(2)} TB` : `${n} GB`)

/** A storage plan for a person: per signal, then per replica and over the cluster. */
export function renderStoragePlan(plan: StoragePlan, c: ChalkInstance): string {
  const i = plan.inputs
  const rows = plan.signals.map((s) => `  ${s.signal.padEnd(8)} ${String(s.rawGbPerDay).padStart(9)} GB/day raw  ${String(s.storedGbPerDay).padStart(8)} GB/day on disk  × ${String(s.retentionDays).padStart(3)} days = ${gb(s.steadyGb)}`)
  const lines = [
    c.bold(`Storage plan: ${i.ingestGbPerDay} GB/day over ${i.shards} shard(s) × ${i.replicasPerShard} replicas, compression ${i.compressionRatio}×, ${i.headroomPercent}% kept free`),
    '',
    ...rows,
    '',
    `  one copy of everything at steady state: ${gb(plan.clusterDataGb)}`,
    `  each replica holds its shard's share:    ${gb(plan.replicaDataGb)} (grows ${plan.replicaGrowthGbPerDay} GB/day until retention drops old days)`,
    c.bold(`  disk per replica:                        ${gb(plan.replicaDiskGb)}  (clickhouse.persistence.size: ${plan.replicaDiskGb}G)`),
    `  disk over all ${i.shards * i.replicasPerShard} replicas:                 ${gb(plan.totalDiskGb)}`,
  ]
  if (i.diskGbPerReplica !== undefined) {
    lines.push(
      '',
      plan.daysUntilFull === null
        ? c.green(`  ${i.diskGbPerReplica} GB per replica holds it: steady state uses ${plan.steadyUsePercent}% of the usable disk`)
        : c.red(`  ${i.diskGbPerReplica} GB per replica is full after ${plan.daysUntilFull} days (steady state would need ${plan.steadyUsePercent}% of the usable disk)`),
    )
  }
  return lines.join('\n')
}
