import {defineRemedy, defineRunbook} from '../src/core/runbook.js'
import {upgradeWithValues} from '../src/remediation/actions/helm.js'
import {valueAt} from '../src/signoz/helm-release.js'

export default defineRunbook({
  id: 'keeper-quorum',
  title: 'ZooKeeper/Keeper has no fault-tolerant quorum',
  symptoms: 'One ZooKeeper member (the chart default) or members not ready: the next restart of that member makes every replicated table read-only.',
  scenarios: [3, 23],
  checks: ['keeper/quorum', 'keeper/reachable', 'helm/values-ha'],
  steps: [
    {
      title: 'See the ensemble',
      safety: 'read',
      explain: 'Members desired and ready, and the node list ClickHouse uses.',
      commands: [
        'kubectl -n {namespace} get sts -l app.kubernetes.io/component=zookeeper',
        'kubectl -n {namespace} get chi -o jsonpath="{.items[*].spec.configuration.zookeeper.nodes}"',
      ],
    },
    {
      title: 'Grow to three members',
      safety: 'disruptive',
      explain:
        "Set clickhouse.zookeeper.replicaCount=3 (and a disruption budget); the installation picks up the new node list. Never wipe the existing member's data: it holds every replicated table's metadata.",
      commands: ['helm -n {namespace} upgrade {release} signoz/signoz --reuse-values --set clickhouse.zookeeper.replicaCount=3'],
      remedy: defineRemedy<{release: string; chart: string; chartVersion: string | null}>({
        async target(ctx) {
          const d = await ctx.deployment()
          const members = Number(valueAt(d.values, 'clickhouse.zookeeper.replicaCount') ?? 1)
          // External ZooKeeper/Keeper is not this release's to grow.
          if (!ctx.release || valueAt(d.values, 'clickhouse.zookeeper.enabled') === false || members >= 3) return undefined
          return {release: ctx.release, chart: ctx.chart, chartVersion: ctx.chartVersion}
        },
        actions: (t) => [
          upgradeWithValues({
            id: 'grow-keeper',
            title: `Grow ZooKeeper to 3 members in release ${t.release}`,
            ...t,
            file: `${t.release}-keeper-quorum.yaml`,
            comment:
              'Written by signoz-ha runbook run keeper-quorum. Keep it in your values: three ZooKeeper\nmembers keep a quorum when one is lost, so replicated tables stay writable.',
            set: {'clickhouse.zookeeper.replicaCount': 3},
          }),
        ],
      }),
    },
    {title: 'Verify', safety: 'read', explain: 'Three ready members, ClickHouse connected to them.', commands: ['signoz-ha doctor --only keeper']},
  ],
})
