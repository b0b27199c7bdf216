import {defineRunbook} from '../src/core/runbook.js'

export default defineRunbook({
  id: 'default-password',
  title: "ClickHouse uses the chart's default password",
  symptoms: 'clickhouse.password is the value published in the chart: anyone who reaches the Service can read or drop the telemetry.',
  scenarios: [],
  checks: ['security/default-password'],
  steps: [
    {
      title: 'Create a secret password',
      safety: 'safe',
      explain: 'Keep it in a Secret, never on a command line.',
      commands: ['kubectl -n {namespace} create secret generic clickhouse-auth --from-literal=password="$(openssl rand -base64 24)"'],
    },
    {
      title: 'Roll it out',
      safety: 'disruptive',
      explain: 'Set the new password in the values and upgrade: ClickHouse users and every component change together.',
    },
    {
      title: 'Verify',
      safety: 'read',
      explain: 'The check passes and ingestion continues.',
      commands: ['signoz-ha doctor --only security --only signoz/ingestion-fresh'],
    },
  ],
})
