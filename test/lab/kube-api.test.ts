import {mkdtempSync, writeFileSync} from 'node:fs'
import {createServer as createHttpServer} from 'node:http'
import {createServer as createNetServer, type AddressInfo} from 'node:net'
import {request as httpsRequest} from 'node:https'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PortForward,
  PatchStrategy,
  VersionApi,
  Watch,
  ApiextensionsV1Api,
  setHeaderOptions,
  type V1Pod,
} from '@kubernetes/client-node'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {servingCertificate} from '../../src/lab/kube/certificate.js'
import {FORWARD_ANNOTATION} from '../../src/lab/kube/portforward.js'
import {labPrincipals} from '../../src/lab/kube/serve.js'
import {KubeApiSimulator, LOG_ANNOTATION} from '../../src/lab/kube/server.js'
import {ObjectStore} from '../../src/lab/kube/store.js'
import {eventually} from '../helpers/lab.js'

/**
 * Conformance of the lab's Kubernetes API simulator, driven by the real @kubernetes/client-node:
 * auth, discovery, CRUD, selectors, patches, Status errors, cascading delete, finalizers, watch,
 * CRDs and persistence.
 */
const ADMIN = 'admin-token-for-tests'
const READER = 'reader-token-for-tests'
const file = join(mkdtempSync(join(tmpdir(), 'signoz-ha-kube-')), 'state.json')
const store = new ObjectStore(file)
const tls = await servingCertificate()
const sim = new KubeApiSimulator({
  store,
  tls,
  tokens: labPrincipals({adminToken: ADMIN, readOnlyToken: READER}),
})
let server = ''

const config = (token: string) => {
  const kc = new KubeConfig()
  kc.loadFromOptions({
    clusters: [{name: 'lab', server, caData: Buffer.from(tls.cert).toString('base64')}],
    users: [{name: 'u', token}],
    contexts: [{name: 'lab', cluster: 'lab', user: 'u', namespace: 'platform'}],
    currentContext: 'lab',
  })
  return kc
}
let core: CoreV1Api
let apps: AppsV1Api

const statusOf = async (p: Promise<unknown>) => {
  try {
    await p
    return {code: 200}
  } catch (error) {
    const e = error as {code?: number; body?: string}
    return {code: e.code, body: typeof e.body === 'string' ? JSON.parse(e.body) : e.body}
  }
}

/** A plain HTTPS request, for what the client library does not expose (no token, raw discovery). */
const rawGet = (path: string, token?: string): Promise<{status: number; body: unknown}> =>
  new Promise((resolve, reject) => {
    const req = httpsRequest(`${server}${path}`, {ca: tls.cert, headers: token ? {authorization: `Bearer ${token}`} : {}}, (res) => {
      let text = ''
      res.on('data', (d) => (text += d))
      res.on('end', () => resolve({status: res.statusCode ?? 0, body: JSON.parse(text)}))
    })
    req.on('error', reject)
    req.end()
  })

const pod = (name: string, labels: Record<string, string> = {}, extra: Partial<V1Pod> = {}): V1Pod => ({
  metadata: {name, labels},
  spec: {containers: [{name: 'main', image: 'clickhouse/clickhouse-server:25.12.5', env: [{name: 'A', value: '1'}]}]},
  ...extra,
})

beforeAll(async () => {
  const port = await sim.listen()
  server = `https://127.0.0.1:${port}`
  core = config(ADMIN).makeApiClient(CoreV1Api)
  apps = config(ADMIN).makeApiClient(AppsV1Api)
  await core.createNamespace({body: {metadata: {name: 'platform'}}})
})

afterAll(async () => {
  await sim.close()
})

describe('authentication and RBAC', () => {
  test('no token → 401 Status', async () => {
    const r = await rawGet('/api/v1/namespaces')
    expect(r.status).toBe(401)
    expect(r.body).toMatchObject({kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401})
  })
  test('the read-only token reads but gets 403 on writes', async () => {
    const reader = config(READER).makeApiClient(CoreV1Api)
    expect((await reader.listNamespace()).items.map((n) => n.metadata?.name)).toContain('platform')
    const denied = await statusOf(reader.createNamespacedConfigMap({namespace: 'platform', body: {metadata: {name: 'x'}}}))
    expect(denied.code).toBe(403)
    expect(denied.body).toMatchObject({reason: 'Forbidden', message: expect.stringContaining('cannot create resource "configmaps"')})
  })
})

describe('discovery', () => {
  test('version, core and group resource lists', async () => {
    expect((await config(ADMIN).makeApiClient(VersionApi).getCode()).major).toBe('1')
    const coreResources = await core.getAPIResources()
    expect(coreResources.resources.find((r) => r.name === 'pods')).toMatchObject({namespaced: true, kind: 'Pod', shortNames: ['po']})
    expect(coreResources.resources.map((r) => r.name)).toContain('pods/portforward')
    const appsResources = await apps.getAPIResources()
    expect(appsResources.resources.map((r) => r.name)).toEqual(expect.arrayContaining(['deployments', 'statefulsets', 'replicasets', 'daemonsets']))
    const groups = (await rawGet('/apis', ADMIN)).body as {groups: {name: string}[]}
    expect(groups.groups.map((g) => g.name)).toEqual(
      expect.arrayContaining(['apps', 'batch', 'policy', 'rbac.authorization.k8s.io', 'storage.k8s.io', 'networking.k8s.io']),
    )
  })
})

describe('CRUD, metadata and errors', () => {
  test('create sets uid, resourceVersion, generation and creationTimestamp; get returns it', async () => {
    const created = await core.createNamespacedPod({namespace: 'platform', body: pod('p1', {app: 'a', tier: 'db'})})
    expect(created.metadata).toMatchObject({name: 'p1', namespace: 'platform', generation: 1})
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/)
    expect(Number(created.metadata?.resourceVersion)).toBeGreaterThan(0)
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date)
    const got = await core.readNamespacedPod({name: 'p1', namespace: 'platform'})
    expect(got.metadata?.uid).toBe(created.metadata?.uid)
  })
  test('404, 409 AlreadyExists, 409 Conflict on a stale update, 422 on an invalid name', async () => {
    expect(await statusOf(core.readNamespacedPod({name: 'nope', namespace: 'platform'}))).toMatchObject({
      code: 404,
      body: {reason: 'NotFound', message: 'pods "nope" not found'},
    })
    expect((await statusOf(core.createNamespacedPod({namespace: 'platform', body: pod('p1')}))).code).toBe(409)
    const current = await core.readNamespacedPod({name: 'p1', namespace: 'platform'})
    await core.replaceNamespacedPod({
      name: 'p1',
      namespace: 'platform',
      body: {...current, metadata: {...current.metadata, labels: {app: 'a', tier: 'db', v: '2'}}},
    })
    const stale = await statusOf(core.replaceNamespacedPod({name: 'p1', namespace: 'platform', body: current}))
    expect(stale).toMatchObject({code: 409, body: {reason: 'Conflict'}})
    expect(await statusOf(core.createNamespacedPod({namespace: 'platform', body: pod('Bad_Name')}))).toMatchObject({code: 422, body: {reason: 'Invalid'}})
  })
  test('resourceVersion increases with every write; generation with every spec change', async () => {
    const a = await core.readNamespacedPod({name: 'p1', namespace: 'platform'})
    const b = await core.patchNamespacedPod(
      {name: 'p1', namespace: 'platform', body: {metadata: {annotations: {x: 'y'}}}},
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )
    expect(Number(b.metadata?.resourceVersion)).toBeGreaterThan(Number(a.metadata?.resourceVersion))
    expect(b.metadata?.generation).toBe(a.metadata?.generation)
    const c = await core.patchNamespacedPod(
      {name: 'p1', namespace: 'platform', body: {spec: {activeDeadlineSeconds: 60}}},
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )
    expect(c.metadata?.generation).toBe((a.metadata?.generation ?? 0) + 1)
  })
})

describe('selectors', () => {
  test('label selectors: =, !=, in, notin, exists, !exists', async () => {
    await core.createNamespacedPod({namespace: 'platform', body: pod('p2', {app: 'b', tier: 'db'})})
    await core.createNamespacedPod({namespace: 'platform', body: pod('p3', {app: 'c'})})
    const names = async (labelSelector: string) => (await core.listNamespacedPod({namespace: 'platform', labelSelector})).items.map((p) => p.metadata?.name)
    expect(await names('tier=db')).toEqual(['p1', 'p2'])
    expect(await names('tier!=db')).toEqual(['p3'])
    expect(await names('app in (a,c)')).toEqual(['p1', 'p3'])
    expect(await names('app notin (a,c),tier')).toEqual(['p2'])
    expect(await names('!tier')).toEqual(['p3'])
  })
  test('field selectors on metadata and status', async () => {
    await core.patchNamespacedPodStatus(
      {name: 'p2', namespace: 'platform', body: {status: {phase: 'Running'}}},
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )
    expect((await core.listNamespacedPod({namespace: 'platform', fieldSelector: 'status.phase=Running'})).items.map((p) => p.metadata?.name)).toEqual(['p2'])
    expect((await core.listNamespacedPod({namespace: 'platform', fieldSelector: 'metadata.name=p3'})).items).toHaveLength(1)
  })
  test('a malformed selector is a 400', async () => {
    expect((await statusOf(core.listNamespacedPod({namespace: 'platform', labelSelector: 'a in b'}))).code).toBe(400)
  })
})

describe('patches', () => {
  test('strategic merge merges containers and env by name', async () => {
    const patched = await core.patchNamespacedPod(
      {
        name: 'p3',
        namespace: 'platform',
        body: {
          spec: {
            containers: [
              {
                name: 'main',
                env: [
                  {name: 'B', value: '2'},
                  {name: 'A', value: 'changed'},
                ],
              },
            ],
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    )
    expect(patched.spec?.containers).toHaveLength(1)
    expect(patched.spec?.containers[0]?.image).toBe('clickhouse/clickhouse-server:25.12.5')
    expect(patched.spec?.containers[0]?.env).toEqual([
      {name: 'A', value: 'changed'},
      {name: 'B', value: '2'},
    ])
  })
  test('merge patch replaces lists, JSON patch edits by pointer', async () => {
    const merged = await core.patchNamespacedPod(
      {name: 'p3', namespace: 'platform', body: {spec: {containers: [{name: 'other', image: 'x'}]}}},
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )
    expect(merged.spec?.containers.map((c) => c.name)).toEqual(['other'])
    const json = await core.patchNamespacedPod(
      {
        name: 'p3',
        namespace: 'platform',
        body: [
          {op: 'add', path: '/metadata/labels/added', value: 'yes'},
          {op: 'replace', path: '/spec/containers/0/image', value: 'y'},
        ],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    )
    expect(json.metadata?.labels?.added).toBe('yes')
    expect(json.spec?.containers[0]?.image).toBe('y')
  })
})

describe('ownership and deletion', () => {
  test('deleting an owner deletes its dependents (ownerReferences)', async () => {
    const deploy = await apps.createNamespacedDeployment({
      namespace: 'platform',
      body: {
        metadata: {name: 'collector'},
        spec: {selector: {matchLabels: {app: 'collector'}}, template: {metadata: {labels: {app: 'collector'}}, spec: {containers: [{name: 'c', image: 'i'}]}}},
      },
    })
    const owner = (o: {metadata?: {name?: string; uid?: string}}, kind: string, apiVersion: string) => [
      {apiVersion, kind, name: o.metadata!.name!, uid: o.metadata!.uid!, controller: true},
    ]
    const rs = await apps.createNamespacedReplicaSet({
      namespace: 'platform',
      body: {metadata: {name: 'collector-1', ownerReferences: owner(deploy, 'Deployment', 'apps/v1')}, spec: {selector: {matchLabels: {app: 'collector'}}}},
    })
    await core.createNamespacedPod({
      namespace: 'platform',
      body: pod('collector-1-x', {app: 'collector'}, {metadata: {name: 'collector-1-x', ownerReferences: owner(rs, 'ReplicaSet', 'apps/v1')}}),
    })
    await apps.deleteNamespacedDeployment({name: 'collector', namespace: 'platform'})
    expect((await statusOf(apps.readNamespacedReplicaSet({name: 'collector-1', namespace: 'platform'}))).code).toBe(404)
    expect((await statusOf(core.readNamespacedPod({name: 'collector-1-x', namespace: 'platform'}))).code).toBe(404)
  })
  test('finalizers hold an object until they are removed', async () => {
    await core.createNamespacedConfigMap({namespace: 'platform', body: {metadata: {name: 'held', finalizers: ['lab/hold']}}})
    await core.deleteNamespacedConfigMap({name: 'held', namespace: 'platform'})
    expect((await core.readNamespacedConfigMap({name: 'held', namespace: 'platform'})).metadata?.deletionTimestamp).toBeDefined()
    await core.patchNamespacedConfigMap(
      {name: 'held', namespace: 'platform', body: {metadata: {finalizers: null}}},
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )
    expect((await statusOf(core.readNamespacedConfigMap({name: 'held', namespace: 'platform'}))).code).toBe(404)
  })
})

describe('watch', () => {
  test('client-node Watch sees ADDED, MODIFIED and DELETED for matching objects', async () => {
    const seen: string[] = []
    const list = await core.listNamespacedConfigMap({namespace: 'platform'})
    const controller = await new Watch(config(ADMIN)).watch(
      '/api/v1/namespaces/platform/configmaps',
      {labelSelector: 'watched=yes', resourceVersion: list.metadata?.resourceVersion},
      (phase, obj) => seen.push(`${phase} ${obj.metadata.name}`),
      () => undefined,
    )
    await core.createNamespacedConfigMap({namespace: 'platform', body: {metadata: {name: 'w1', labels: {watched: 'yes'}}}})
    await core.createNamespacedConfigMap({namespace: 'platform', body: {metadata: {name: 'ignored'}}})
    await core.patchNamespacedConfigMap({name: 'w1', namespace: 'platform', body: {data: {k: 'v'}}}, setHeaderOptions('Content-Type', PatchStrategy.MergePatch))
    await core.deleteNamespacedConfigMap({name: 'w1', namespace: 'platform'})
    await eventually('three watch events', () => seen.length >= 3, 5000)
    controller.abort()
    expect(seen).toEqual(['ADDED w1', 'MODIFIED w1', 'DELETED w1'])
  })
})

describe('pods/portforward over WebSocket (client-node PortForward)', () => {
  /** A local listener whose every connection is forwarded to the pod, as `kubectl port-forward` does. */
  const forwardLocally = async (token: string, podName: string, port: number) => {
    const forward = new PortForward(config(token))
    const errors: string[] = []
    const local = createNetServer((socket) => {
      forward.portForward('platform', podName, [port], socket, null, socket).catch((e: Error) => {
        errors.push(e.message)
        socket.destroy()
      })
    })
    await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve))
    return {local, port: (local.address() as AddressInfo).port, errors}
  }

  test('HTTP through the forwarded port reaches the process behind the pod', async () => {
    const backend = createHttpServer((req, res) => res.end(`Ok. ${req.url}`))
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve))
    const backendPort = (backend.address() as AddressInfo).port
    await core.createNamespacedPod({
      namespace: 'platform',
      // The kubelet's part: a running pod whose container port is the backend's.
      body: pod(
        'chi-lab-0-0-0',
        {},
        {metadata: {name: 'chi-lab-0-0-0', annotations: {[FORWARD_ANNOTATION]: JSON.stringify({'8123': backendPort})}}, status: {phase: 'Running'}},
      ),
    })
    const {local, port} = await forwardLocally(ADMIN, 'chi-lab-0-0-0', 8123)
    try {
      for (const path of ['/ping', '/ping?again=1']) {
        const response = await fetch(`http://127.0.0.1:${port}${path}`, {headers: {connection: 'close'}})
        expect(await response.text()).toBe(`Ok. ${path}`)
      }
    } finally {
      local.close()
      backend.close()
    }
  })

  test('a pod that is not running refuses the stream, as its kubelet cannot take it', async () => {
    await core.createNamespacedPod({
      namespace: 'platform',
      body: pod('chi-lab-pending-0', {}, {metadata: {name: 'chi-lab-pending-0', annotations: {[FORWARD_ANNOTATION]: '{"8123": 1}'}}}),
    })
    const {local, port, errors} = await forwardLocally(ADMIN, 'chi-lab-pending-0', 8123)
    try {
      await expect(fetch(`http://127.0.0.1:${port}/ping`)).rejects.toThrow()
      expect(errors.join(' ')).toMatch(/400|not running/)
    } finally {
      local.close()
    }
  })

  test('the read-only token may not port-forward', async () => {
    const {local, port, errors} = await forwardLocally(READER, 'chi-lab-0-0-0', 8123)
    try {
      await fetch(`http://127.0.0.1:${port}/ping`).catch(() => undefined)
      await new Promise((r) => setTimeout(r, 100))
      expect(errors.join(' ')).toMatch(/403/)
    } finally {
      local.close()
    }
  })
})

describe('pods/log', () => {
  test('serves the process log behind the pod, with tailLines', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'signoz-ha-log-')), 'server.log')
    writeFileSync(log, 'starting\nloading tables\nready\n')
    await core.createNamespacedPod({namespace: 'platform', body: pod('logged', {}, {metadata: {name: 'logged', annotations: {[LOG_ANNOTATION]: log}}})})
    expect(await core.readNamespacedPodLog({name: 'logged', namespace: 'platform'})).toBe('starting\nloading tables\nready\n')
    expect(await core.readNamespacedPodLog({name: 'logged', namespace: 'platform', tailLines: 2})).toBe('loading tables\nready\n')
  })
  test('a pod without a process log is a 400 like a waiting container', async () => {
    await core.createNamespacedPod({namespace: 'platform', body: pod('silent')})
    expect((await statusOf(core.readNamespacedPodLog({name: 'silent', namespace: 'platform'}))).code).toBe(400)
  })
})

describe('custom resources and persistence', () => {
  test('a CRD makes its kind discoverable and servable', async () => {
    await config(ADMIN)
      .makeApiClient(ApiextensionsV1Api)
      .createCustomResourceDefinition({
        body: {
          metadata: {name: 'clickhouseinstallations.clickhouse.altinity.com'},
          spec: {
            group: 'clickhouse.altinity.com',
            names: {
              kind: 'ClickHouseInstallation',
              plural: 'clickhouseinstallations',
              shortNames: ['chi'],
              listKind: 'ClickHouseInstallationList',
              singular: 'clickhouseinstallation',
            },
            scope: 'Namespaced',
            versions: [{name: 'v1', served: true, storage: true, schema: {openAPIV3Schema: {type: 'object', x_kubernetes_preserve_unknown_fields: true}}}],
          },
        },
      })
    const custom = config(ADMIN).makeApiClient(CustomObjectsApi)
    await custom.createNamespacedCustomObject({
      group: 'clickhouse.altinity.com',
      version: 'v1',
      namespace: 'platform',
      plural: 'clickhouseinstallations',
      body: {
        apiVersion: 'clickhouse.altinity.com/v1',
        kind: 'ClickHouseInstallation',
        metadata: {name: 'signoz-clickhouse'},
        spec: {configuration: {clusters: [{name: 'cluster', layout: {shardsCount: 2, replicasCount: 2}}]}},
      },
    })
    const list = (await custom.listNamespacedCustomObject({
      group: 'clickhouse.altinity.com',
      version: 'v1',
      namespace: 'platform',
      plural: 'clickhouseinstallations',
    })) as {items: {metadata: {name: string}}[]}
    expect(list.items.map((i) => i.metadata.name)).toEqual(['signoz-clickhouse'])
  })
  test('a simulator restarted on its state file serves the same world', async () => {
    store.save()
    const reopened = new ObjectStore(file)
    const kind = reopened.kindByPath('clickhouse.altinity.com', 'v1', 'clickhouseinstallations')
    expect(kind).toBeDefined()
    expect(reopened.get(kind!, 'platform', 'signoz-clickhouse').metadata.uid).toBe(store.get(kind!, 'platform', 'signoz-clickhouse').metadata.uid)
    expect(Number(reopened.currentRevision())).toBe(Number(store.currentRevision()))
  })
})
