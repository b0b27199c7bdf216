import {defineCheck, fail, pass, type Finding} from '../../src/core/check.js'
import {perHost} from '../../src/core/host-results.js'
import {Q} from '../../src/signoz/queries.js'
import {SIGNOZ_DATABASES} from '../../src/signoz/schema.js'
import {observedTopology} from '../../src/signoz/topology.js'

/**
 * With more than one replica per shard, every SigNoz MergeTree table is Replicated*.
 * Why: plain MergeTree on a replicated layout never copies rows between replicas, so dashboards
 * show different data on every refresh (catalogue #14: enableReplication off).
 * Fails if: replicas per shard > 1 and a SigNoz table's engine is a MergeTree that is not Replicated.
 */
export default defineCheck({
  id: 'signoz/tables-replicated',
  title: 'SigNoz tables are replicated when shards have replicas',
  severity: 'critical',
  requires: ['clickhouse'],
  runbook: 'tables-not-replicated',
  scenarios: [14],
  async run({clickhouse, expect, signal}) {
    const observed = await observedTopology(clickhouse, expect.cluster, signal)
    const replicas = expect.replicasPerShard ?? observed?.replicasPerShard ?? 1
    const {answered, unreadable} = perHost(await clickhouse.queryEach(Q.tables, {databases: SIGNOZ_DATABASES}, signal), 'system.tables')
    const findings: Finding[] = [...unreadable]
    for (const {host, rows} of answered) {
      const mergeTrees = rows.filter((r) => r.engine.endsWith('MergeTree'))
      const plain = mergeTrees.filter((r) => !r.engine.startsWith('Replicated'))
      if (replicas > 1 && plain.length > 0) {
        findings.push(
          fail(host.name, `${plain.length} of ${mergeTrees.length} SigNoz tables are not replicated, with ${replicas} replicas per shard`, {
            replicasPerShard: replicas,
            notReplicated: plain.slice(0, 20).map((r) => `${r.database}.${r.name} (${r.engine})`),
          }),
        )
      } else {
        findings.push(
          pass(host.name, replicas > 1 ? `all ${mergeTrees.length} SigNoz tables replicated` : `single replica per shard; replication not required`, {
            replicasPerShard: replicas,
            tables: mergeTrees.length,
            replicated: mergeTrees.length - plain.length,
          }),
        )
      }
    }
    return findings
  },
})
