import {defineRunbook} from '../src/core/runbook.js'

export default defineRunbook({
  id: 'ddl-queue-stuck',
  title: 'ON CLUSTER tasks do not finish on some host',
  symptoms:
    'Migrations fail with "Watching task … is executing longer than distributed_ddl_task_timeout" (code 159); the task is finished on some hosts only; later ON CLUSTER DDL queues behind it.',
  scenarios: [1, 26],
  checks: ['clickhouse/ddl-queue', 'clickhouse/reachable', 'keeper/reachable'],
  steps: [
    {
      title: 'Find the task and the hosts that did not run it',
      safety: 'read',
      explain: 'A host down or hung, a host that cannot resolve its peers, or a failing task ahead in the queue.',
      commands: ["SELECT entry, host, status, exception_text FROM system.distributed_ddl_queue WHERE status != 'Finished'"],
    },
    {
      title: 'Bring the host back',
      safety: 'safe',
      explain: 'A restarted host works through the queue from where it stopped; SYSTEM DROP DNS CACHE if peers moved.',
      commands: ['SYSTEM DROP DNS CACHE'],
    },
    {title: 'Verify', safety: 'read', explain: 'No unfinished task older than the threshold.', commands: ['signoz-ha doctor --only clickhouse/ddl-queue']},
  ],
})
