import {SkipCheck, defineCheck, fail, pass, type Finding} from '../../src/core/check.js'
import {perHost} from '../../src/core/host-results.js'
import {Q} from '../../src/signoz/queries.js'

/**
 * Every ClickHouse host can talk to ZooKeeper/Keeper.
 * Why: without Keeper replicated tables go read-only and ON CLUSTER DDL (every SigNoz migration)
 * hangs (catalogue #3, #28).
 * Fails if: a host that holds replicated tables has no Keeper configured, reading system.zookeeper
 * fails on it, or (24.x+) its Keeper session is expired. Skipped where no host uses Keeper (one
 * replica per shard, no replicated table).
 */
export default defineCheck({
  id: 'keeper/reachable',
  title: 'ClickHouse can reach ZooKeeper/Keeper from every host',
  severity: 'critical',
  requires: ['clickhouse'],
  runbook: 'keeper-down',
  scenarios: [3, 28],
  async run({clickhouse, signal}) {
    const [root, connection] = await Promise.all([
      clickhouse.queryEach(Q.keeperRoot, undefined, signal),
      clickhouse.queryEach(Q.keeperConnection, undefined, signal),
    ])
    const sessions = new Map(connection.map((r) => [r.host.name, r.rows?.[0]]))
    const findings: Finding[] = []
    // A host with no Keeper configured needs none while it holds no replicated table (one replica
    // per shard: a real, if not HA, topology); with one, that table is read-only.
    const unconfigured = root.filter((r) => r.error?.kind === 'unsupported').map((r) => r.host)
    const replicated = unconfigured.length ? await clickhouse.queryHosts(unconfigured, Q.replicaCounts, undefined, signal) : []
    const holdsReplicated = new Set(replicated.filter((r) => (r.rows?.length ?? 0) > 0 || r.error).map((r) => r.host.name))
    if (unconfigured.length === root.length && holdsReplicated.size === 0) {
      throw new SkipCheck(
        'no host uses Keeper: no replicated table and no Keeper configured (one replica per shard; helm/values-ha says it is not an HA layout)',
      )
    }
    for (const r of root) {
      if (r.error?.kind === 'unsupported' && !holdsReplicated.has(r.host.name)) {
        findings.push(pass(r.host.name, 'no Keeper configured and no replicated table on this host: none needed', {error: 'not-configured'}))
        continue
      }
      if (r.error?.kind === 'unsupported') {
        // ClickHouse attaches system.zookeeper only when Keeper is configured.
        findings.push(fail(r.host.name, 'no ZooKeeper/Keeper is configured on this host: replicated tables are read-only', {error: 'not-configured'}))
        continue
      }
      if (r.error) {
        const hostDown = r.error.kind === 'timeout' || r.error.kind === 'unreachable'
        findings.push(
          fail(r.host.name, hostDown ? `could not ask the host: ${r.error.message}` : `cannot reach Keeper: ${r.error.message}`, {
            error: r.error.kind,
            code: r.error.code ?? null,
          }),
        )
        continue
      }
      const session = sessions.get(r.host.name)
      if (session && Number(session.is_expired) === 1) {
        findings.push(fail(r.host.name, `Keeper session to ${session.host}:${session.port} is expired`, {keeper: `${session.host}:${session.port}`}))
        continue
      }
      findings.push(
        pass(r.host.name, session ? `connected to ${session.host}:${session.port}` : 'Keeper answers', {
          keeper: session ? `${session.host}:${session.port}` : null,
          rootChildren: Number(r.rows?.[0]?.children ?? 0),
        }),
      )
    }
    // perHost only to raise SkipCheck/throw consistently when no host answered at all.
    if (findings.length === 0) perHost(root, 'system.zookeeper')
    return findings
  },
})
