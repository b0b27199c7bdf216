import {randomUUID} from 'node:crypto'
import {EventEmitter} from 'node:events'
import {existsSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import {BUILTIN_KINDS, apiVersionOf, kindsOfCrd, type ResourceKind} from './resources.js'
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

/**
 * The simulator's object store: every object of every kind, one resourceVersion counter for
 * all, watch events, cascading deletion through ownerReferences, and persistence to one JSON
 * file so a restarted simulator keeps its world.
 */
export class ObjectStore {
  private readonly objects = new Map<string, KubeObject>()
  private readonly kinds = new Map<string, ResourceKind>()
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

  private key(k: ResourceKind, namespace: string | undefined, name: string): string {
    return `${k.group}/${k.plural}/${k.namespaced ? namespace ?? '' : ''}/${name}`
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
      throw invalid(k.kind, name, 'metadata.name', `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`)
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
    this.objects.set(key, obj)
    if (k.kind === 'CustomResourceDefinition') for (const crdKind of kindsOfCrd(obj as never)) this.addKind(crdKind)
    this.emit('ADDED', k, obj)
    return this.present(k, obj)
  }

  /** Full replace (PUT); a stale resourceVersion is a 409 Conflict, as on a real server. */
  replace(k: ResourceKind, namespace: string | undefined, name: string, input: KubeObject, subresource?: 'status'): KubeObject {
    const key = this.key(k, namespace, name)
    const current = this.objects.get(key)
    if (!current) throw notFound(k.plural, k.group, name)
    if (input.metadata?.resourceVersion && input.metadata.resourceVersion !== current.metadata.resourceVersion) throw conflict(k.plural, k.group, name)
    if (input.metadata?.name && input.metadata.name !== name) throw invalid(k.kind, name, 'metadata.name', 'Invalid value: the name of the object does not match the name on the request')
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
    this.objects.set(key, next)
    if (k.kind === 'CustomResourceDefinition') for (const crdKind of kindsOfCrd(next as never)) this.addKind(crdKind)
    // An object marked for deletion goes once its last finalizer is removed.
    if (next.metadata.deletionTimestamp && !next.metadata.finalizers?.length) return this.remove(k, namespace, name)
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
        current.metadata.deletionTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
        current.metadata.resourceVersion = String(++this.revision)
        this.emit('MODIFIED', k, current)
      }
      return this.present(k, current)
    }
    return this.remove(k, namespace, name)
  }

  private remove(k: ResourceKind, namespace: string | undefined, name: string): KubeObject {
    const key = this.key(k, namespace, name)
    const current = this.objects.get(key)!
    this.objects.delete(key)
    current.metadata.resourceVersion = String(++this.revision)
    this.emit('DELETED', k, current)
    this.cascade(current.metadata.uid!)
    return this.present(k, current)
  }

  /** Background cascading deletion: every object owned by uid goes too. */
  private cascade(uid: string): void {
    for (const [key, obj] of [...this.objects]) {
      if (!obj.metadata.ownerReferences?.some((o) => o.uid === uid)) continue
      const kind = [...this.kinds.values()].find((k) => k.kind === obj.kind && apiVersionOf(k) === obj.apiVersion)
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
      if (obj.kind === 'CustomResourceDefinition') for (const crdKind of kindsOfCrd(obj as never)) this.addKind(crdKind)
    }
  }
}

