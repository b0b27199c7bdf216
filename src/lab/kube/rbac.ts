import {createHmac, timingSafeEqual} from 'node:crypto'
import type {ObjectStore} from './store.js'

/** What a request asks to do, as the API server's request-info resolver reads it from the URL. */
export interface RequestAttributes {
  verb: string
  group: string
  /** The plural, e.g. pods. */
  resource: string
  subresource?: string
  namespace?: string
  /** The object's name; for a list or watch, the name a metadata.name field selector pins. */
  name?: string
}

export interface ServiceAccountRef {
  namespace: string
  name: string
}

interface PolicyRule {
  verbs?: string[]
  apiGroups?: string[]
  resources?: string[]
  resourceNames?: string[]
  nonResourceURLs?: string[]
}

interface Subject {
  kind: string
  name: string
  namespace?: string
}

interface Binding {
  metadata: {namespace?: string}
  roleRef?: {kind: string; name: string}
  subjects?: Subject[]
}

const TOKEN_PREFIX = 'lab-sa'

/**
 * A service-account token the lab's kubelet projects into a pod: the account and an HMAC of it
 * under the API server's key, so only the simulator that signed it accepts it (a real token is a
 * JWT signed the same way, by the service-account issuer).
 */
export function serviceAccountToken(key: string, sa: ServiceAccountRef): string {
  const subject = Buffer.from(`${sa.namespace}:${sa.name}`).toString('base64url')
  return `${TOKEN_PREFIX}.${subject}.${sign(key, subject)}`
}

/** The account a token names, when the signature holds. */
export function serviceAccountOfToken(key: string, token: string): ServiceAccountRef | undefined {
  const [prefix, subject, signature] = token.split('.')
  if (prefix !== TOKEN_PREFIX || !subject || !signature) return undefined
  const expected = Buffer.from(sign(key, subject))
  const given = Buffer.from(signature)
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined
  const [namespace, name] = Buffer.from(subject, 'base64url').toString('utf8').split(':')
  return namespace && name ? {namespace, name} : undefined
}

const sign = (key: string, subject: string) => createHmac('sha256', key).update(subject).digest('base64url')

export const serviceAccountUser = (sa: ServiceAccountRef): string => `system:serviceaccount:${sa.namespace}:${sa.name}`

/**
 * The RBAC authorizer, as kube-apiserver's: allowed when a rule of a Role bound in the request's
 * namespace, or of a ClusterRole bound there or cluster-wide, matches the verb, API group,
 * resource (with its subresource) and, where the rule names resources, the object's name.
 * Nothing is denied explicitly; no rule, no access.
 */
export function rbacAllows(store: ObjectStore, sa: ServiceAccountRef, request: RequestAttributes): boolean {
  return rulesFor(store, sa, request.namespace).some((rule) => ruleAllows(rule, request))
}

function rulesFor(store: ObjectStore, sa: ServiceAccountRef, namespace: string | undefined): PolicyRule[] {
  const kind = (name: string) => store.allKinds().find((k) => k.group === 'rbac.authorization.k8s.io' && k.kind === name)
  const [role, clusterRole, roleBinding, clusterRoleBinding] = ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'].map(kind)
  const rulesOf = (k: typeof role, ns: string | undefined, name: string) =>
    (k && (store.tryGet(k, ns, name) as {rules?: PolicyRule[]} | undefined)?.rules) ?? []
  const bindings: {binding: Binding; scope?: string}[] = [
    ...(clusterRoleBinding ? store.scan(clusterRoleBinding).map((b) => ({binding: b as unknown as Binding})) : []),
    ...(roleBinding && namespace ? store.scan(roleBinding, namespace).map((b) => ({binding: b as unknown as Binding, scope: namespace})) : []),
  ]
  return bindings
    .filter(({binding, scope}) => (binding.subjects ?? []).some((s) => subjectMatches(s, sa, scope)))
    .flatMap(({binding, scope}) => {
      const ref = binding.roleRef
      if (!ref) return []
      if (ref.kind === 'ClusterRole') return rulesOf(clusterRole, undefined, ref.name)
      // A Role is only ever bound in its own namespace.
      return ref.kind === 'Role' && scope ? rulesOf(role, scope, ref.name) : []
    })
}

function subjectMatches(subject: Subject, sa: ServiceAccountRef, bindingNamespace: string | undefined): boolean {
  switch (subject.kind) {
    case 'ServiceAccount':
      // In a RoleBinding a subject without a namespace means the binding's own.
      return subject.name === sa.name && (subject.namespace ?? bindingNamespace) === sa.namespace
    case 'User':
      return subject.name === serviceAccountUser(sa)
    case 'Group':
      return ['system:serviceaccounts', `system:serviceaccounts:${sa.namespace}`, 'system:authenticated'].includes(subject.name)
    default:
      return false
  }
}

function ruleAllows(rule: PolicyRule, request: RequestAttributes): boolean {
  const has = (list: string[] | undefined, value: string) => (list ?? []).some((v) => v === '*' || v === value)
  if (!has(rule.verbs, request.verb) || !has(rule.apiGroups, request.group)) return false
  const resource = request.subresource ? `${request.resource}/${request.subresource}` : request.resource
  const resources = rule.resources ?? []
  const resourceMatches = resources.some((r) => r === '*' || r === resource || (request.subresource !== undefined && r === `*/${request.subresource}`))
  if (!resourceMatches) return false
  if (!rule.resourceNames?.length) return true
  // A rule that names objects never allows a request without a name (a plain list, a create).
  return request.name !== undefined && rule.resourceNames.includes(request.name)
}
