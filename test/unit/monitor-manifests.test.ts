import {describe, expect, test} from 'vitest'
import {monitorManifests, validCronSchedule, type MonitorInputs} from '../../src/generate/monitor.js'
import {CHI_CRD, KIND_API, SNAPSHOT_KINDS} from '../../src/gateways/kube.js'
import {rbacAllows} from '../../src/lab/kube/rbac.js'
import {ObjectStore} from '../../src/lab/kube/store.js'

const INPUTS: MonitorInputs = {
  namespace: 'platform',
  release: 'signoz',
  name: 'signoz-ha-monitor',
  mode: 'cronjob',
  schedule: '*/5 * * * *',
  interval: '1m',
  image: 'ghcr.io/signoz-ha/signoz-ha:0.1.0',
  otlpEndpoint: 'http://signoz-otel-collector.platform.svc.cluster.local:4318',
  version: '0.1.0',
} as MonitorInputs

type Doc = {apiVersion: string; kind: string; metadata: {name: string; namespace?: string}; [k: string]: unknown}

async function validateAgainstSchema(object: Doc): Promise<void> {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion]
  const module = (await import(`kubernetes-models/${group ? `${group}/` : ''}${version}/${object.kind}`)) as Record<
    string,
    new (o: unknown) => {validate(): void}
  >
  new module[object.kind]!(object).validate()
}

/** The generated objects in a store, and what the authorizer lets the monitor's account do. */
function authorizerFor(docs: Doc[]) {
  const store = new ObjectStore()
  const kind = (k: string) => store.allKinds().find((x) => x.kind === k)!
  store.create(kind('Namespace'), undefined, {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'platform'}})
  for (const d of docs) if (d.apiVersion.startsWith('rbac.')) store.create(kind(d.kind), d.metadata.namespace, d as never)
  const sa = {namespace: 'platform', name: INPUTS.name}
  return (verb: string, resource: string, o: {group?: string; subresource?: string; namespace?: string; name?: string} = {}) =>
    rbacAllows(store, sa, {
      verb,
      resource,
      group: o.group ?? '',
      subresource: o.subresource,
      namespace: 'namespace' in o ? o.namespace : 'platform',
      name: o.name,
    })
}

describe('generate monitor', () => {
  for (const mode of ['cronjob', 'serve'] as const) {
    test(`${mode}: every object validates against the Kubernetes schema of its kind; the pod runs unprivileged`, async () => {
      const docs = monitorManifests({...INPUTS, mode}) as Doc[]
      expect(docs.map((d) => d.kind)).toEqual([
        'ServiceAccount',
        'Role',
        'RoleBinding',
        'ClusterRole',
        'ClusterRoleBinding',
        ...(mode === 'cronjob' ? ['CronJob'] : ['Deployment', 'Service']),
      ])
      for (const d of docs) await expect(validateAgainstSchema(d), d.kind).resolves.toBeUndefined()
      const workload = docs.find((d) => d.kind === 'CronJob' || d.kind === 'Deployment') as unknown as {
        spec: {jobTemplate?: {spec: {template: unknown}}; template?: unknown; concurrencyPolicy?: string}
      }
      const pod = (workload.spec.jobTemplate?.spec.template ?? workload.spec.template) as {
        spec: {securityContext: {runAsNonRoot: boolean}; containers: {args: string[]; securityContext: Record<string, unknown>}[]}
      }
      expect(pod.spec.securityContext.runAsNonRoot).toBe(true)
      expect(pod.spec.containers[0]!.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: {drop: ['ALL']},
      })
      expect(pod.spec.containers[0]!.args.slice(0, 2)).toEqual([mode === 'cronjob' ? 'doctor' : 'serve', '--in-cluster'])
      if (mode === 'cronjob') expect(workload.spec.concurrencyPolicy).toBe('Forbid')
    })
  }

  test('the Role and ClusterRole allow what doctor does, and nothing else (as the lab authorizer, modelled on RBAC, decides)', () => {
    const allows = authorizerFor(monitorManifests(INPUTS) as Doc[])
    for (const kind of SNAPSHOT_KINDS) {
      const group = KIND_API[kind].group
      if (kind === 'nodes') expect(allows('list', kind, {namespace: undefined}), kind).toBe(true)
      else if (kind === 'customresourcedefinitions') expect(allows('list', kind, {group, namespace: undefined, name: CHI_CRD})).toBe(true)
      else expect(allows('list', kind, {group}), kind).toBe(true)
    }
    expect(allows('get', 'secrets', {name: 'signoz-clickhouse'})).toBe(true)
    expect(allows('get', 'pods', {subresource: 'log', name: 'p'})).toBe(true)
    expect(allows('create', 'pods', {subresource: 'portforward', name: 'p'})).toBe(true)
    // Nothing it never does: no writes, no exec, no other namespace, no CRD but the CHI's, no watch.
    expect(allows('delete', 'pods', {name: 'p'})).toBe(false)
    expect(allows('create', 'pods', {subresource: 'exec', name: 'p'})).toBe(false)
    expect(allows('patch', 'statefulsets', {group: 'apps', name: 's'})).toBe(false)
    expect(allows('list', 'secrets', {namespace: 'kube-system'})).toBe(false)
    expect(allows('list', 'customresourcedefinitions', {group: 'apiextensions.k8s.io', namespace: undefined})).toBe(false)
    expect(allows('watch', 'pods')).toBe(false)
    expect(allows('list', 'configmaps')).toBe(false)
  })

  test('schedules: what the CronJob controller accepts', () => {
    expect(validCronSchedule('*/5 * * * *')).toBe(true)
    expect(validCronSchedule('@hourly')).toBe(true)
    expect(validCronSchedule('*/5 * * *')).toBe(false)
    expect(validCronSchedule('0 25 * * *')).toBe(false)
  })
})
