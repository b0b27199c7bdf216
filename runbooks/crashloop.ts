import {defineRunbook} from '../src/core/runbook.js'

export default defineRunbook({
  id: 'crashloop',
  title: 'A container crash-loops, is OOM-killed or keeps restarting',
  symptoms: 'CrashLoopBackOff, restart counts climbing, OOMKilled in the last state; collectors dropping data, ClickHouse replaying tables on each start.',
  scenarios: [17, 18, 23],
  checks: ['kube/crashloops'],
  steps: [
    {
      title: 'Read the previous run',
      safety: 'read',
      explain: 'The crash reason is in the log of the run that died.',
      commands: ['kubectl -n {namespace} logs <pod> -c <container> --previous --tail=100', 'kubectl -n {namespace} describe pod <pod>'],
    },
    {
      title: 'Fix the cause',
      safety: 'safe',
      explain:
        'OOMKilled: raise the memory limit (or lower max_server_memory_usage); a liveness kill while tables load: lengthen the probe; a config error: correct the values and upgrade.',
    },
    {title: 'Verify', safety: 'read', explain: 'No restarts for a few minutes.', commands: ['signoz-ha doctor --only kube/crashloops']},
  ],
})
