import {defineCheck, fail, pass} from '../../src/core/check.js'
import {valueAt} from '../../src/signoz/helm-release.js'
import {evaluateHaValues} from '../../src/signoz/values-rules.js'

/**
 * The release's values describe an HA deployment.
 * Why: the chart's defaults are a single node (1 shard × 1 replica, one ZooKeeper, no
 * anti-affinity, a name that follows the release); each is a production outage waiting.
 * Fails if: any HA rule of src/signoz/values-rules.ts fails on the deployed values (chart defaults
 * with the user's values): layout, Keeper members and disruption budget, anti-affinity, pinned name,
 * migrator replication, autopurge, persistence, storage left at the chart default, ClickHouse memory.
 */
export default defineCheck({
  id: 'helm/values-ha',
  title: 'The deployed Helm values are an HA layout',
  severity: 'warning',
  requires: ['helm'],
  runbook: 'values-not-ha',
  scenarios: [12, 14, 31],
  async run({kube}) {
    const d = kube!.deployment
    // What the user set, as opposed to the chart's defaults: a default storage size was never sized.
    const userValues = d.release?.config ?? {}
    // The password rule has its own check (security/default-password).
    return evaluateHaValues(d.values, {userSet: (key) => valueAt(userValues, key) !== undefined})
      .filter((f) => f.rule !== 'default-password')
      .map((f) => (f.ok ? pass(f.key, f.message, {rule: f.rule}) : fail(f.key, f.message, {rule: f.rule, fix: f.fix ?? null})))
  },
})
