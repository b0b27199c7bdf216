import {valueAt} from './helm-release.js'

/** The chart's published default ClickHouse password (signoz-facts.md §1.3). */
export const CHART_DEFAULT_PASSWORD = '27ff0399-0d3a-4bd8-919d-17c2181e6fb9'

export interface ValuesFinding {
  rule: string
  /** The values key the rule reads (what to change). */
  key: string
  ok: boolean
  message: string
  /** The values that fix it, as --set arguments. */
  fix?: string
}

type Values = Record<string, unknown>
const num = (v: unknown, fallback: number) => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : fallback)
const list = (v: unknown) => (Array.isArray(v) ? v : [])

/** Does the ClickHouse pod placement keep two replicas of a shard off one node? */
function hasAntiAffinity(values: Values): boolean {
  const distribution = list(valueAt(values, 'clickhouse.podDistribution')) as {type?: string}[]
  if (distribution.some((d) => ['ClickHouseAntiAffinity', 'ShardAntiAffinity', 'ReplicaAntiAffinity', 'MaxNumberPerNode'].includes(d.type ?? ''))) return true
  const affinity = valueAt(values, 'clickhouse.affinity') as {podAntiAffinity?: unknown} | undefined
  return Boolean(affinity?.podAntiAffinity)
}

/**
 * The HA rules for the SigNoz chart's values (the same rules doctor's helm/values-ha and
 * `values lint` apply). Each rule is a finding, passing or not, with the key it reads.
 */
export function evaluateHaValues(values: Values): ValuesFinding[] {
  const findings: ValuesFinding[] = []
  const enabled = valueAt(values, 'clickhouse.enabled') !== false
  if (!enabled) {
    findings.push({rule: 'external-clickhouse', key: 'clickhouse.enabled', ok: true, message: 'ClickHouse is external: its layout is managed outside this release'})
    return findings
  }
  const shards = num(valueAt(values, 'clickhouse.layout.shardsCount'), 1)
  const replicas = num(valueAt(values, 'clickhouse.layout.replicasCount'), 1)
  findings.push(
    replicas >= 2
      ? {rule: 'replicas', key: 'clickhouse.layout.replicasCount', ok: true, message: `${shards} shard(s) × ${replicas} replicas`}
      : {rule: 'replicas', key: 'clickhouse.layout.replicasCount', ok: false, message: `one replica per shard: losing a host loses that shard's data and stops its writes`, fix: 'clickhouse.layout.replicasCount=2'},
  )
  const zookeeper = valueAt(values, 'clickhouse.zookeeper.enabled') !== false
  const external = list(valueAt(values, 'clickhouse.externalZookeeper.servers')).length
  const members = zookeeper ? num(valueAt(values, 'clickhouse.zookeeper.replicaCount'), 1) : external
  findings.push(
    members >= 3
      ? {rule: 'keeper-members', key: zookeeper ? 'clickhouse.zookeeper.replicaCount' : 'clickhouse.externalZookeeper.servers', ok: true, message: `${members} ZooKeeper/Keeper members`}
      : {
          rule: 'keeper-members',
          key: zookeeper ? 'clickhouse.zookeeper.replicaCount' : 'clickhouse.externalZookeeper.servers',
          ok: false,
          message: `${members} ZooKeeper/Keeper member(s): no quorum survives losing one, and every replicated table goes read-only with it`,
          fix: zookeeper ? 'clickhouse.zookeeper.replicaCount=3' : undefined,
        },
  )
  findings.push(
    replicas < 2 || hasAntiAffinity(values)
      ? {rule: 'anti-affinity', key: 'clickhouse.podDistribution', ok: true, message: replicas < 2 ? 'one replica per shard: placement has nothing to spread' : 'ClickHouse pods have anti-affinity'}
      : {rule: 'anti-affinity', key: 'clickhouse.podDistribution', ok: false, message: 'no ClickHouse anti-affinity: two replicas of a shard can land on one node and fail together', fix: 'clickhouse.podDistribution[0].type=ShardAntiAffinity'},
  )
  const pinned = valueAt(values, 'clickhouse.fullnameOverride')
  findings.push(
    typeof pinned === 'string' && pinned !== ''
      ? {rule: 'pinned-name', key: 'clickhouse.fullnameOverride', ok: true, message: `ClickHouse installation name pinned to ${pinned}`}
      : {rule: 'pinned-name', key: 'clickhouse.fullnameOverride', ok: false, message: 'the ClickHouse installation name follows the release name: a rename or reinstall creates a second installation', fix: 'clickhouse.fullnameOverride=<the current installation name>'},
  )
  const migratorKey = valueAt(values, 'telemetryStoreMigrator') !== undefined ? 'telemetryStoreMigrator.enableReplication' : 'schemaMigrator.enableReplication'
  const replication = valueAt(values, migratorKey)
  findings.push(
    replicas < 2 || replication === true || replication === 'true'
      ? {rule: 'migrator-replication', key: migratorKey, ok: true, message: replicas < 2 ? 'one replica per shard: replicated tables are not needed' : 'the schema migrator creates replicated tables'}
      : {rule: 'migrator-replication', key: migratorKey, ok: false, message: `${replicas} replicas per shard but the migrator creates non-replicated tables: replicas silently diverge`, fix: `${migratorKey}=true`},
  )
  // The clickhouse sub-chart sets 1 over the zookeeper chart's 0; only an explicit 0 turns it off.
  const purge = valueAt(values, 'clickhouse.zookeeper.autopurge.purgeInterval')
  findings.push(
    !zookeeper || purge === undefined || num(purge, 1) >= 1
      ? {rule: 'keeper-autopurge', key: 'clickhouse.zookeeper.autopurge.purgeInterval', ok: true, message: !zookeeper ? 'ZooKeeper is external: its purge settings are managed outside this release' : `ZooKeeper purges old snapshots every ${purge ?? 1}h`}
      : {rule: 'keeper-autopurge', key: 'clickhouse.zookeeper.autopurge.purgeInterval', ok: false, message: "ZooKeeper autopurge is off: snapshots and transaction logs are never deleted until the volume fills and quorum is lost", fix: 'clickhouse.zookeeper.autopurge.purgeInterval=1'},
  )
  const password = valueAt(values, 'clickhouse.password')
  findings.push(
    password === CHART_DEFAULT_PASSWORD
      ? {rule: 'default-password', key: 'clickhouse.password', ok: false, message: "ClickHouse uses the chart's published default password", fix: 'clickhouse.password=<a generated secret>'}
      : {rule: 'default-password', key: 'clickhouse.password', ok: true, message: 'ClickHouse password is not the chart default'},
  )
  return findings
}
