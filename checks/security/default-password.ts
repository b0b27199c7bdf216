import {defineCheck, fail, pass, type Finding} from '../../src/core/check.js'
import {valueAt} from '../../src/signoz/helm-release.js'
import {CHART_DEFAULT_PASSWORD} from '../../src/signoz/values-rules.js'

/**
 * ClickHouse does not use the chart's published default password.
 * Why: the default is in every copy of the chart; anyone who reaches the Service can read and
 * drop all telemetry.
 * Fails if: the release's clickhouse.password, or a component's CLICKHOUSE_PASSWORD, is the default.
 */
export default defineCheck({
  id: 'security/default-password',
  title: "ClickHouse does not use the chart's default password",
  severity: 'critical',
  requires: ['helm'],
  runbook: 'default-password',
  scenarios: [],
  async run({kube}) {
    const d = kube!.deployment
    const findings: Finding[] = []
    const inValues = valueAt(d.values, 'clickhouse.password') === CHART_DEFAULT_PASSWORD && valueAt(d.values, 'clickhouse.enabled') !== false
    findings.push(
      inValues ? fail('clickhouse.password', "the release sets the chart's published default password") : pass('clickhouse.password', 'not the chart default'),
    )
    for (const c of d.clients) {
      if (c.password && 'value' in c.password && c.password.value === CHART_DEFAULT_PASSWORD) {
        findings.push(fail(`${c.kind}/${c.name}`, "CLICKHOUSE_PASSWORD is the chart's published default"))
      }
    }
    return findings
  },
})
