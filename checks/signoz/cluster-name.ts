import {SkipCheck, defineCheck, fail, pass, type Finding} from '../../src/core/check.js'
import {Q} from '../../src/signoz/queries.js'
import {valueAt} from '../../src/signoz/helm-release.js'

/**
 * Everything names the same ClickHouse cluster: the release values, the installation, the
 * components' CLICKHOUSE_CLUSTER, and system.clusters on the servers.
 * Why: a component that names another cluster fails every ON CLUSTER statement and distributed
 * read with "Requested cluster … not found" (code 170/701; catalogue #19).
 * Fails if: the values, a component or the servers disagree with the installation's cluster.
 */
export default defineCheck({
  id: 'signoz/cluster-name',
  title: 'Values, installation, components and servers name the same cluster',
  severity: 'critical',
  requires: ['kube', 'clickhouse'],
  runbook: 'cluster-topology-mismatch',
  scenarios: [19],
  async run({kube, clickhouse, signal}) {
    const d = kube!.deployment
    const chi = d.active
    if (!chi) throw new SkipCheck(`no ClickHouse installation in ${d.namespace} to compare with`)
    const findings: Finding[] = []
    const expected = chi.cluster
    const fromValues = d.release ? (valueAt(d.values, 'clickhouse.cluster') as string | undefined) : undefined
    if (fromValues !== undefined) {
      findings.push(
        fromValues === expected
          ? pass('values clickhouse.cluster', expected)
          : fail('values clickhouse.cluster', `"${fromValues}" but installation ${chi.name} defines "${expected}"`, {
              values: fromValues,
              installation: expected,
            }),
      )
    }
    for (const c of d.clients) {
      if (!c.cluster || !('value' in c.cluster)) continue
      const subject = `${c.kind}/${c.name} CLICKHOUSE_CLUSTER`
      findings.push(
        c.cluster.value === expected
          ? pass(subject, expected)
          : fail(subject, `"${c.cluster.value}" but the installation's cluster is "${expected}": its ON CLUSTER and distributed queries fail`, {
              component: c.cluster.value,
              installation: expected,
            }),
      )
    }
    const host = clickhouse.reachable()[0]
    if (host) {
      const [names] = await clickhouse.queryHosts([host], Q.clusterNames, undefined, signal)
      const defined = (names!.rows ?? []).map((r) => r.cluster)
      if (names!.rows) {
        findings.push(
          defined.includes(expected)
            ? pass(`${host.name} system.clusters`, `defines "${expected}"`)
            : fail(`${host.name} system.clusters`, `does not define "${expected}" (defines ${defined.join(', ') || 'none'})`, {defined}),
        )
      }
    }
    return findings
  },
})
