import {defineRunbook} from '../src/core/runbook.js'

export default defineRunbook({
  id: 'replica-spread',
  title: 'Replicas or Keeper members share a node or zone',
  symptoms: 'One node or zone failure takes down every replica of a shard (writes to it stop) or a Keeper majority (every table read-only).',
  scenarios: [],
  checks: ['kube/replica-spread'],
  steps: [
    {
      title: 'See the placement',
      safety: 'read',
      explain: 'Which pods share a node or zone.',
      commands: ['kubectl -n {namespace} get pods -o wide -l clickhouse.altinity.com/app=chop'],
    },
    {
      title: 'Require spreading in the values',
      safety: 'safe',
      explain:
        'Set clickhouse.podDistribution (ShardAntiAffinity by hostname, and by zone where there are enough zones) and the ZooKeeper anti-affinity preset.',
      commands: ['helm -n {namespace} upgrade {release} signoz/signoz --reuse-values --set clickhouse.podDistribution[0].type=ShardAntiAffinity'],
    },
    {
      title: 'Move one replica at a time',
      safety: 'disruptive',
      explain: 'Delete one co-located pod, wait until it is ready and caught up, then the next; never both replicas of a shard at once.',
      commands: ['signoz-ha runbook show replica-readonly'],
    },
  ],
})
