import type {KubeObject, ObjectStore} from '../store.js'
import {recordEvent} from './events.js'
import {bytesOf, mustKind, setStatus, timestamp} from './objects.js'

type Claim = KubeObject & {spec: {storageClassName?: string; volumeName?: string; accessModes?: string[]; resources?: {requests?: {storage?: string}}}}

/**
 * The external provisioner and the PV binder in one: a Pending claim whose StorageClass exists
 * gets a new PersistentVolume and is Bound; a claim naming a missing class stays Pending with
 * the ProvisioningFailed event the real controller writes.
 */
export function reconcileVolumes(store: ObjectStore): void {
  const pvcKind = mustKind(store, 'PersistentVolumeClaim')
  const pvKind = mustKind(store, 'PersistentVolume')
  const classKind = mustKind(store, 'StorageClass')
  const classes = store.scan(classKind)
  const defaultClass = classes.find((c) => c.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true')
  for (const obj of store.scan(pvcKind)) {
    const claim = obj as Claim
    if (claim.metadata.deletionTimestamp) continue
    if ((claim.status as {phase?: string} | undefined)?.phase === 'Bound') {
      expandBound(store, claim)
      continue
    }
    const className = claim.spec.storageClassName ?? defaultClass?.metadata.name
    const storageClass = className ? classes.find((c) => c.metadata.name === className) : undefined
    if (!storageClass) {
      const message = className
        ? `storageclass.storage.k8s.io "${className}" not found`
        : 'no persistent volumes available for this claim and no storage class is set'
      setStatus(store, pvcKind, claim, {phase: 'Pending'})
      recordEvent(store, claim, 'Warning', className ? 'ProvisioningFailed' : 'FailedBinding', message, 'persistentvolume-controller', true)
      continue
    }
    const size = claim.spec.resources?.requests?.storage ?? '1Gi'
    const pvName = `pvc-${claim.metadata.uid}`
    if (!store.tryGet(pvKind, undefined, pvName)) {
      store.create(pvKind, undefined, {
        metadata: {name: pvName, annotations: {'pv.kubernetes.io/provisioned-by': String(storageClass.provisioner ?? 'lab.signoz-ha.io/hostpath')}},
        spec: {
          capacity: {storage: size},
          accessModes: claim.spec.accessModes ?? ['ReadWriteOnce'],
          persistentVolumeReclaimPolicy: String(storageClass.reclaimPolicy ?? 'Delete'),
          storageClassName: storageClass.metadata.name,
          claimRef: {kind: 'PersistentVolumeClaim', namespace: claim.metadata.namespace, name: claim.metadata.name, uid: claim.metadata.uid},
          hostPath: {path: `/var/lib/lab-volumes/${pvName}`},
        },
        status: {phase: 'Bound'},
      })
    }
    const bound = store.replace(pvcKind, claim.metadata.namespace, claim.metadata.name!, {
      ...claim,
      metadata: {...claim.metadata, annotations: {...claim.metadata.annotations, 'pv.kubernetes.io/bind-completed': 'yes'}},
      spec: {...claim.spec, storageClassName: storageClass.metadata.name, volumeName: pvName},
    } as Claim)
    setStatus(store, pvcKind, bound, {phase: 'Bound', accessModes: claim.spec.accessModes ?? ['ReadWriteOnce'], capacity: {storage: size}})
    recordEvent(store, claim, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pvName}`, 'persistentvolume-controller', true)
  }
}

type ClaimStatus = {phase?: string; capacity?: {storage?: string}; conditions?: {type: string}[]}

/**
 * The resizer for a bound claim asked to grow: the volume is expanded, the file system waits for
 * its pod to restart (FileSystemResizePending), as with drivers that cannot resize online.
 */
function expandBound(store: ObjectStore, claim: Claim): void {
  const status = (claim.status ?? {}) as ClaimStatus
  const wanted = claim.spec.resources?.requests?.storage
  const pvcKind = mustKind(store, 'PersistentVolumeClaim')
  const pending = status.conditions?.some((c) => c.type === 'FileSystemResizePending')
  // A request back at the capacity: the lab's undo (a real API server refuses to shrink a claim).
  if (pending && wanted && bytesOf(wanted) <= bytesOf(status.capacity?.storage)) setStatus(store, pvcKind, claim, {...status, conditions: []})
  if (!wanted || bytesOf(wanted) <= bytesOf(status.capacity?.storage) || pending) return
  setStatus(store, pvcKind, claim, {
    ...status,
    conditions: [
      {
        type: 'FileSystemResizePending',
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: timestamp(),
        message: 'Waiting for user to (re-)start a pod to finish file system resize of volume on node.',
      },
    ],
  })
  recordEvent(store, claim, 'Normal', 'FileSystemResizeRequired', 'Require file system resize of volume on node', 'external-resizer', true)
}
