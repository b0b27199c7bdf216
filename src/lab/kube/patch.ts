import {badRequest, invalid} from './status.js'

type Json = null | boolean | number | string | Json[] | {[key: string]: Json}
type JsonObject = {[key: string]: Json}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v)
const clone = <T>(v: T): T => structuredClone(v)

/** RFC 7386 JSON merge patch: objects merge, null deletes, everything else replaces. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return clone(patch)
  const result: JsonObject = isObject(target) ? clone(target) : {}
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key]
    else result[key] = mergePatch(result[key] ?? null, value)
  }
  return result
}

/**
 * The list fields strategic-merge patch merges element-wise, and their merge key
 * (k8s.io/api patchMergeKey), for the kinds the lab serves.
 */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  envFrom: '',
  ports: 'containerPort',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeClaimTemplates: '',
  imagePullSecrets: 'name',
  tolerations: '',
  conditions: 'type',
  finalizers: '',
}

/** Service ports merge by port number, container ports by containerPort. */
function mergeKeyFor(field: string, items: Json[]): string | undefined {
  const key = MERGE_KEYS[field]
  if (field === 'ports' && items.some((i) => isObject(i) && 'port' in i && !('containerPort' in i))) return 'port'
  return key || undefined
}

/** Strategic merge patch, enough of it for kubectl-style patches of the kinds the lab serves. */
export function strategicMergePatch(target: Json, patch: Json, field = ''): Json {
  if (Array.isArray(patch)) {
    const key = mergeKeyFor(field, patch)
    if (!key || !Array.isArray(target)) return clone(patch.filter((p) => !(isObject(p) && p.$patch === 'delete')))
    const result = clone(target)
    for (const item of patch) {
      if (!isObject(item) || !(key in item)) {
        result.push(clone(item))
        continue
      }
      const index = result.findIndex((r) => isObject(r) && r[key] === item[key])
      if (item.$patch === 'delete') {
        if (index >= 0) result.splice(index, 1)
      } else if (index >= 0) result[index] = strategicMergePatch(result[index]!, item)
      else result.push(clone(item))
    }
    return result
  }
  if (!isObject(patch)) return clone(patch)
  if (patch.$patch === 'replace') {
    const {$patch: _, ...rest} = patch
    return clone(rest)
  }
  const result: JsonObject = isObject(target) ? clone(target) : {}
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key.startsWith('$setElementOrder') || key.startsWith('$retainKeys') || key.startsWith('$deleteFromPrimitiveList')) continue
    if (value === null) delete result[key]
    else result[key] = strategicMergePatch(result[key] ?? null, value, key)
  }
  return result
}

const unescape = (token: string) => token.replace(/~1/g, '/').replace(/~0/g, '~')

function locate(doc: Json, pointer: string): {parent: Json; key: string} {
  if (!pointer.startsWith('/')) throw badRequest(`invalid JSON pointer "${pointer}"`)
  const tokens = pointer.slice(1).split('/').map(unescape)
  let parent: Json = doc
  for (const token of tokens.slice(0, -1)) {
    const next: Json | undefined = Array.isArray(parent) ? parent[Number(token)] : isObject(parent) ? parent[token] : undefined
    if (next === undefined) throw invalid('Patch', '', pointer, 'path does not exist')
    parent = next
  }
  return {parent, key: tokens[tokens.length - 1]!}
}

const read = (doc: Json, pointer: string): Json => {
  if (pointer === '') return doc
  const {parent, key} = locate(doc, pointer)
  const value = Array.isArray(parent) ? parent[Number(key)] : isObject(parent) ? parent[key] : undefined
  if (value === undefined) throw invalid('Patch', '', pointer, 'path does not exist')
  return value
}

/** RFC 6902 JSON patch: add, remove, replace, move, copy, test. */
export function jsonPatch(target: Json, operations: Json): Json {
  if (!Array.isArray(operations)) throw badRequest('a JSON patch must be an array of operations')
  let doc = clone(target)
  for (const op of operations) {
    if (!isObject(op) || typeof op.op !== 'string' || typeof op.path !== 'string') throw badRequest('invalid JSON patch operation')
    const add = (pointer: string, value: Json) => {
      if (pointer === '') {
        doc = clone(value)
        return
      }
      const {parent, key} = locate(doc, pointer)
      if (Array.isArray(parent)) parent.splice(key === '-' ? parent.length : Number(key), 0, clone(value))
      else if (isObject(parent)) parent[key] = clone(value)
      else throw invalid('Patch', '', pointer, 'parent is not a container')
    }
    const remove = (pointer: string) => {
      const value = read(doc, pointer)
      const {parent, key} = locate(doc, pointer)
      if (Array.isArray(parent)) parent.splice(Number(key), 1)
      else if (isObject(parent)) delete parent[key]
      return value
    }
    switch (op.op) {
      case 'add':
        add(op.path, op.value ?? null)
        break
      case 'remove':
        remove(op.path)
        break
      case 'replace':
        read(doc, op.path)
        remove(op.path)
        add(op.path, op.value ?? null)
        break
      case 'move':
        add(op.path, remove(String(op.from)))
        break
      case 'copy':
        add(op.path, read(doc, String(op.from)))
        break
      case 'test':
        if (JSON.stringify(read(doc, op.path)) !== JSON.stringify(op.value)) throw invalid('Patch', '', op.path, 'test failed')
        break
      default:
        throw badRequest(`unknown JSON patch operation "${op.op}"`)
    }
  }
  return doc
}
