import type {KubeObject, ObjectStore} from '../store.js'
import {mustKind, shortHash, timestamp} from './objects.js'

/**
 * Records an Event about an object, as the component that observed it. Callers record on a
 * transition (a new reason or message), so reconcile passes never loop on their own events.
 */
export function recordEvent(
  store: ObjectStore,
  about: KubeObject,
  type: 'Normal' | 'Warning',
  reason: string,
  message: string,
  component: string,
  once = false,
): void {
  const kind = mustKind(store, 'Event')
  const namespace = about.metadata.namespace ?? 'default'
  const name = `${about.metadata.name}.${shortHash([about.metadata.uid, reason, message])}`
  const live = store.tryGet(kind, namespace, name)
  const now = timestamp()
  if (live) {
    if (once) return
    store.replace(kind, namespace, name, {...live, count: Number(live.count ?? 1) + 1, lastTimestamp: now})
    return
  }
  store.create(kind, namespace, {
    metadata: {name, namespace},
    involvedObject: {apiVersion: about.apiVersion, kind: about.kind, name: about.metadata.name, namespace: about.metadata.namespace, uid: about.metadata.uid},
    type,
    reason,
    message,
    source: {component},
    reportingComponent: component,
    count: 1,
    firstTimestamp: now,
    lastTimestamp: now,
  })
}
