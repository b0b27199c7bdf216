import {defineRunbook} from '../src/core/runbook.js'

export default defineRunbook({
  id: 'duplicate-clickhouse',
  title: 'Two ClickHouse installations after an upgrade or rename',
  symptoms: 'After a Helm upgrade a second ClickHouseInstallation appears; its pods stay Pending ("didn\'t match pod anti-affinity rules"); collectors point at its empty Service and ingestion stops; every later upgrade needs manual patching.',
  scenarios: [10, 11],
  checks: ['kube/duplicate-clickhouse', 'kube/collector-clickhouse-target', 'kube/pods-pending', 'signoz/ingestion-fresh'],
  steps: [
    {title: 'See both installations and which one holds the data', safety: 'read', explain: 'The serving one has the ready hosts and the parts; the new one is empty and Pending.', commands: ['kubectl -n {namespace} get chi', 'kubectl -n {namespace} get pods -l clickhouse.altinity.com/app=chop -o wide']},
    {title: 'Point collectors and SigNoz back at the serving Service', safety: 'safe', explain: 'Restores ingestion first; the release values decide CLICKHOUSE_HOST, so pin the name there.', commands: ['helm -n {namespace} upgrade {release} signoz/signoz --reuse-values --set clickhouse.fullnameOverride=<serving installation>']},
    {title: 'Remove the empty duplicate, keep its claims', safety: 'destructive', explain: 'Delete only the installation with no data and no ready hosts; never its PVCs unless asked.', commands: ['kubectl -n {namespace} delete chi <empty duplicate>']},
    {title: 'Verify', safety: 'read', explain: 'One installation, collectors on its Service, fresh rows on every shard.', commands: ['signoz-ha doctor --only kube --only signoz/ingestion-fresh']},
  ],
})
