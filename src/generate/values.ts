import {GENERATE_DEFAULTS, namesOf, type GenerateInputs} from './inputs.js'

const ZONE = 'topology.kubernetes.io/zone'
const HOST = 'kubernetes.io/hostname'

/** Where ClickHouse hosts may run and how they spread: the operator's podDistribution plus the pod spec's constraints. */
export function clickhousePlacement(i: GenerateInputs) {
  const {chi} = namesOf(i)
  const podDistribution: {type: string; topologyKey: string}[] = [
    // Two replicas of a shard never share a node: a node loss leaves every shard a replica.
    {type: 'ShardAntiAffinity', topologyKey: HOST},
  ]
  // Named zones, enough of them: replicas of a shard never share a zone either.
  if (i.zones.length >= i.replicas && i.replicas > 1) podDistribution.push({type: 'ShardAntiAffinity', topologyKey: ZONE})
  const topologySpreadConstraints = [
    {maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: {matchLabels: {'clickhouse.altinity.com/chi': chi}}},
  ]
  const affinity = i.zones.length
    ? {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: ZONE, operator: 'In', values: i.zones}]}]},
        },
      }
    : undefined
  return {podDistribution, topologySpreadConstraints, affinity}
}

/**
 * The production values for the SigNoz chart: every key is one the real chart reads
 * (the public SigNoz chart; src/signoz/chart-keys.ts lists them). The ClickHouse password is never here.
 */
export function productionValues(i: GenerateInputs): Record<string, unknown> {
  const {chi} = namesOf(i)
  const placement = clickhousePlacement(i)
  return {
    clickhouse: {
      fullnameOverride: chi,
      cluster: i.cluster,
      image: {tag: i.clickhouseImageTag},
      layout: {shardsCount: i.shards, replicasCount: i.replicas},
      podDistribution: placement.podDistribution,
      topologySpreadConstraints: placement.topologySpreadConstraints,
      ...(placement.affinity ? {affinity: placement.affinity} : {}),
      persistence: {enabled: true, size: i.storage, ...(i.storageClass ? {storageClass: i.storageClass} : {})},
      resources: {
        requests: {cpu: GENERATE_DEFAULTS.clickhouseCpu, memory: GENERATE_DEFAULTS.clickhouseMemory},
        limits: {memory: GENERATE_DEFAULTS.clickhouseMemory},
      },
      zookeeper: {
        replicaCount: i.keeper,
        pdb: {create: i.keeper >= 3},
        podAntiAffinityPreset: 'hard',
        autopurge: {purgeInterval: 1},
        resources: {requests: {cpu: '250m', memory: '1Gi'}},
      },
    },
    telemetryStoreMigrator: {
      enableReplication: i.replicas > 1,
      // ON CLUSTER DDL over many hosts outlasts the default 10m on a busy cluster.
      timeout: GENERATE_DEFAULTS.migratorTimeout,
    },
    otelCollector: {replicaCount: GENERATE_DEFAULTS.collectorReplicas},
  }
}

/** The values file as written: a header that says what it is, then the values. */
export function valuesHeader(i: GenerateInputs): string {
  return [
    `Production HA values for the SigNoz chart, written by signoz-ha generate.`,
    `Release ${i.release} in ${i.namespace}: ${i.shards} shard(s) × ${i.replicas} replicas of ClickHouse, ${i.keeper} ZooKeeper members,`,
    `${i.storage} per replica${i.storageClass ? ` on ${i.storageClass}` : ''} (${i.storageSource === 'planned' ? 'sized by signoz-ha storage plan' : i.storageSource === 'given' ? 'as given' : 'not sized: run signoz-ha storage plan'}), cloud ${i.cloud}.`,
    'The ClickHouse password is not here: give it at install (see README.md). Check with: signoz-ha values lint values.yaml',
  ].join('\n')
}
