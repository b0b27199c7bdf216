import {defineRunbook} from '../src/core/runbook.js'

export default defineRunbook({
  id: 'installation-renamed',
  title: 'A ClickHouse installation was renamed or deleted; its data is on claims nothing mounts',
  symptoms:
    'After a Helm upgrade (a release renamed, clickhouse.fullnameOverride changed) or a `kubectl delete chi`, SigNoz shows no data from before; the old installation is gone, a new empty one may serve; claims labelled with the old installation stay Bound (reclaimPolicy Retain).',
  scenarios: [12],
  checks: ['kube/orphaned-claims'],
  steps: [
    {
      title: 'See the claims left behind and what serves now',
      safety: 'read',
      explain: 'The claims carry the installation they belonged to; the release history shows when the name changed.',
      commands: [
        'kubectl -n {namespace} get pvc -L clickhouse.altinity.com/chi',
        'kubectl -n {namespace} get chi',
        'helm -n {namespace} history {release}',
        'helm -n {namespace} get values {release} --all | grep -n fullnameOverride',
      ],
    },
    {
      title: 'Compare the data: the serving installation against what the old one held',
      safety: 'read',
      explain:
        'The serving installation of a rename holds only what arrived since; the old claims hold the rest. Note the row counts before changing anything.',
      commands: ["SELECT database, sum(rows) AS rows FROM system.parts WHERE active AND database LIKE 'signoz_%' GROUP BY database"],
    },
    {
      title: 'Pin the old name back: an upgrade without hooks, then one with them',
      safety: 'safe',
      explain:
        'The operator names hosts, StatefulSets and claims after the installation: with the old name back, its hosts are created again and mount the retained claims, data and all. The first upgrade skips the hooks: the migrator hook runs before the installation exists again and would wait for its Service until Helm gives up. The second runs the migrator. Keep the override in your values from now on. Rows written to the new installation meanwhile are not moved.',
      commands: [
        'helm -n {namespace} upgrade {release} signoz/signoz --reuse-values --no-hooks --set clickhouse.fullnameOverride=<old installation>',
        'helm -n {namespace} upgrade {release} signoz/signoz --reuse-values',
      ],
    },
    {
      title: 'Remove the empty installation and, once sure, its claims',
      safety: 'destructive',
      explain: 'Only after the old hosts serve and the data is back: the claims of the installation created by the rename hold only the rows written since.',
      commands: ['kubectl -n {namespace} get chi', 'kubectl -n {namespace} delete pvc -l clickhouse.altinity.com/chi=<empty installation>'],
    },
    {
      title: 'Verify',
      safety: 'read',
      explain: 'No claim without an installation; the hosts answer; ingestion continues.',
      commands: ['signoz-ha doctor --only kube --only clickhouse/reachable --only signoz/ingestion-fresh'],
    },
  ],
})
