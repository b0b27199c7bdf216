import {defineRunbook} from '../src/core/runbook.js'
import {pointClientsRemedy} from '../src/remediation/remedies.js'

export default defineRunbook({
  id: 'ingestion-stopped',
  title: 'No new telemetry arrives',
  symptoms: 'Dashboards flat-line; collectors log context deadline exceeded, no such host, or TABLE_IS_READ_ONLY.',
  scenarios: [8, 3, 4, 5, 12, 15],
  checks: ['signoz/ingestion-fresh'],
  steps: [
    {
      title: 'Find where the rows stop',
      safety: 'read',
      explain:
        'One shard stale points at that shard (read-only, disk, distribution queue); every shard stale points at the collectors or their target service.',
      commands: ['signoz-ha doctor'],
    },
    {
      title: 'Check the collectors and their ClickHouse target',
      safety: 'read',
      explain: 'CLICKHOUSE_HOST must name the Service of the active installation, with ready endpoints.',
      commands: [
        'kubectl -n {namespace} get deploy -l app.kubernetes.io/component=otel-collector -o yaml | grep -A1 CLICKHOUSE_HOST',
        'kubectl -n {namespace} logs deploy/<collector> --tail=50',
      ],
    },
    {
      title: 'Point the collectors at the serving Service',
      safety: 'safe',
      explain: "A collector writing to a Service that is missing, empty or another installation's writes nothing that SigNoz reads.",
      commands: ['kubectl -n {namespace} set env deploy/<collector> CLICKHOUSE_HOST=<serving service>'],
      remedy: pointClientsRemedy,
    },
    {
      title: 'Fix ClickHouse first, then restart stuck collectors',
      safety: 'disruptive',
      explain: 'Collectors do not always recover by themselves once ClickHouse is healthy again.',
      commands: ['kubectl -n {namespace} rollout restart deploy/<collector>'],
    },
    {
      title: 'Verify',
      safety: 'read',
      explain: 'Fresh rows on every shard for traces, logs and metrics.',
      commands: ['signoz-ha doctor --only signoz/ingestion-fresh'],
    },
  ],
})
