import {defineRunbook} from '../src/core/runbook.js'
import {pinInstallationRemedy, pointClientsRemedy} from '../src/remediation/remedies.js'

export default defineRunbook({
  id: 'collector-wrong-target',
  title: 'Collectors point at a ClickHouse Service that is missing or empty',
  symptoms: 'Collector logs show "dial tcp: lookup …: no such host" or "connection refused"; no new traces, logs or metrics; ClickHouse itself is healthy.',
  scenarios: [12],
  checks: ['kube/collector-clickhouse-target', 'signoz/ingestion-fresh'],
  steps: [
    {
      title: 'Compare CLICKHOUSE_HOST with the serving Service',
      safety: 'read',
      explain: 'The Service must exist and have ready endpoints.',
      commands: [
        'kubectl -n {namespace} get deploy -o yaml | grep -A1 CLICKHOUSE_HOST',
        'kubectl -n {namespace} get svc,endpoints -l clickhouse.altinity.com/app=chop',
      ],
    },
    {
      title: 'Point the clients at the serving Service',
      safety: 'safe',
      explain: "Ingestion first: every collector and SigNoz workload gets the serving installation's Service as CLICKHOUSE_HOST, and their rollout is awaited.",
      commands: ['kubectl -n {namespace} set env deploy/<collector> CLICKHOUSE_HOST=<serving service>'],
      remedy: pointClientsRemedy,
    },
    {
      title: 'Fix it in the release values',
      safety: 'safe',
      explain: 'A hand edit of the Deployment is undone by the next upgrade; pin the installation name in the values instead.',
      commands: ['helm -n {namespace} upgrade {release} signoz/signoz --reuse-values --set clickhouse.fullnameOverride=<serving installation>'],
      remedy: pinInstallationRemedy,
    },
    {
      title: 'Verify',
      safety: 'read',
      explain: 'Fresh rows arrive on every shard within a minute.',
      commands: ['signoz-ha doctor --only kube/collector-clickhouse-target --only signoz/ingestion-fresh'],
    },
  ],
})
