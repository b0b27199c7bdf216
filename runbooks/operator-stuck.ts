import {defineRunbook} from '../src/core/runbook.js'

export default defineRunbook({
  id: 'operator-stuck',
  title: 'The ClickHouse operator is down or its reconcile is stuck',
  symptoms:
    'The CHI stays InProgress or Aborted; a deleted ClickHouse pod is not recreated as it should be; layout or config changes in the values do nothing.',
  scenarios: [27, 37],
  checks: ['kube/operator', 'kube/pods-pending'],
  steps: [
    {
      title: 'See the operator and its last errors',
      safety: 'read',
      explain: 'A crash-looping operator, a missing RBAC permission or a CRD it does not know stops every reconcile.',
      commands: [
        'kubectl -n {namespace} get deploy -l app.kubernetes.io/component=operator',
        'kubectl -n {namespace} logs deploy/{release}-clickhouse-operator -c operator --tail=100',
      ],
    },
    {
      title: 'Bring the operator back',
      safety: 'safe',
      explain: 'Scale it back or fix what makes it crash; it resumes the reconcile where it stopped.',
      commands: ['kubectl -n {namespace} scale deploy/{release}-clickhouse-operator --replicas=1'],
    },
    {
      title: 'Verify',
      safety: 'read',
      explain: 'Operator ready, installation Completed.',
      commands: ['signoz-ha doctor --only kube/operator --only kube/pods-pending'],
    },
  ],
})
