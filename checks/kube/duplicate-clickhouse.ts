import {SkipCheck, defineCheck, fail, pass} from '../../src/core/check.js'

/**
 * Exactly one ClickHouse installation serves the release's namespace.
 * Why: a rename or reinstall leaves a second installation next to the first; its pods stay
 * Pending on anti-affinity and the collectors follow the new, empty Service (the seed's failure).
 * Fails if: more than one ClickHouseInstallation is in the namespace.
 */
export default defineCheck({
  id: 'kube/duplicate-clickhouse',
  title: 'One ClickHouse installation serves the release',
  severity: 'critical',
  requires: ['kube'],
  runbook: 'duplicate-clickhouse',
  scenarios: [12],
  async run({kube}) {
    const d = kube!.deployment
    if (d.snapshot.errors.clickhouseinstallations)
      throw new SkipCheck(`cannot list ClickHouseInstallations: ${d.snapshot.errors.clickhouseinstallations.message}`)
    if (d.installations.length === 0) throw new SkipCheck(`no ClickHouseInstallation in ${d.namespace} (ClickHouse runs outside the operator)`)
    const describe = (i: (typeof d.installations)[number]) => ({
      service: i.service,
      readyHosts: i.readyPods,
      hosts: i.pods.length,
      layout: `${i.shards}x${i.replicasPerShard}`,
      helmRelease: i.helmRelease ?? null,
      namedByRelease: i.name === d.expectedInstallation,
      serving: i === d.active,
    })
    if (d.installations.length === 1) {
      const only = d.installations[0]!
      return [pass(only.name, `one installation (${only.readyPods}/${only.pods.length} hosts ready, Service ${only.service})`, describe(only))]
    }
    return d.installations.map((i) =>
      fail(
        i.name,
        `${d.installations.length} installations in ${d.namespace}; this one has ${i.readyPods}/${i.pods.length} hosts ready behind Service ${i.service}${i === d.active ? ' and serves (it holds the ready hosts)' : ''}${i.name === d.expectedInstallation ? ', and is the one the release now names' : ''}`,
        describe(i),
      ),
    )
  },
})
