import {defineRemedy, defineRunbook} from '../src/core/runbook.js'
import {releaseHistory, rollbackRelease} from '../src/remediation/actions/helm.js'
import {failingFindings} from '../src/remediation/context.js'

export default defineRunbook({
  id: 'helm-release-stuck',
  title: 'The Helm release is stuck pending or failed',
  symptoms: 'helm upgrade says "another operation (install/upgrade/rollback) is in progress", or the release shows failed after a hook or a timeout.',
  scenarios: [13, 2],
  checks: ['helm/release-status'],
  steps: [
    {
      title: 'See the history',
      safety: 'read',
      explain: 'Which revision is pending or failed, and the last deployed one.',
      commands: ['helm -n {namespace} history {release}'],
    },
    {
      title: 'Roll back to the last deployed revision',
      safety: 'disruptive',
      explain: 'A pending-upgrade left by a killed helm process is cleared by a rollback; a failed one too. Check what the failed revision changed first.',
      commands: ['helm -n {namespace} rollback {release} <last deployed revision> --wait'],
      remedy: defineRemedy<{release: string; revision: number}>({
        async target(ctx, diagnosis) {
          if (!ctx.release || failingFindings(diagnosis, 'helm/release-status').length === 0) return undefined
          const history = await releaseHistory(ctx, ctx.release)
          if (history.at(-1)?.status === 'deployed') return undefined
          // The revision serving now: Helm leaves it deployed while a newer one is pending or failed.
          const good = [...history].reverse().find((r) => r.status === 'deployed') ?? [...history].reverse().find((r) => r.status === 'superseded')
          return good ? {release: ctx.release, revision: good.revision} : undefined
        },
        actions: (t) => [rollbackRelease(t)],
      }),
    },
    {title: 'Verify', safety: 'read', explain: 'The release is deployed and the workloads healthy.', commands: ['signoz-ha doctor --only helm --only kube']},
  ],
})
