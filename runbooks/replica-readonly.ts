import {defineRemedy, defineRunbook} from '../src/core/runbook.js'
import {restartReadonlyReplicas, type HostRef} from '../src/remediation/actions/clickhouse.js'
import {restartClickhouseHost, type HostRestart} from '../src/remediation/actions/kube.js'
import {failingHosts, installationHosts} from '../src/remediation/targets.js'

export default defineRunbook({
  id: 'replica-readonly',
  title: 'Replicated tables are read-only',
  symptoms: 'Inserts fail with TABLE_IS_READ_ONLY (242) or KEEPER_EXCEPTION; collectors retry forever and ingestion stops.',
  scenarios: [4, 3, 23, 28],
  checks: ['clickhouse/replicas-readonly', 'keeper/reachable'],
  steps: [
    {
      title: 'Find the read-only tables and the Keeper error',
      safety: 'read',
      explain: 'A session expiry heals itself within a minute; missing metadata does not.',
      commands: ['SELECT database, table, is_readonly, is_session_expired, zookeeper_exception FROM system.replicas WHERE is_readonly'],
    },
    {
      title: 'Make sure Keeper is healthy first',
      safety: 'read',
      explain: 'If Keeper itself is down, follow the keeper-down runbook before anything else.',
      commands: ['signoz-ha doctor --only keeper'],
    },
    {
      title: 'Restart the replica',
      safety: 'safe',
      explain: 'Re-reads Keeper state; fixes a stale session or changed Keeper addresses.',
      commands: ['SYSTEM DROP DNS CACHE', 'SYSTEM RESTART REPLICA <db>.<table>'],
      remedy: defineRemedy<{hosts: HostRef[]}>({
        async target(ctx, diagnosis) {
          const hosts = await failingHosts(ctx, diagnosis, 'clickhouse/replicas-readonly')
          return hosts.length ? {hosts} : undefined
        },
        actions: (t) => [restartReadonlyReplicas({hosts: t.hosts, graceMs: 5000, soft: true})],
      }),
    },
    {
      title: 'Restart the host',
      safety: 'disruptive',
      explain:
        "Still read-only after that (a configuration the server only reads at start, a lost session it never re-opens): restart the pod, one host at a time, only while the shard's other replicas are ready and caught up.",
      commands: ['kubectl -n {namespace} delete pod <pod>'],
      remedy: defineRemedy<{hosts: HostRestart[]}>({
        async target(ctx, diagnosis) {
          const sick = new Set((await failingHosts(ctx, diagnosis, 'clickhouse/replicas-readonly')).map((h) => h.host))
          const hosts = (await installationHosts(ctx)).filter((h) => sick.has(h.host)).map((h) => ({...h, since: 'unhealthy'}))
          return hosts.length ? {hosts} : undefined
        },
        actions: (t) => t.hosts.map(restartClickhouseHost),
      }),
    },
    {
      title: 'Restore the replica metadata',
      safety: 'safe',
      explain:
        'When the log says "No metadata in ZooKeeper", RESTORE REPLICA (ClickHouse 21.7+) rebuilds it from local parts; run RESTART first. Never wipe Keeper to fix this.',
      commands: ['SYSTEM RESTORE REPLICA <db>.<table>'],
    },
    {
      title: 'Verify',
      safety: 'read',
      explain: 'No table is read-only and rows arrive.',
      commands: ['signoz-ha doctor --only clickhouse/replicas-readonly --only signoz/ingestion-fresh'],
    },
  ],
})
