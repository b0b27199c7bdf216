import {defineCheck, fail, pass} from '../../src/core/check.js'

/**
 * The SigNoz Helm release is deployed.
 * Why: an upgrade killed mid-way leaves the release pending-upgrade and Helm refuses every later
 * upgrade ("another operation is in progress"); a failed one may have half-applied changes.
 * Fails if: the latest revision is failed, pending-install/upgrade/rollback, or uninstalling.
 */
export default defineCheck({
  id: 'helm/release-status',
  title: 'The Helm release is deployed',
  severity: 'critical',
  requires: ['helm'],
  runbook: 'helm-release-stuck',
  scenarios: [2, 13],
  async run({kube}) {
    const r = kube!.deployment.release!
    const subject = `${r.name} revision ${r.version}`
    const evidence = {
      status: r.status,
      revision: r.version,
      chart: `${r.chart.name}-${r.chart.version}`,
      description: r.description,
      lastDeployed: r.lastDeployed ?? null,
    }
    if (r.status === 'deployed') return [pass(subject, `deployed (chart ${r.chart.name}-${r.chart.version})`, evidence)]
    if (r.status.startsWith('pending-'))
      return [fail(subject, `stuck ${r.status} since ${r.lastDeployed ?? 'unknown'}: Helm refuses further upgrades until it is rolled back`, evidence)]
    return [fail(subject, `${r.status}: ${r.description || 'no description'}`, evidence)]
  },
})
