import {defineRunbook} from '../src/core/runbook.js'

export default defineRunbook({
  id: 'version-mismatch',
  title: 'ClickHouse, chart, collector or SigNoz versions do not fit together',
  symptoms:
    "The migrator hook fails with Code 115 UNKNOWN_SETTING 'object_serialization_version' and the Helm upgrade times out; hosts report different versions; the collector crashes against an old external ClickHouse.",
  scenarios: [9],
  checks: ['signoz/version-compat'],
  steps: [
    {
      title: 'See what runs where',
      safety: 'read',
      explain: 'The evidence names each component, the version it needs and the version that runs.',
      commands: ['signoz-ha doctor --only signoz/version-compat -o json', "SELECT hostName(), version() FROM clusterAllReplicas('{cluster}', system.one)"],
    },
    {
      title: 'Snapshot the ClickHouse volumes',
      safety: 'safe',
      explain: 'ClickHouse rewrites its on-disk format on first start of a new version; downgrades are not guaranteed.',
    },
    {
      title: 'Upgrade ClickHouse first',
      safety: 'disruptive',
      explain:
        'Set the image the SigNoz release needs; the operator rolls one replica at a time. Set reclaimPolicy: Retain on the volume claim templates before.',
      commands: ['helm -n {namespace} upgrade {release} signoz/signoz --reuse-values --set clickhouse.image.tag=<version>'],
    },
    {
      title: 'Then upgrade SigNoz and the collector',
      safety: 'disruptive',
      explain: 'Only once every host runs the required version.',
      commands: ['signoz-ha upgrade --safe'],
    },
    {
      title: 'Verify',
      safety: 'read',
      explain: 'Every host runs one version that meets every requirement; the migrator finished.',
      commands: ['signoz-ha doctor --only signoz --only kube/migrator-job'],
    },
  ],
})
