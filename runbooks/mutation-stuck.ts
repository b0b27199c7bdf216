import {defineRunbook} from '../src/core/runbook.js'

export default defineRunbook({
  id: 'mutation-stuck',
  title: 'A mutation is stuck',
  symptoms: 'ALTER … UPDATE/DELETE or a column change never finishes; later ALTERs and SigNoz migrations wait behind it or fail (CANNOT_ASSIGN_ALTER).',
  scenarios: [21, 25],
  checks: ['clickhouse/mutations-stuck', 'signoz/migrations'],
  steps: [
    {
      title: 'See the mutation and why it fails',
      safety: 'read',
      explain: 'latest_fail_reason names the part and the error (19.x+).',
      commands: ['SELECT database, table, mutation_id, command, create_time, parts_to_do, latest_fail_reason FROM system.mutations WHERE is_done = 0'],
    },
    {
      title: 'Kill the mutation',
      safety: 'disruptive',
      explain: 'Parts already mutated stay mutated; the rest keep their old data. Re-run a corrected statement afterwards if it is still needed.',
      commands: ["KILL MUTATION WHERE database = '<db>' AND table = '<table>' AND mutation_id = '<id>'"],
    },
    {
      title: 'Verify',
      safety: 'read',
      explain: 'No mutation stuck; migrations proceed.',
      commands: ['signoz-ha doctor --only clickhouse/mutations-stuck --only signoz/migrations'],
    },
  ],
})
