import {IncompleteError} from '../src/core/errors.js'
import {defineRemedy, defineRunbook} from '../src/core/runbook.js'
import type {RemedyContext} from '../src/remediation/context.js'
import {DUPLICATE_VERIFY_CHECKS, assessOnce, removalActions, restoreActions, type DuplicateParams} from '../src/remediation/duplicate-clickhouse.js'

/** Both automated steps act on the same evidence-based decision. */
async function decided(ctx: RemedyContext): Promise<DuplicateParams | undefined> {
  const assessment = await assessOnce(ctx)
  if (assessment && !assessment.ok) throw new IncompleteError(assessment.reason)
  return assessment?.params
}

export default defineRunbook({
  id: 'duplicate-clickhouse',
  title: 'Two ClickHouse installations after an upgrade or rename',
  symptoms:
    'After a Helm upgrade a second ClickHouseInstallation appears; its pods stay Pending ("didn\'t match pod anti-affinity rules"); collectors point at its empty Service and ingestion stops; every later upgrade needs manual patching.',
  scenarios: [12, 11],
  checks: ['kube/duplicate-clickhouse', 'kube/collector-clickhouse-target', 'kube/pods-pending', 'signoz/ingestion-fresh'],
  // The same verification as fix duplicate-clickhouse: one remedy, one definition of done.
  verifyChecks: DUPLICATE_VERIFY_CHECKS,
  steps: [
    {
      title: 'See both installations and which one holds the data',
      safety: 'read',
      explain: 'The serving one has the ready hosts and the parts; the new one is empty and Pending.',
      commands: ['kubectl -n {namespace} get chi', 'kubectl -n {namespace} get pods -l clickhouse.altinity.com/app=chop -o wide'],
    },
    {
      title: 'Point collectors and SigNoz back at the serving Service, and pin its name',
      safety: 'safe',
      explain:
        'Restores ingestion first (the installation holding the data is chosen from evidence: rows, ready hosts, claims, users, the release); then the name is pinned in the release values so the next upgrade cannot recreate the duplicate.',
      commands: ['helm -n {namespace} upgrade {release} signoz/signoz --reuse-values --set clickhouse.fullnameOverride=<serving installation>'],
      remedy: defineRemedy<DuplicateParams>({target: decided, actions: restoreActions}),
    },
    {
      title: 'Remove the empty duplicate, keep its claims',
      safety: 'disruptive',
      explain:
        'Delete only the installation with no data and no ready hosts, once nothing points at it; never its PVCs unless asked (signoz-ha fix duplicate-clickhouse --delete-claims).',
      commands: ['kubectl -n {namespace} delete chi <empty duplicate>'],
      remedy: defineRemedy<DuplicateParams>({target: decided, actions: removalActions}),
    },
    {
      title: 'Verify',
      safety: 'read',
      explain: 'One installation, collectors on its Service, fresh rows on every shard.',
      commands: ['signoz-ha doctor --only kube --only signoz/ingestion-fresh'],
    },
  ],
})
