import {randomUUID} from 'node:crypto'
import {EventEmitter} from 'node:events'
import {existsSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import {BUILTIN_KINDS, apiVersionOf, crdServedStatus, kindsOfCrd, type CrdObject, type ResourceKind} from './resources.js'
import {alreadyExists, conflict, invalid, notFound} from './status.js'

export type KubeObject = {
  apiVersion?: string
  kind?: string
  metadata: {
    name?: string
    generateName?: string
    namespace?: string
    uid?: string
    resourceVersion?: string
    generation?: number
    creationTimestamp?: string
    deletionTimestamp?: string
    labels?: Record<string, string>
    annotations?: Record<string, string>
    ownerReferences?: {apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean}[]
    finalizers?: string[]
    [key: string]: unknown
  }
  spec?: unknown
  status?: unknown
  [key: string]: unknown
}

export type WatchEvent = {type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject; kind: ResourceKind}

const DNS_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/

/** The finalizer the API server puts on every CRD: its instances go before it does. */
const CRD_CLEANUP = 'customresourcecleanup.apiextensions.k8s.io'
const isCrd = (obj: KubeObject) => obj.kind === 'CustomResourceDefinition'
const stamp = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z')

/**
 * The simulator's object store: every object of every kind, one resourceVersion counter for
 * all, watch events, cascading deletion through ownerReferences, and persistence to one JSON
 * file so a restarted simulator keeps its world.
 */
export class ObjectStore {
  private readonly objects = new Map<string, KubeObject>()
  private readonly kinds = new Map<string, ResourceKind>()
  /** CRD name → the keys of the kinds it serves. */
  private readonly crdKinds = new Map<string, string[]>()
  readonly events = new EventEmitter()
  private revision = 1
  private saveTimer?: NodeJS.Timeout

  constructor(private readonly file?: string) {
    this.events.setMaxListeners(0)
    for (const k of BUILTIN_KINDS) this.addKind(k)
    if (file && existsSync(file)) this.load(file)
  }

  /** Served kinds, CRD-defined ones included. */
  allKinds(): ResourceKind[] {
    return [...this.kinds.values()]
  }

  kindByPath(group: string, version: string, plural: string): ResourceKind | undefined {
    return this.kinds.get(`${group}/${version}/${plural}`)
  }

  currentRevision(): string {
    return String(this.revision)
  }

  private addKind(k: ResourceKind): void {
    this.kinds.set(`${k.group}/${k.version}/${k.plural}`, k)
  }

  /** A CRD's kinds are served (and in discovery) from the moment it is written; renamed ones stop. */
  private serveCrd(crd: KubeObject): void {
    this.unserveCrd(crd.metadata.name!)
    const kinds = kindsOfCrd(crd as CrdObject)
    for (const k of kinds) this.addKind(k)
    this.crdKinds.set(
      crd.metadata.name!,
      kinds.map((k) => `${k.group}/${k.version}/${k.plural}`),
    )
  }

  private unserveCrd(name: string): void {
    for (const key of this.crdKinds.get(name) ?? []) this.kinds.delete(key)
    this.crdKinds.delete(name)
  }

  /** The server owns a CRD's status: accepted names and conditions, whatever the client sent. */
  private establish(crd: KubeObject, previous: KubeObject | undefined): void {
    const status = crdServedStatus(crd as CrdObject, previous?.status as never, stamp())
    if (crd.metadata.deletionTimestamp) {
      ;(status.conditions as unknown[]).push({
        type: 'Terminating',
        status: 'True',
        lastTransitionTime: crd.metadata.deletionTimestamp,
        reason: 'InstanceDeletionInProgress',
        message: 'CustomResource deletion is in progress',
      })
    }
    crd.status = status
  }

  private key(k: ResourceKind, namespace: string | undefined, name: string): string {
    return `${k.group}/${k.plural}/${k.namespaced ? (namespace ?? '') : ''}/${name}`
  }

  list(k: ResourceKind, namespace?: string): KubeObject[] {
    const prefix = `${k.group}/${k.plural}/${k.namespaced && namespace ? `${namespace}/` : ''}`
    const out: KubeObject[] = []
    for (const [key, obj] of this.objects) if (key.startsWith(prefix)) out.push(this.present(k, obj))
    return out.sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`))
  }

  /** The live objects of a kind without copying, for the in-process controllers; never mutate them. */
  scan(k: ResourceKind, namespace?: string): readonly KubeObject[] {
    const prefix = `${k.group}/${k.plural}/${k.namespaced && namespace ? `${namespace}/` : ''}`
    const out: KubeObject[] = []
    for (const [key, obj] of this.objects) if (key.startsWith(prefix)) out.push(obj)
    return out
  }

  get(k: ResourceKind, namespace: string | undefined, name: string): KubeObject {
    const obj = this.objects.get(this.key(k, namespace, name))
    if (!obj) throw notFound(k.plural, k.group, name)
    return this.present(k, obj)
  }

  tryGet(k: ResourceKind, namespace: string | undefined, name: string): KubeObject | undefined {
    const obj = this.objects.get(this.key(k, namespace, name))
    return obj ? this.present(k, obj) : undefined
  }

  create(k: ResourceKind, namespace: string | undefined, input: KubeObject): KubeObject {
    const obj = structuredClone(input)
    obj.metadata ??= {}
    if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = `${obj.metadata.generateName}${randomUUID().slice(0, 5)}`
    const name = obj.metadata.name
    if (!name) throw invalid(k.kind, '', 'metadata.name', 'Required value: name or generateName is required')
    if (!DNS_NAME.test(name) || name.length > 253) {
      throw invalid(
        k.kind,
        name,
        'metadata.name',
        `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`,
      )
    }
    if (k.namespaced) {
      if (!namespace) throw invalid(k.kind, name, 'metadata.namespace', 'Required value')
      if (obj.metadata.namespace && obj.metadata.namespace !== namespace) {
        throw invalid(k.kind, name, 'metadata.namespace', 'Invalid value: the namespace of the object does not match the namespace on the request')
      }
      obj.metadata.namespace = namespace
    } else delete obj.metadata.namespace
    const key = this.key(k, namespace, name)
    if (this.objects.has(key)) throw alreadyExists(k.plural, k.group, name)
    obj.apiVersion = apiVersionOf(k)
    obj.kind = k.kind
    obj.metadata.uid = randomUUID()
    obj.metadata.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
    obj.metadata.generation = 1
    obj.metadata.resourceVersion = String(++this.revision)
    if (isCrd(obj)) {
      obj.metadata.finalizers = [...new Set([...(obj.metadata.finalizers ?? []), CRD_CLEANUP])]
      this.establish(obj, undefined)
    }
    this.objects.set(key, obj)
    if (isCrd(obj)) this.serveCrd(obj)
    this.emit('ADDED', k, obj)
    return this.present(k, obj)
  }

  /** Full replace (PUT); a stale resourceVersion is a 409 Conflict, as on a real server. */
  replace(k: ResourceKind, namespace: string | undefined, name: string, input: KubeObject, subresource?: 'status'): KubeObject {
    const key = this.key(k, namespace, name)
    const current = this.objects.get(key)
    if (!current) throw notFound(k.plural, k.group, name)
    if (input.metadata?.resourceVersion && input.metadata.resourceVersion !== current.metadata.resourceVersion) throw conflict(k.plural, k.group, name)
    if (input.metadata?.name && input.metadata.name !== name)
      throw invalid(k.kind, name, 'metadata.name', 'Invalid value: the name of the object does not match the name on the request')
    let next: KubeObject
    if (subresource === 'status') {
      next = {...structuredClone(current), status: structuredClone(input.status)}
    } else {
      next = structuredClone(input)
      next.metadata = {
        ...next.metadata,
        name,
        namespace: current.metadata.namespace,
        uid: current.metadata.uid,
        creationTimestamp: current.metadata.creationTimestamp,
        deletionTimestamp: current.metadata.deletionTimestamp,
        generation: current.metadata.generation,
      }
      if (!k.subresources?.includes('status') || next.status === undefined) next.status = current.status
      if (JSON.stringify(next.spec) !== JSON.stringify(current.spec)) next.metadata.generation = (current.metadata.generation ?? 1) + 1
    }
    next.apiVersion = apiVersionOf(k)
    next.kind = k.kind
    next.metadata.resourceVersion = String(++this.revision)
    if (isCrd(next)) this.establish(next, current)
    this.objects.set(key, next)
    // An object marked for deletion goes once its last finalizer is removed.
    if (next.metadata.deletionTimestamp && !next.metadata.finalizers?.length) return this.remove(k, namespace, name)
    if (isCrd(next) && !next.metadata.deletionTimestamp) this.serveCrd(next)
    this.emit('MODIFIED', k, next)
    return this.present(k, next)
  }

  /** Deletes an object (or marks it while finalizers remain), then its dependents by ownerReferences. */
  delete(k: ResourceKind, namespace: string | undefined, name: string): KubeObject {
    const key = this.key(k, namespace, name)
    const current = this.objects.get(key)
    if (!current) throw notFound(k.plural, k.group, name)
    if (current.metadata.finalizers?.length) {
      if (!current.metadata.deletionTimestamp) {
        current.metadata.deletionTimestamp = stamp()
        current.metadata.resourceVersion = String(++this.revision)
        if (isCrd(current)) this.establish(current, current)
        this.emit('MODIFIED', k, current)
        if (isCrd(current)) return this.deleteInstances(current)
      }
      return this.present(k, current)
    }
    return this.remove(k, namespace, name)
  }

  /**
   * A deleted CRD takes its objects with it: each is deleted (an object with finalizers waits for
   * its controller), and the CRD goes, with its kinds, once none is left.
   */
  private deleteInstances(crd: KubeObject): KubeObject {
    const kindsOfIt = (this.crdKinds.get(crd.metadata.name!) ?? []).map((key) => this.kinds.get(key)!).filter(Boolean)
    for (const k of kindsOfIt) {
      for (const obj of this.scan(k)) if (this.tryGet(k, obj.metadata.namespace, obj.metadata.name!)) this.delete(k, obj.metadata.namespace, obj.metadata.name!)
    }
    return this.finishCrdCleanup(crd.metadata.name!) ?? this.present(this.kindOfObject(crd)!, crd)
  }

  /** Removes a terminating CRD whose instances are all gone; returns it when it went. */
  private finishCrdCleanup(name: string): KubeObject | undefined {
    const crdKind = this.kinds.get('apiextensions.k8s.io/v1/customresourcedefinitions')!
    const crd = this.objects.get(this.key(crdKind, undefined, name))
    if (!crd?.metadata.deletionTimestamp) return undefined
    const kindsOfIt = (this.crdKinds.get(name) ?? []).map((key) => this.kinds.get(key)).filter((k): k is ResourceKind => Boolean(k))
    if (kindsOfIt.some((k) => this.scan(k).length > 0)) return undefined
    crd.metadata.finalizers = crd.metadata.finalizers?.filter((f) => f !== CRD_CLEANUP)
    if (crd.metadata.finalizers?.length) return undefined
    return this.remove(crdKind, undefined, name)
  }

  private kindOfObject(obj: KubeObject): ResourceKind | undefined {
    return [...this.kinds.values()].find((k) => k.kind === obj.kind && apiVersionOf(k) === obj.apiVersion)
  }

  private remove(k: ResourceKind, namespace: string | undefined, name: string): KubeObject {
    const key = this.key(k, namespace, name)
    const current = this.objects.get(key)!
    this.objects.delete(key)
    current.metadata.resourceVersion = String(++this.revision)
    const gone = this.present(k, current)
    this.emit('DELETED', k, current)
    if (isCrd(current)) this.unserveCrd(name)
    else if (k.crd) this.finishCrdCleanup(k.crd)
    this.cascade(current.metadata.uid!)
    return gone
  }

  /** Background cascading deletion: every object owned by uid goes too. */
  private cascade(uid: string): void {
    for (const [key, obj] of [...this.objects]) {
      if (!obj.metadata.ownerReferences?.some((o) => o.uid === uid)) continue
      const kind = this.kindOfObject(obj)
      if (kind && this.objects.has(key)) this.delete(kind, obj.metadata.namespace, obj.metadata.name!)
    }
  }

  private present(k: ResourceKind, obj: KubeObject): KubeObject {
    const copy = structuredClone(obj)
    copy.apiVersion = apiVersionOf(k)
    copy.kind = k.kind
    return copy
  }

  private emit(type: WatchEvent['type'], kind: ResourceKind, object: KubeObject): void {
    this.events.emit('change', {type, kind, object: this.present(kind, object)} satisfies WatchEvent)
    this.scheduleSave()
  }

  private scheduleSave(): void {
    if (!this.file || this.saveTimer) return
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined
      this.save()
    }, 50)
    this.saveTimer.unref()
  }

  /** Writes the world to disk (atomically). */
  save(): void {
    if (!this.file) return
    const tmp = `${this.file}.tmp`
    writeFileSync(tmp, JSON.stringify({revision: this.revision, objects: [...this.objects.entries()]}))
    renameSync(tmp, this.file)
  }

  private load(file: string): void {
    const data = JSON.parse(readFileSync(file, 'utf8')) as {revision: number; objects: [string, KubeObject][]}
    this.revision = data.revision
    for (const [key, obj] of data.objects) {
      this.objects.set(key, obj)
      if (isCrd(obj) && !obj.metadata.deletionTimestamp) this.serveCrd(obj)
    }
  }
}
