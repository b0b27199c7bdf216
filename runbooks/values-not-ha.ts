import {defineRunbook} from '../src/core/runbook.js'

export default defineRunbook({
  id: 'values-not-ha',
  title: 'The deployed values are not an HA layout',
  symptoms:
    'One replica per shard, one ZooKeeper member, no anti-affinity, an unpinned installation name, or replication off in the migrator: outages waiting for the first node failure or rename.',
  scenarios: [12, 14, 23, 31],
  checks: ['helm/values-ha'],
  steps: [
    {
      title: 'See the deployed values',
      safety: 'read',
      explain: 'Only what the release sets; the finding names each key.',
      commands: ['helm -n {namespace} get values {release}'],
    },
    {
      title: 'Apply the HA values',
      safety: 'disruptive',
      explain:
        'Pin clickhouse.fullnameOverride to the current installation name first; then replicas, ZooKeeper members and anti-affinity. Adding replicas copies data; adding shards does not rebalance it.',
    },
    {title: 'Verify', safety: 'read', explain: 'Every rule passes.', commands: ['signoz-ha doctor --only helm/values-ha']},
  ],
})
