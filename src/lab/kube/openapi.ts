import {createHash} from 'node:crypto'
import type {ResourceKind} from './resources.js'

/**
 * The OpenAPI v3 documents clients use to decide where validation happens. client-go (Helm,
 * kubectl) checks that each kind's PATCH operation accepts `fieldValidation`; when it does, it
 * leaves schema validation to the server instead of downloading schemas. The lab serves that
 * part (paths, operations, the kind extension) with permissive schemas.
 */
const gvPath = (k: ResourceKind) => (k.group ? `apis/${k.group}/${k.version}` : 'api/v1')

export function openApiIndex(kinds: readonly ResourceKind[]): Record<string, unknown> {
  const paths: Record<string, {serverRelativeURL: string}> = {}
  for (const gv of new Set(kinds.map(gvPath))) {
    const hash = createHash('sha256')
      .update(JSON.stringify(kinds.filter((k) => gvPath(k) === gv)))
      .digest('hex')
      .slice(0, 32)
      .toUpperCase()
    paths[gv] = {serverRelativeURL: `/openapi/v3/${gv}?hash=${hash}`}
  }
  return {paths}
}

export function openApiGroupVersion(kinds: readonly ResourceKind[], gv: string): Record<string, unknown> | undefined {
  const served = kinds.filter((k) => gvPath(k) === gv)
  if (served.length === 0) return undefined
  const queryParam = (name: string) => ({name, in: 'query', schema: {type: 'string', uniqueItems: true}})
  const writeParams = ['dryRun', 'fieldManager', 'fieldValidation', 'pretty'].map(queryParam)
  const paths: Record<string, unknown> = {}
  const schemas: Record<string, unknown> = {}
  for (const k of served) {
    const gvk = {group: k.group, version: k.version, kind: k.kind}
    const schemaName = `${k.group || 'core'}.${k.version}.${k.kind}`
    schemas[schemaName] = {type: 'object', 'x-kubernetes-preserve-unknown-fields': true, 'x-kubernetes-group-version-kind': [gvk]}
    const body = {content: {'application/json': {schema: {$ref: `#/components/schemas/${schemaName}`}}}}
    const responses = {'200': {description: 'OK', ...body}}
    const op = (action: string, params = writeParams) => ({
      operationId: `${action}${k.kind}`,
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
      parameters: params,
      responses,
    })
    const base = `/${gv}/${k.namespaced ? 'namespaces/{namespace}/' : ''}${k.plural}`
    paths[base] = {get: op('list', [queryParam('labelSelector')]), post: {...op('post'), requestBody: body}}
    paths[`${base}/{name}`] = {
      get: op('get', []),
      put: {...op('put'), requestBody: body},
      patch: {...op('patch'), requestBody: {content: {'application/merge-patch+json': {schema: {type: 'object'}}}}},
      delete: op('delete', []),
    }
  }
  return {openapi: '3.0.0', info: {title: 'Kubernetes (signoz-ha lab)', version: 'v1.31.0'}, paths, components: {schemas}}
}
