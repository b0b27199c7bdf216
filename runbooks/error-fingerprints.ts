import {defineRunbook} from '../src/core/runbook.js'

export default defineRunbook({
  id: 'error-fingerprints',
  title: 'A server error points at a known failure',
  symptoms:
    'Clients saw errors such as TABLE_IS_READ_ONLY, TOO_MANY_PARTS, NOT_ENOUGH_SPACE, KEEPER_EXCEPTION or CLUSTER_DOESNT_EXIST; each finding names its catalogue scenario and runbook.',
  scenarios: [1, 3, 4, 5, 7, 17, 19, 20, 25, 29],
  checks: ['clickhouse/errors'],
  steps: [
    {
      title: 'Read the error on the host',
      safety: 'read',
      explain: 'The last message usually names the table, the part or the peer.',
      commands: ['SELECT name, code, value, last_error_time, last_error_message FROM system.errors ORDER BY last_error_time DESC LIMIT 20'],
    },
    {title: "Follow the finding's runbook", safety: 'read', explain: 'Each fingerprint maps to the procedure for its scenario (the evidence has the command).'},
    {title: 'Verify', safety: 'read', explain: 'No fingerprint error in the last 15 minutes.', commands: ['signoz-ha doctor --only clickhouse/errors']},
  ],
})
