import {defineRunbook} from '../src/core/runbook.js'

export default defineRunbook({
  id: 'helm-release-stuck',
  title: 'The Helm release is stuck pending or failed',
  symptoms: 'helm upgrade says "another operation (install/upgrade/rollback) is in progress", or the release shows failed after a hook or a timeout.',
  scenarios: [8],
  checks: ['helm/release-status'],
  steps: [
    {title: 'See the history', safety: 'read', explain: 'Which revision is pending or failed, and the last deployed one.', commands: ['helm -n {namespace} history {release}']},
    {title: 'Roll back to the last deployed revision', safety: 'disruptive', explain: 'A pending-upgrade left by a killed helm process is cleared by a rollback; a failed one too. Check what the failed revision changed first.', commands: ['helm -n {namespace} rollback {release} <last deployed revision> --wait']},
    {title: 'Verify', safety: 'read', explain: 'The release is deployed and the workloads healthy.', commands: ['signoz-ha doctor --only helm --only kube']},
  ],
})
