import {defineRunbook} from '../src/core/runbook.js'

export default defineRunbook({
  id: 'pvc-pending',
  title: 'A volume claim stays Pending',
  symptoms:
    'PVC Pending with ProvisioningFailed ("storageclass … not found", no capacity in the zone); its ClickHouse or ZooKeeper pod Pending with "unbound immediate PersistentVolumeClaims".',
  scenarios: [11, 30],
  checks: ['kube/pvc', 'kube/pods-pending'],
  steps: [
    {
      title: "Read the provisioner's reason",
      safety: 'read',
      explain: "The claim's events say why it is not bound.",
      commands: ['kubectl -n {namespace} describe pvc <claim>', 'kubectl get storageclass'],
    },
    {
      title: 'Provide the storage',
      safety: 'safe',
      explain:
        'Create the missing StorageClass or fix clickhouse.persistence.storageClass in the values; in a zone without capacity, add capacity there (a claim is bound to its zone).',
    },
    {
      title: 'Verify',
      safety: 'read',
      explain: 'The claim is Bound and the pod starts.',
      commands: ['signoz-ha doctor --only kube/pvc --only kube/pods-pending'],
    },
  ],
})
