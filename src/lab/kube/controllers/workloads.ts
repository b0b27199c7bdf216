import {randomBytes} from 'node:crypto'
import type {KubeObject, ObjectStore} from '../store.js'
import {recordEvent} from './events.js'
import {ensure, mustKind, ownedBy, ownerRef, podReady, podTerminal, setStatus, shortHash, type Pod, type PodTemplate} from './objects.js'

type Workload = KubeObject & {
  spec: {
    replicas?: number
    selector?: {matchLabels?: Record<string, string>}
    template: PodTemplate
    serviceName?: string
    volumeClaimTemplates?: KubeObject[]
  }
}

const suffix = () =>
  randomBytes(4)
    .toString('hex')
    .slice(0, 5)
    .replace(/[0-9]/g, (d) => 'bcdfghjklm'[Number(d)]!)

/** A pod of a controller: the template's labels and spec, owned by the controller. */
export function newPod(owner: KubeObject, name: string, template: PodTemplate, labels: Record<string, string>): KubeObject {
  return {
    metadata: {
      name,
      namespace: owner.metadata.namespace,
      labels: {...template.metadata?.labels, ...labels},
      annotations: {...template.metadata?.annotations},
      ownerReferences: [ownerRef(owner)],
    },
    spec: structuredClone(template.spec),
    status: {phase: 'Pending'},
  }
}

/** Deployment → one ReplicaSet per pod template (named by its hash); rollouts scale the old ones to zero. */
export function reconcileDeployments(store: ObjectStore): void {
  const deployKind = mustKind(store, 'Deployment')
  const rsKind = mustKind(store, 'ReplicaSet')
  for (const obj of store.scan(deployKind)) {
    const deploy = obj as Workload
    if (deploy.metadata.deletionTimestamp) continue
    const hash = shortHash(deploy.spec.template)
    const name = `${deploy.metadata.name}-${hash}`
    const replicas = deploy.spec.replicas ?? 1
    const owned = store.scan(rsKind, deploy.metadata.namespace).filter((rs) => ownedBy(rs, deploy))
    // RollingUpdate with maxUnavailable 0 (one replica rounds 25% down): old pods stay until the new ones are ready.
    const newReady = Number((owned.find((rs) => rs.metadata.name === name)?.status as {readyReplicas?: number} | undefined)?.readyReplicas ?? 0)
    for (const rs of owned) {
      if (rs.metadata.name !== name && ((rs.spec as Workload['spec']).replicas ?? 0) > 0 && newReady >= replicas) {
        ensure(store, rsKind, {...rs, spec: {...(rs.spec as object), replicas: 0}} as KubeObject)
        recordEvent(
          store,
          deploy,
          'Normal',
          'ScalingReplicaSet',
          `Scaled down replica set ${rs.metadata.name} to 0 from ${(rs.spec as Workload['spec']).replicas}`,
          'deployment-controller',
        )
      }
    }
    const existing = owned.find((rs) => rs.metadata.name === name)
    if (!existing || (existing.spec as Workload['spec']).replicas !== replicas) {
      const labels = {...deploy.spec.template.metadata?.labels, 'pod-template-hash': hash}
      ensure(store, rsKind, {
        metadata: {
          name,
          namespace: deploy.metadata.namespace,
          labels,
          ownerReferences: [ownerRef(deploy)],
          annotations: {'deployment.kubernetes.io/revision': String(owned.length + (existing ? 0 : 1))},
        },
        spec: {
          replicas,
          selector: {matchLabels: {...deploy.spec.selector?.matchLabels, 'pod-template-hash': hash}},
          template: {...deploy.spec.template, metadata: {...deploy.spec.template.metadata, labels}},
        },
      })
      recordEvent(store, deploy, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${name} to ${replicas}`, 'deployment-controller')
    }
    const current = store.tryGet(rsKind, deploy.metadata.namespace, name)
    const cs = (current?.status ?? {}) as {replicas?: number; readyReplicas?: number; availableReplicas?: number}
    const oldReplicas = owned
      .filter((rs) => rs.metadata.name !== name)
      .reduce((n, rs) => n + Number((rs.status as {replicas?: number} | undefined)?.replicas ?? 0), 0)
    const ready = cs.readyReplicas ?? 0
    const progressing = ready < replicas || oldReplicas > 0
    setStatus(store, deployKind, deploy, {
      observedGeneration: deploy.metadata.generation,
      replicas: (cs.replicas ?? 0) + oldReplicas,
      updatedReplicas: cs.replicas ?? 0,
      readyReplicas: ready,
      availableReplicas: ready,
      ...(replicas - ready > 0 ? {unavailableReplicas: replicas - ready} : {}),
      conditions: [
        {
          type: 'Available',
          status: ready >= replicas ? 'True' : 'False',
          reason: ready >= replicas ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
          message: ready >= replicas ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.',
        },
        {
          type: 'Progressing',
          status: 'True',
          reason: progressing ? 'ReplicaSetUpdated' : 'NewReplicaSetAvailable',
          message: progressing ? `ReplicaSet "${name}" is progressing.` : `ReplicaSet "${name}" has successfully progressed.`,
        },
      ],
    })
  }
}

/** ReplicaSet → pods named <rs>-<random>; surplus pods go newest first. */
export function reconcileReplicaSets(store: ObjectStore): void {
  const rsKind = mustKind(store, 'ReplicaSet')
  const podKind = mustKind(store, 'Pod')
  for (const obj of store.scan(rsKind)) {
    const rs = obj as Workload
    const pods = store.scan(podKind, rs.metadata.namespace).filter((p) => ownedBy(p, rs) && !p.metadata.deletionTimestamp && !podTerminal(p as Pod)) as Pod[]
    const want = rs.spec.replicas ?? 1
    for (let i = pods.length; i < want; i++) {
      const pod = store.create(podKind, rs.metadata.namespace, newPod(rs, `${rs.metadata.name}-${suffix()}`, rs.spec.template, {}))
      recordEvent(store, rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, 'replicaset-controller')
    }
    for (const pod of pods.slice(want).reverse()) store.delete(podKind, pod.metadata.namespace, pod.metadata.name!)
    const live = store.scan(podKind, rs.metadata.namespace).filter((p) => ownedBy(p, rs) && !podTerminal(p as Pod)) as Pod[]
    setStatus(store, rsKind, rs, {
      observedGeneration: rs.metadata.generation,
      replicas: live.length,
      readyReplicas: live.filter(podReady).length,
      availableReplicas: live.filter(podReady).length,
    })
  }
}

/**
 * StatefulSet → pods <sts>-<ordinal> with one PVC per volumeClaimTemplate (<template>-<pod>,
 * not owned, so it outlives the pod and the set, like the real controller's default). A changed
 * template replaces outdated pods, highest ordinal first, one at a time once the rest are ready.
 */
export function reconcileStatefulSets(store: ObjectStore): void {
  const stsKind = mustKind(store, 'StatefulSet')
  const podKind = mustKind(store, 'Pod')
  const pvcKind = mustKind(store, 'PersistentVolumeClaim')
  for (const obj of store.scan(stsKind)) {
    const sts = obj as Workload
    if (sts.metadata.deletionTimestamp) continue
    const ns = sts.metadata.namespace!
    const revision = `${sts.metadata.name}-${shortHash(sts.spec.template)}`
    const want = sts.spec.replicas ?? 1
    const pods = new Map((store.scan(podKind, ns).filter((p) => ownedBy(p, sts)) as Pod[]).map((p) => [p.metadata.name!, p]))
    for (let i = 0; i < want; i++) {
      const name = `${sts.metadata.name}-${i}`
      const volumes = [...(sts.spec.template.spec.volumes ?? [])]
      for (const claim of sts.spec.volumeClaimTemplates ?? []) {
        const claimName = `${claim.metadata.name}-${name}`
        if (!store.tryGet(pvcKind, ns, claimName)) {
          store.create(pvcKind, ns, {
            metadata: {name: claimName, namespace: ns, labels: {...claim.metadata.labels, ...sts.spec.selector?.matchLabels}},
            spec: structuredClone(claim.spec),
            status: {phase: 'Pending'},
          })
        }
        if (!volumes.some((v) => v.name === claim.metadata.name)) volumes.push({name: claim.metadata.name!, persistentVolumeClaim: {claimName}})
      }
      if (!pods.has(name)) {
        const template = {...sts.spec.template, spec: {...sts.spec.template.spec, volumes}}
        store.create(
          podKind,
          ns,
          newPod(sts, name, template, {
            'controller-revision-hash': revision,
            'statefulset.kubernetes.io/pod-name': name,
            'apps.kubernetes.io/pod-index': String(i),
          }),
        )
        recordEvent(store, sts, 'Normal', 'SuccessfulCreate', `create Pod ${name} in StatefulSet ${sts.metadata.name} successful`, 'statefulset-controller')
      }
    }
    for (const name of pods.keys()) {
      const ordinal = Number(name.slice(sts.metadata.name!.length + 1))
      if (ordinal >= want) store.delete(podKind, ns, name)
    }
    const live = (store.scan(podKind, ns).filter((p) => ownedBy(p, sts)) as Pod[]).filter(
      (p) => Number(p.metadata.name!.slice(sts.metadata.name!.length + 1)) < want,
    )
    const outdated = live
      .filter((p) => p.metadata.labels?.['controller-revision-hash'] !== revision)
      .sort((a, b) => b.metadata.name!.localeCompare(a.metadata.name!))
    // RollingUpdate: the highest outdated ordinal goes once every other pod is ready.
    if (outdated.length && live.filter((p) => p !== outdated[0]).every(podReady) && !outdated[0]!.metadata.deletionTimestamp) {
      store.delete(podKind, ns, outdated[0]!.metadata.name!)
    }
    const ready = live.filter(podReady).length
    const updated = live.filter((p) => p.metadata.labels?.['controller-revision-hash'] === revision).length
    setStatus(store, stsKind, sts, {
      observedGeneration: sts.metadata.generation,
      replicas: live.length,
      readyReplicas: ready,
      availableReplicas: ready,
      currentReplicas: updated,
      updatedReplicas: updated,
      currentRevision: outdated.length ? outdated[0]!.metadata.labels?.['controller-revision-hash'] : revision,
      updateRevision: revision,
      collisionCount: 0,
    })
  }
}
