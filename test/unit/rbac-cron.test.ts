import {describe, expect, test} from 'vitest'
import {parseCron} from '../../src/util/cron.js'
import {reconcileCronJobs} from '../../src/lab/kube/controllers/cronjobs.js'
import {rbacAllows, serviceAccountOfToken, serviceAccountToken} from '../../src/lab/kube/rbac.js'
import {ObjectStore} from '../../src/lab/kube/store.js'

const kind = (store: ObjectStore, name: string) => store.allKinds().find((k) => k.kind === name)!
const sa = {namespace: 'platform', name: 'monitor'}

function storeWith(rules: Record<string, unknown>[], clusterRules: Record<string, unknown>[] = []): ObjectStore {
  const store = new ObjectStore()
  store.create(kind(store, 'Namespace'), undefined, {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'platform'}})
  store.create(kind(store, 'Role'), 'platform', {apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: {name: 'r'}, rules} as never)
  store.create(kind(store, 'RoleBinding'), 'platform', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: {name: 'r'},
    roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r'},
    subjects: [{kind: 'ServiceAccount', name: 'monitor'}],
  } as never)
  store.create(kind(store, 'ClusterRole'), undefined, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: {name: 'c'},
    rules: clusterRules,
  } as never)
  store.create(kind(store, 'ClusterRoleBinding'), undefined, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: {name: 'c'},
    roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'c'},
    subjects: [{kind: 'ServiceAccount', name: 'monitor', namespace: 'platform'}],
  } as never)
  return store
}

describe('the lab RBAC authorizer', () => {
  test('verbs, groups, subresources and namespaces as the real authorizer matches them', () => {
    const store = storeWith([
      {apiGroups: [''], resources: ['pods', 'secrets'], verbs: ['list']},
      {apiGroups: [''], resources: ['pods/portforward'], verbs: ['create']},
    ])
    const allows = (r: Partial<Parameters<typeof rbacAllows>[2]>) =>
      rbacAllows(store, sa, {verb: 'list', group: '', resource: 'pods', namespace: 'platform', ...r})
    expect(allows({})).toBe(true)
    expect(allows({verb: 'get', name: 'p'})).toBe(false)
    expect(allows({verb: 'watch'})).toBe(false)
    expect(allows({group: 'apps', resource: 'pods'})).toBe(false)
    expect(allows({namespace: 'other'})).toBe(false)
    expect(allows({verb: 'create', subresource: 'portforward', name: 'p'})).toBe(true)
    // pods does not grant its subresources.
    expect(allows({verb: 'list', subresource: 'log', name: 'p'})).toBe(false)
    expect(rbacAllows(store, {namespace: 'platform', name: 'other'}, {verb: 'list', group: '', resource: 'pods', namespace: 'platform'})).toBe(false)
  })

  test('resourceNames: only named requests match (a list pinned by metadata.name is named); cluster rules apply everywhere', () => {
    const store = storeWith(
      [],
      [
        {
          apiGroups: ['apiextensions.k8s.io'],
          resources: ['customresourcedefinitions'],
          verbs: ['list'],
          resourceNames: ['clickhouseinstallations.clickhouse.altinity.com'],
        },
        {apiGroups: [''], resources: ['nodes'], verbs: ['list']},
      ],
    )
    const crd = {verb: 'list', group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions'}
    expect(rbacAllows(store, sa, crd)).toBe(false)
    expect(rbacAllows(store, sa, {...crd, name: 'clickhouseinstallations.clickhouse.altinity.com'})).toBe(true)
    expect(rbacAllows(store, sa, {...crd, name: 'widgets.example.com'})).toBe(false)
    expect(rbacAllows(store, sa, {verb: 'list', group: '', resource: 'nodes'})).toBe(true)
    expect(rbacAllows(store, sa, {verb: 'list', group: '', resource: 'nodes', namespace: 'elsewhere'})).toBe(true)
  })

  test('a token is accepted only with the key that signed it', () => {
    const token = serviceAccountToken('key-1', sa)
    expect(serviceAccountOfToken('key-1', token)).toEqual(sa)
    expect(serviceAccountOfToken('key-2', token)).toBeUndefined()
    expect(
      serviceAccountOfToken(
        'key-1',
        token.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a')),
      ),
    ).toBeUndefined()
  })
})

describe('the lab CronJob controller', () => {
  test('cron fields: steps, ranges, lists, macros; bad schedules are refused', () => {
    expect([...parseCron('*/15 * * * *').minute]).toEqual([0, 15, 30, 45])
    expect([...parseCron('0 9-11,14 * * 1-5').hour]).toEqual([9, 10, 11, 14])
    expect([...parseCron('@hourly').minute]).toEqual([0])
    expect(() => parseCron('* * * *')).toThrow(/exactly 5 fields/)
    expect(() => parseCron('61 * * * *')).toThrow(/beyond the range/)
  })

  test('a Job per scheduled minute named by it; Forbid holds a start while one runs; history limits prune', () => {
    const store = new ObjectStore()
    store.create(kind(store, 'Namespace'), undefined, {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'platform'}})
    store.create(kind(store, 'CronJob'), 'platform', {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: {name: 'm'},
      spec: {
        schedule: '*/5 * * * *',
        concurrencyPolicy: 'Forbid',
        successfulJobsHistoryLimit: 1,
        jobTemplate: {spec: {template: {spec: {containers: [{name: 'c', image: 'x'}]}}}},
      },
    } as never)
    // Times from the CronJob's creation (now, as the store stamps it): T is the first start.
    const FIVE = 5 * 60_000
    const T = Math.floor(Date.now() / FIVE) * FIVE + FIVE
    const jobs = () =>
      store
        .scan(kind(store, 'Job'), 'platform')
        .map((j) => j.metadata.name ?? '')
        .sort((a, b) => a.localeCompare(b))
    const at = (ms: number) => reconcileCronJobs(store, ms)
    const finish = (name: string, when: number) => {
      const job = store.tryGet(kind(store, 'Job'), 'platform', name)!
      store.replace(
        kind(store, 'Job'),
        'platform',
        name,
        {...job, status: {conditions: [{type: 'Complete', status: 'True'}], completionTime: new Date(when).toISOString().replace(/\.\d+Z$/, 'Z')}} as never,
        'status',
      )
    }
    at(T - 1000)
    expect(jobs()).toEqual([])
    at(T + 1000)
    const first = `m-${T / 60_000}`
    expect(jobs()).toEqual([first])
    // Still running at the next start: Forbid holds it back.
    at(T + FIVE + 1000)
    expect(jobs()).toEqual([first])
    finish(first, T + FIVE + 30_000)
    at(T + FIVE + 40_000)
    const second = `m-${(T + FIVE) / 60_000}`
    expect(jobs()).toEqual([first, second])
    finish(second, T + FIVE + 60_000)
    at(T + FIVE + 65_000)
    // successfulJobsHistoryLimit 1: the older finished Job is gone.
    expect(jobs()).toEqual([second])
    expect((store.tryGet(kind(store, 'CronJob'), 'platform', 'm')!.status as {lastSuccessfulTime?: string}).lastSuccessfulTime).toBe(
      new Date(T + FIVE + 60_000).toISOString().replace(/\.\d+Z$/, 'Z'),
    )
  })
})
