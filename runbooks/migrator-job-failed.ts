import {defineRunbook} from '../src/core/runbook.js'
import {rerunMigratorRemedy} from '../src/remediation/remedies.js'

export default defineRunbook({
  id: 'migrator-job-failed',
  title: 'The schema-migration Job failed',
  symptoms:
    'helm upgrade fails with "pre-upgrade hooks failed: job … failed: BackoffLimitExceeded" or times out waiting for the hook; the migrator pod shows Init:CrashLoopBackOff or Init:Error; the release is failed; schema_migrations_v2 shows a failed or missing migration.',
  scenarios: [2, 1, 9, 14],
  checks: ['kube/migrator-job', 'signoz/migrations', 'helm/release-status'],
  steps: [
    {
      title: "Read the migrator's last words",
      safety: 'read',
      explain:
        "Since chart 0.113 the steps are init containers (ready, bootstrap, sync) before async; a failing step restarts in place (Init:CrashLoopBackOff) until the Job's back-off limit, then the pod and its log are deleted: read it while it is there. A deadline exceeded, an unknown setting or function (ClickHouse too old), a missing cluster name, Keeper's code 999: each has its own fix.",
      commands: [
        'kubectl -n {namespace} get pods -l job-name={migratorJob}',
        'kubectl -n {namespace} logs {migratorPod} -c {failingContainer} --previous',
        'kubectl -n {namespace} logs job/{migratorJob} --all-containers --prefix --tail=50',
        'kubectl -n {namespace} describe job {migratorJob}',
      ],
    },
    {
      title: 'Fix the cause in the values',
      safety: 'safe',
      explain:
        'A timeout too short for ON CLUSTER DDL: raise telemetryStoreMigrator.timeout; a wrong cluster: clickhouse.cluster; replication off on a replicated layout: telemetryStoreMigrator.enableReplication=true.',
    },
    {
      title: 'Run the upgrade again',
      safety: 'disruptive',
      explain:
        'The hook Job is recreated (before-hook-creation) and the release returns to deployed. run raises a timeout the log shows was too short to 10m; other causes are fixed in the values first.',
      commands: ['helm -n {namespace} upgrade {release} signoz/signoz --reuse-values'],
      remedy: rerunMigratorRemedy,
    },
    {
      title: 'Verify',
      safety: 'read',
      explain: 'The Job completed, every migration finished, the release deployed.',
      commands: ['signoz-ha doctor --only kube/migrator-job --only signoz/migrations --only helm'],
    },
  ],
})
