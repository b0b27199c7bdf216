import {defineRunbook} from '../src/core/runbook.js'

export default defineRunbook({
  id: 'stuck-terminating',
  title: 'Objects stuck terminating on finalizers',
  symptoms: 'helm uninstall or a namespace deletion hangs; a CHI, claim or pod shows Terminating for a long time.',
  scenarios: [32],
  checks: ['kube/terminating', 'kube/operator'],
  steps: [
    {
      title: 'See what holds it',
      safety: 'read',
      explain: 'The finalizer names the controller that has to finish first (the operator for a CHI, pvc-protection for a mounted claim).',
      commands: [
        'kubectl -n {namespace} get chi,pvc,pods -o custom-columns=NAME:.metadata.name,DELETING:.metadata.deletionTimestamp,FINALIZERS:.metadata.finalizers',
      ],
    },
    {title: 'Let the owner finish', safety: 'safe', explain: 'Bring the operator back for a CHI; delete the pod that mounts a claim.'},
    {
      title: 'Remove the finalizer as a last resort',
      safety: 'destructive',
      explain: 'Only when its controller is gone for good: what it would have cleaned up stays behind.',
      commands: ['kubectl -n {namespace} patch chi <name> --type=merge -p \'{"metadata":{"finalizers":[]}}\''],
    },
  ],
})
