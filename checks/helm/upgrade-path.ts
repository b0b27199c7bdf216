import {SkipCheck, defineCheck, fail, pass} from '../../src/core/check.js'
import {revisionsNewestFirst, type HelmReleaseRecord} from '../../src/signoz/helm-release.js'
import {REQUIRED_STOPS, skippedStops} from '../../src/signoz/versions.js'

/** Statuses of a revision that really ran (a failed or pending one never became the release). */
const RAN = new Set(['deployed', 'superseded'])

/**
 * The last upgrade of the release went through every required SigNoz version.
 * Why: some releases carry one-off data migrations (logs schema at v0.55, single binary at v0.76,
 * dot-metrics at v0.88); jumping over one leaves old data invisible or data jobs failing
 * (catalogue #34).
 * Fails if: between the previous deployed revision's app version and the current one lies a
 * required upgrade stop.
 */
export default defineCheck({
  id: 'helm/upgrade-path',
  title: 'The last upgrade passed through every required SigNoz version',
  severity: 'warning',
  requires: ['helm'],
  runbook: 'upgrade-path',
  scenarios: [34],
  async run({kube}) {
    const d = kube!.deployment
    if (!d.release) throw new SkipCheck(`no SigNoz Helm release in ${d.namespace}`)
    // Newest first, decoded one by one until an earlier app version turns up.
    let current: HelmReleaseRecord | undefined
    let previous: HelmReleaseRecord | undefined
    let seen = 0
    for (const r of revisionsNewestFirst(d.snapshot.items.secrets ?? [], d.release.name, d.release.namespace)) {
      if (!RAN.has(r.status)) continue
      seen++
      if (!current) current = r
      else if (r.chart.appVersion && r.chart.appVersion !== current.chart.appVersion) {
        previous = r
        break
      }
    }
    if (!current?.chart.appVersion) throw new SkipCheck(`release ${d.release.name} has no deployed revision with an appVersion`)
    const subject = `${d.release.name} revision ${current.version}`
    if (!previous)
      return [pass(subject, `${current.chart.appVersion}; no earlier app version in the ${seen} stored revision(s)`, {appVersion: current.chart.appVersion})]
    const from = previous.chart.appVersion!
    const to = current.chart.appVersion
    const skipped = skippedStops(from, to)
    if (skipped.length === 0) return [pass(subject, `${from} (revision ${previous.version}) → ${to}: no required stop in between`, {from, to})]
    return [
      fail(subject, `upgraded ${from} (revision ${previous.version}) → ${to} past required stop${skipped.length === 1 ? '' : 's'} ${skipped.join(', ')}`, {
        from,
        to,
        skipped,
        requiredStops: [...REQUIRED_STOPS],
        fix: `follow signoz.io/docs/operate/migration/upgrade-${skipped[0]!.replace(/^v/, '').replace(/\.0$/, '').replace('.', '-')} for the one-off steps the skipped release runs`,
      }),
    ]
  },
})
