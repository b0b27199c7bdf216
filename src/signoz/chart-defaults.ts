import {CHART_DEFAULT_PASSWORD} from './values-rules.js'

/**
 * The SigNoz chart's own defaults (charts/signoz/values.yaml at 0.131.0, with its clickhouse and
 * zookeeper sub-charts; the public SigNoz chart), for the keys the HA rules read. A
 * values file is only the user's part: `values lint` judges it over these, as Helm renders it.
 */
export const CHART_DEFAULTS: Record<string, unknown> = {
  clickhouse: {
    enabled: true,
    cluster: 'cluster',
    user: 'admin',
    password: CHART_DEFAULT_PASSWORD,
    image: {registry: 'docker.io', repository: 'clickhouse/clickhouse-server', tag: '25.12.5'},
    persistence: {enabled: true, storageClass: null, size: '20Gi'},
    layout: {shardsCount: 1, replicasCount: 1},
    podDistribution: [],
    affinity: {},
    topologySpreadConstraints: [],
    resources: {requests: {cpu: '100m', memory: '200Mi'}},
    zookeeper: {enabled: true, replicaCount: 1, autopurge: {purgeInterval: 1}, pdb: {create: false}, podAntiAffinityPreset: 'soft', persistence: {size: '8Gi'}},
    externalZookeeper: {},
  },
  telemetryStoreMigrator: {enabled: true, upgradeHelmHooks: true, enableReplication: true, timeout: '10m'},
}

/**
 * Value keys of the real chart that generated values may set, each named in the public SigNoz chart
 * (the section in the comment). A test proves every key `generate` writes is one of these or
 * under one of the maps listed.
 */
export const CHART_KEYS: readonly string[] = [
  'clickhouse.fullnameOverride', // §2.1
  'clickhouse.cluster', // §1.3
  'clickhouse.image.tag', // §1.3, §6
  'clickhouse.layout.shardsCount', // §1.3
  'clickhouse.layout.replicasCount', // §1.3
  'clickhouse.podDistribution', // §1.3 (the Altinity list, passed through)
  'clickhouse.topologySpreadConstraints', // §1.3
  'clickhouse.affinity', // §1.3
  'clickhouse.persistence.enabled', // §1.3
  'clickhouse.persistence.size', // §1.3
  'clickhouse.persistence.storageClass', // §1.3
  'clickhouse.resources', // §1.3
  'clickhouse.zookeeper.replicaCount', // §1.4
  'clickhouse.zookeeper.pdb.create', // §1.4 (sub-chart default)
  'clickhouse.zookeeper.podAntiAffinityPreset', // §1.4 (sub-chart default)
  'clickhouse.zookeeper.autopurge.purgeInterval', // §1.4
  'clickhouse.zookeeper.resources', // §1.4
  'telemetryStoreMigrator.enableReplication', // §1.7
  'telemetryStoreMigrator.timeout', // §1.7
  'otelCollector.replicaCount', // §1.9
]
