import {defineRemedy, defineRunbook} from '../src/core/runbook.js'
import {restartClickhouseHost, type HostRestart} from '../src/remediation/actions/kube.js'
import {installationHosts} from '../src/remediation/targets.js'

export default defineRunbook({
  id: 'clickhouse-rolling-restart',
  title: 'Restart every ClickHouse host safely, one at a time',
  symptoms:
    'Planned work: a configuration the server reads only at start, a kernel or node update, a memory leak. Restarting hosts together, or a host whose shard has no other caught-up replica, stops writes or loses the shard.',
  scenarios: [4, 17, 22, 24],
  checks: ['clickhouse/reachable', 'clickhouse/replicas-readonly', 'clickhouse/replication-lag', 'keeper/reachable', 'kube/pods-pending'],
  kind: 'procedure',
  steps: [
    {
      title: 'Start from a healthy cluster',
      safety: 'read',
      explain: 'Every host answers, every table is writable and caught up, Keeper is reachable, nothing is Pending.',
      commands: ['signoz-ha doctor --only clickhouse --only keeper --only kube/pods-pending'],
    },
    {
      title: 'Restart each host, one at a time',
      safety: 'disruptive',
      explain:
        "Delete one pod; its StatefulSet recreates it. Before each, the shard's other replicas must be ready and caught up (never the last good replica); after each, wait until it is ready, writable and caught up. A host restarted by an earlier, interrupted run is skipped.",
      commands: [
        'kubectl -n {namespace} delete pod <pod>',
        'kubectl -n {namespace} wait --for=condition=Ready pod/<pod> --timeout=10m',
        'SELECT max(absolute_delay) FROM system.replicas',
      ],
      remedy: defineRemedy<{hosts: HostRestart[]}>({
        async target(ctx) {
          // Whole seconds: creation timestamps have no finer resolution, or a host restarted in the
          // run's first second would look not restarted yet.
          const since = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString()
          const hosts = (await installationHosts(ctx)).map((h) => ({...h, since}))
          return hosts.length ? {hosts} : undefined
        },
        actions: (t) => t.hosts.map(restartClickhouseHost),
      }),
    },
    {title: 'Verify', safety: 'read', explain: 'The same checks pass again.', commands: ['signoz-ha doctor --only clickhouse --only keeper']},
  ],
})
