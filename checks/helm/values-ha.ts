import {defineCheck, fail, pass} from '../../src/core/check.js'
import {evaluateHaValues} from '../../src/signoz/values-rules.js'

/**
 * The release's values describe an HA deployment.
 * Why: the chart's defaults are a single node (1 shard × 1 replica, one ZooKeeper, no
 * anti-affinity, a name that follows the release); each is a production outage waiting.
 * Fails if: any HA rule fails on the deployed values (chart defaults with the user's values).
 */
export default defineCheck({
  id: 'helm/values-ha',
  title: 'The deployed Helm values are an HA layout',
  severity: 'warning',
  requires: ['helm'],
  runbook: 'values-not-ha',
  async run({kube}) {
    const d = kube!.deployment
    // The password rule has its own check (security/default-password).
    return evaluateHaValues(d.values)
      .filter((f) => f.rule !== 'default-password')
      .map((f) => (f.ok ? pass(f.key, f.message, {rule: f.rule}) : fail(f.key, f.message, {rule: f.rule, fix: f.fix ?? null})))
  },
})
