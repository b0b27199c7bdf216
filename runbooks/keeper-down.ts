import {defineRemedy, defineRunbook} from '../src/core/runbook.js'
import {restartReadonlyReplicas, type HostRef} from '../src/remediation/actions/clickhouse.js'
import {restartUnreadyPods} from '../src/remediation/actions/kube.js'
import {installationHosts, unreadyKeeperPods} from '../src/remediation/targets.js'

export default defineRunbook({
  id: 'keeper-down',
  title: 'ZooKeeper/Keeper is down or unreachable',
  symptoms:
    'All connection tries failed while connecting to ZooKeeper (code 999); replicated tables read-only; every ON CLUSTER statement times out; collectors crash-loop.',
  scenarios: [3, 23, 28, 31],
  checks: ['keeper/reachable', 'clickhouse/replicas-readonly'],
  steps: [
    {
      title: 'See the Keeper pods and their last errors',
      safety: 'read',
      explain: 'Pending pods, a full data volume and a corrupted snapshot need different fixes.',
      commands: ['kubectl -n {namespace} get pods -l app.kubernetes.io/component=zookeeper -o wide', 'kubectl -n {namespace} logs <zookeeper-pod> --tail=100'],
    },
    {
      title: 'Bring Keeper back',
      safety: 'disruptive',
      explain:
        'Restart the members that are not ready (their pods are recreated, data volumes kept); in a 3-member ensemble a broken member rejoins from its peers. Never wipe a single-member Keeper: every replicated table would lose its metadata.',
      commands: ['kubectl -n {namespace} delete pod <zookeeper-pod>'],
      remedy: defineRemedy<{namespace: string; pods: string[]}>({
        async target(ctx) {
          const pods = await unreadyKeeperPods(ctx)
          return pods.length ? {namespace: ctx.namespace, pods} : undefined
        },
        actions: (t) => [restartUnreadyPods({id: 'restart-keeper', title: `Restart the ZooKeeper members that are not ready: ${t.pods.join(', ')}`, ...t})],
      }),
    },
    {
      title: 'Let ClickHouse reconnect',
      safety: 'safe',
      explain:
        'Sessions come back within a minute of Keeper; tables still read-only after that get SYSTEM RESTART REPLICA. Any left after that: the replica-readonly runbook.',
      commands: ['SYSTEM DROP DNS CACHE', 'SYSTEM RESTART REPLICA <db>.<table>'],
      remedy: defineRemedy<{hosts: HostRef[]}>({
        async target(ctx, diagnosis) {
          if (diagnosis.results.every((r) => r.status === 'pass')) return undefined
          return {hosts: (await installationHosts(ctx)).map(({pod, host}) => ({pod, host}))}
        },
        actions: (t) => [restartReadonlyReplicas({hosts: t.hosts, graceMs: 60_000, soft: false})],
      }),
    },
    {
      title: 'Verify',
      safety: 'read',
      explain: 'Every host reaches Keeper and every table is writable.',
      commands: ['signoz-ha doctor --only keeper --only clickhouse/replicas-readonly'],
    },
  ],
})
