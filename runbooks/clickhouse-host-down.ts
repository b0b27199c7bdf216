import {defineRemedy, defineRunbook} from '../src/core/runbook.js'
import {restartUnreadyPods} from '../src/remediation/actions/kube.js'
import {failingHosts} from '../src/remediation/targets.js'

export default defineRunbook({
  id: 'clickhouse-host-down',
  title: 'A ClickHouse host does not answer',
  symptoms: 'doctor cannot query a host; queries through distributed tables fail with ALL_CONNECTION_TRIES_FAILED when a whole shard is gone.',
  scenarios: [35, 18, 17],
  checks: ['clickhouse/reachable'],
  steps: [
    {
      title: 'See why the pod is down',
      safety: 'read',
      explain: 'OOMKilled, a liveness kill during table loading and a crash loop need different fixes.',
      commands: [
        'kubectl -n {namespace} get pods -l clickhouse.altinity.com/app=chop -o wide',
        'kubectl -n {namespace} describe pod <pod>',
        'kubectl -n {namespace} logs <pod> --previous --tail=100',
      ],
    },
    {
      title: 'Check the other replicas of its shard',
      safety: 'read',
      explain: 'With a healthy peer replica the shard still serves reads and writes; without one every distributed query fails.',
      commands: ["SELECT shard_num, replica_num, host_name, errors_count FROM system.clusters WHERE cluster = '{cluster}'"],
    },
    {
      title: 'Restart the host',
      safety: 'disruptive',
      explain:
        'Delete the pod so its StatefulSet recreates it; wait until it is Ready before touching any other host. A pod that stays Pending needs the pods-pending runbook instead.',
      commands: ['kubectl -n {namespace} delete pod <pod>'],
      remedy: defineRemedy<{namespace: string; pods: string[]}>({
        async target(ctx, diagnosis) {
          const running = new Set(
            (await ctx.deployment()).active?.pods.filter((p) => (p.status as {phase?: string} | undefined)?.phase === 'Running').map((p) => p.metadata?.name) ??
              [],
          )
          // Down but scheduled: a restart can help; a Pending pod cannot start by being deleted.
          const pods = (await failingHosts(ctx, diagnosis, 'clickhouse/reachable')).map((h) => h.pod).filter((pod) => running.has(pod))
          return pods.length ? {namespace: ctx.namespace, pods} : undefined
        },
        actions: (t) => [restartUnreadyPods({id: 'restart-down-hosts', title: `Restart the ClickHouse hosts that do not answer: ${t.pods.join(', ')}`, ...t})],
      }),
    },
    {title: 'Verify', safety: 'read', explain: 'The host answers and has caught up.', commands: ['signoz-ha doctor --only clickhouse']},
  ],
})
