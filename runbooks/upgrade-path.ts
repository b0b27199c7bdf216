import {defineRunbook} from '../src/core/runbook.js'

export default defineRunbook({
  id: 'upgrade-path',
  title: 'An upgrade skipped a required SigNoz version',
  symptoms: 'After an upgrade, older logs, traces or metrics are not shown, or the data-migration jobs of the new version fail.',
  scenarios: [34],
  checks: ['helm/upgrade-path'],
  steps: [
    {
      title: 'See the versions of the release',
      safety: 'read',
      explain: 'Which app version the release came from and which required stops it jumped over.',
      commands: ['helm -n {namespace} history {release}', 'signoz-ha doctor --only helm/upgrade-path -o json'],
    },
    {
      title: 'Run the one-off steps of each skipped stop',
      safety: 'safe',
      explain:
        'Each required release documents its migration (signoz.io/docs/operate/migration/upgrade-*); some keep reading old tables during the transition (for example --use-logs-new-schema=false).',
    },
    {
      title: 'Or go back and upgrade through the stops',
      safety: 'disruptive',
      explain: 'Roll back to the previous revision, then upgrade to each required version in turn, waiting for background migrations to finish each time.',
      commands: [
        'helm -n {namespace} rollback {release} <previous revision>',
        'helm -n {namespace} upgrade {release} signoz/signoz --version <chart of the stop>',
      ],
    },
    {
      title: 'Verify',
      safety: 'read',
      explain: 'Old and new data are visible; the migrator finished.',
      commands: ['signoz-ha doctor --only signoz --only helm'],
    },
  ],
})
