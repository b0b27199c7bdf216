import {existsSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'
import {createServer, type AddressInfo, type Server} from 'node:net'
import {ApiextensionsV1Api, AppsV1Api, BatchV1Api, CoreV1Api, CustomObjectsApi, KubeConfig, KubernetesObjectApi, PatchStrategy, PolicyV1Api, PortForward} from '@kubernetes/client-node'
import {UsageError} from '../core/errors.js'
import {GatewayError} from './errors.js'

export interface KubeTarget {
  kubeconfig?: string
  context?: string
}

/** A Kubernetes object as doctor reads it: plain JSON, no client classes. */
export type KubeItem = {
  metadata?: {name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; uid?: string; [k: string]: unknown}
  spec?: Record<string, unknown>
  status?: Record<string, unknown>
  [k: string]: unknown
}

/** One object the remediation engine reads or changes. */
export interface ObjectRef {
  apiVersion: string
  kind: string
  name: string
  namespace?: string
}
const header = (ref: ObjectRef) => ({apiVersion: ref.apiVersion, kind: ref.kind, metadata: {name: ref.name, ...(ref.namespace ? {namespace: ref.namespace} : {})}})
export const describeRef = (ref: ObjectRef): string => `${ref.kind}/${ref.name}${ref.namespace ? ` in ${ref.namespace}` : ''}`
/** Plain JSON: callers never see client classes (Dates become ISO strings). */
const plain = (value: unknown): KubeItem => JSON.parse(JSON.stringify(value)) as KubeItem

/** The kinds topology discovery reads, one LIST each per run. */
export const SNAPSHOT_KINDS = [
  'pods',
  'services',
  'endpoints',
  'persistentvolumeclaims',
  'events',
  'secrets',
  'nodes',
  'statefulsets',
  'deployments',
  'jobs',
  'poddisruptionbudgets',
  'clickhouseinstallations',
  'customresourcedefinitions',
] as const

/** The one CRD doctor reads (its version label against the operator's image); never the whole list. */
export const CHI_CRD = 'clickhouseinstallations.clickhouse.altinity.com'
export type SnapshotKind = (typeof SNAPSHOT_KINDS)[number]

/**
 * The Kubernetes API as doctor needs it. The only module that imports @kubernetes/client-node;
 * every failure is a GatewayError (unreachable, auth, forbidden, not-found, timeout).
 */
export class KubeGateway {
  /** API requests made, port-forward streams included (for --stats). */
  requests = 0
  /** Port-forward streams opened (for --stats). */
  streamsOpened = 0
  private readonly forwards: Server[] = []
  /** Open port-forward streams and their local sockets, ended by close() so the process can exit. */
  private readonly streams = new Set<{terminate?: () => void; close?: () => void}>()
  private readonly sockets = new Set<import('node:net').Socket>()
  readonly context: string
  readonly namespace: string | undefined

  private constructor(private readonly config: KubeConfig) {
    this.context = config.getCurrentContext()
    this.namespace = config.getContextObject(this.context)?.namespace
  }

  /** Whether a kubeconfig is there to use: the flag, KUBECONFIG, ~/.kube/config, or in-cluster. */
  static configured(kubeconfig?: string): boolean {
    if (kubeconfig) return true
    if (process.env.KUBECONFIG) return true
    if (process.env.KUBERNETES_SERVICE_HOST) return true
    return existsSync(join(homedir(), '.kube', 'config'))
  }

  /** Loads the kubeconfig (flag, KUBECONFIG, ~/.kube/config, or in-cluster); bad input is a usage error. */
  static open(target: KubeTarget): KubeGateway {
    const config = new KubeConfig()
    if (target.kubeconfig && !existsSync(target.kubeconfig)) throw new UsageError(`kubeconfig ${target.kubeconfig} does not exist`)
    // Without one, the client library would aim at http://localhost:8080 and fail with a TLS message.
    if (!KubeGateway.configured(target.kubeconfig)) {
      throw new UsageError('no kubeconfig: no --kubeconfig, no KUBECONFIG, no ~/.kube/config, and not running in a pod', 'give --kubeconfig PATH (or set KUBECONFIG)')
    }
    try {
      if (target.kubeconfig) config.loadFromFile(target.kubeconfig)
      else config.loadFromDefault()
    } catch (error) {
      throw new UsageError(`cannot read the kubeconfig: ${(error as Error).message.split('\n')[0]}`)
    }
    if (target.context) {
      if (!config.getContexts().some((c) => c.name === target.context)) {
        throw new UsageError(`no context "${target.context}" in the kubeconfig`, `contexts: ${config.getContexts().map((c) => c.name).join(', ') || 'none'}`)
      }
      config.setCurrentContext(target.context)
    }
    if (!config.getCurrentCluster()) throw new UsageError('the kubeconfig has no current context with a cluster', 'pass --context or set current-context')
    return new KubeGateway(config)
  }

  get server(): string {
    return this.config.getCurrentCluster()?.server ?? ''
  }

  /** One LIST of a kind, in a namespace (or cluster-wide for nodes). */
  async list(kind: SnapshotKind, namespace: string, labelSelector?: string): Promise<KubeItem[]> {
    this.requests++
    const core = () => this.config.makeApiClient(CoreV1Api)
    const apps = () => this.config.makeApiClient(AppsV1Api)
    const params = {namespace, labelSelector}
    try {
      const result = await (() => {
        switch (kind) {
          case 'pods':
            return core().listNamespacedPod(params)
          case 'services':
            return core().listNamespacedService(params)
          case 'endpoints':
            return core().listNamespacedEndpoints(params)
          case 'persistentvolumeclaims':
            return core().listNamespacedPersistentVolumeClaim(params)
          case 'events':
            return core().listNamespacedEvent(params)
          case 'secrets':
            return core().listNamespacedSecret(params)
          case 'nodes':
            return core().listNode({labelSelector})
          case 'statefulsets':
            return apps().listNamespacedStatefulSet(params)
          case 'deployments':
            return apps().listNamespacedDeployment(params)
          case 'jobs':
            return this.config.makeApiClient(BatchV1Api).listNamespacedJob(params)
          case 'poddisruptionbudgets':
            return this.config.makeApiClient(PolicyV1Api).listNamespacedPodDisruptionBudget(params)
          case 'clickhouseinstallations':
            return this.config
              .makeApiClient(CustomObjectsApi)
              .listNamespacedCustomObject({group: 'clickhouse.altinity.com', version: 'v1', plural: 'clickhouseinstallations', namespace, labelSelector})
          case 'customresourcedefinitions':
            // Cluster-scoped and large: only the installation CRD, by name.
            return this.config.makeApiClient(ApiextensionsV1Api).listCustomResourceDefinition({fieldSelector: `metadata.name=${CHI_CRD}`})
        }
      })()
      // Plain JSON from here on: checks never see client classes (Dates become ISO strings).
      return (JSON.parse(JSON.stringify((result as {items?: unknown[]}).items ?? [])) as KubeItem[])
    } catch (error) {
      throw translate(error, `${kind} in ${namespace}`, this.server)
    }
  }

  /**
   * A LIST of a custom resource in a namespace (VolumeSnapshots, say); undefined when the API does
   * not serve that resource at all (its CRD is not installed).
   */
  async listCustom(group: string, version: string, plural: string, namespace: string): Promise<KubeItem[] | undefined> {
    this.requests++
    try {
      const result = await this.config.makeApiClient(CustomObjectsApi).listNamespacedCustomObject({group, version, plural, namespace})
      return JSON.parse(JSON.stringify((result as {items?: unknown[]}).items ?? [])) as KubeItem[]
    } catch (error) {
      const e = translate(error, `${plural}.${group} in ${namespace}`, this.server)
      if (e.kind === 'not-found') return undefined
      throw e
    }
  }

  /** One LIST of a kind across every namespace (finding which namespace holds a release). */
  async listAllNamespaces(kind: 'secrets', labelSelector?: string): Promise<KubeItem[]> {
    this.requests++
    try {
      const result = await this.config.makeApiClient(CoreV1Api).listSecretForAllNamespaces({labelSelector})
      return JSON.parse(JSON.stringify(result.items ?? [])) as KubeItem[]
    } catch (error) {
      throw translate(error, `${kind} in all namespaces`, this.server)
    }
  }

  async readSecret(namespace: string, name: string): Promise<KubeItem> {
    this.requests++
    try {
      return JSON.parse(JSON.stringify(await this.config.makeApiClient(CoreV1Api).readNamespacedSecret({namespace, name}))) as KubeItem
    } catch (error) {
      throw translate(error, `secret ${name} in ${namespace}`, this.server)
    }
  }

  /** The last lines of a pod's log (a failed Job's reason). */
  async podLog(namespace: string, name: string, tailLines = 20, container?: string): Promise<string> {
    this.requests++
    try {
      return String(await this.config.makeApiClient(CoreV1Api).readNamespacedPodLog({namespace, name, tailLines, container}))
    } catch (error) {
      throw translate(error, `the log of pod ${name}`, this.server)
    }
  }

  /** One object by kind and name; undefined when it does not exist. */
  async getObject(ref: ObjectRef): Promise<KubeItem | undefined> {
    this.requests++
    try {
      return plain(await KubernetesObjectApi.makeApiClient(this.config).read(header(ref)))
    } catch (error) {
      const e = translate(error, describeRef(ref), this.server)
      if (e.kind === 'not-found') return undefined
      throw e
    }
  }

  /** A strategic-merge patch (merge patch for custom resources, which have no patch strategy). */
  async patchObject(ref: ObjectRef, patch: Record<string, unknown>): Promise<KubeItem> {
    this.requests++
    const strategy = ref.apiVersion.includes('.') && !ref.apiVersion.startsWith('apps/') ? PatchStrategy.MergePatch : PatchStrategy.StrategicMergePatch
    try {
      return plain(await KubernetesObjectApi.makeApiClient(this.config).patch({...header(ref), ...patch}, undefined, undefined, 'signoz-ha', undefined, strategy))
    } catch (error) {
      throw translate(error, describeRef(ref), this.server)
    }
  }

  async createObject(object: KubeItem & {apiVersion: string; kind: string}): Promise<KubeItem> {
    this.requests++
    try {
      return plain(await KubernetesObjectApi.makeApiClient(this.config).create(object as never, undefined, undefined, 'signoz-ha'))
    } catch (error) {
      throw translate(error, `${object.kind} ${object.metadata?.name}`, this.server)
    }
  }

  /** Deletes one object; true when it was there. Dependents go with it (background propagation). */
  async deleteObject(ref: ObjectRef): Promise<boolean> {
    this.requests++
    try {
      await KubernetesObjectApi.makeApiClient(this.config).delete(header(ref), undefined, undefined, undefined, undefined, 'Background')
      return true
    } catch (error) {
      const e = translate(error, describeRef(ref), this.server)
      if (e.kind === 'not-found') return false
      throw e
    }
  }

  /** Stops every local port-forward listener. */
  async close(): Promise<void> {
    for (const ws of this.streams) (ws.terminate ?? ws.close)?.call(ws)
    for (const socket of this.sockets) socket.destroy()
    await Promise.all(this.forwards.map((server) => new Promise((resolve) => server.close(resolve))))
  }

  /**
   * A local port on 127.0.0.1 forwarded to a pod's port, as `kubectl port-forward` does: each
   * TCP connection is one port-forward stream through the API server. Closed by close().
   */
  async forward(namespace: string, pod: string, port: number): Promise<Forwarded> {
    const forwarder = new PortForward(this.config)
    const errors: string[] = []
    const server = createServer((socket) => {
      this.requests++
      this.streamsOpened++
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
      socket.on('error', () => undefined)
      forwarder.portForward(namespace, pod, [port], socket, null, socket).then(
        (ws) => {
          const s = ws as unknown as {on?: (event: string, listener: (...args: unknown[]) => void) => void; terminate?: () => void; close?: () => void}
          this.streams.add(s)
          s.on?.('error', (e: unknown) => errors.push(String((e as Error)?.message ?? e)))
          // The stream ended (the process went away): end the local connection too, so callers see it at once.
          s.on?.('close', () => socket.destroy())
        },
        (error: unknown) => {
          errors.push(translate(error, `port-forward to ${pod}`, this.server).message)
          socket.destroy()
        },
      )
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', resolve)
    })
    server.unref()
    this.forwards.push(server)
    return {port: (server.address() as AddressInfo).port, errors}
  }
}

export interface Forwarded {
  port: number
  /** Failures of the forwarded streams (pod not running, forbidden), newest last. */
  errors: string[]
}

function translate(error: unknown, what: string, server: string): GatewayError {
  const e = error as {code?: number | string; message?: string; body?: unknown}
  if (typeof e.code === 'number') {
    const reason = (() => {
      try {
        return (typeof e.body === 'string' ? (JSON.parse(e.body) as {message?: string}) : (e.body as {message?: string}))?.message
      } catch {
        return undefined
      }
    })()
    if (e.code === 401) return new GatewayError('auth', `the API server rejected the credentials listing ${what}`, server, 401)
    if (e.code === 403) return new GatewayError('forbidden', reason ?? `forbidden to list ${what}`, server, 403)
    if (e.code === 404) return new GatewayError('not-found', `${what}: the API does not serve this kind`, server, 404)
    return new GatewayError('server', reason ?? `HTTP ${e.code} listing ${what}`, server, e.code)
  }
  const message = e.message ?? String(error)
  if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ECONNRESET|socket hang up|fetch failed/i.test(`${e.code} ${message}`)) {
    return new GatewayError('unreachable', `cannot reach the API server ${server} (${e.code ?? message.split('\n')[0]})`, server)
  }
  if (/timeout|aborted/i.test(message)) return new GatewayError('timeout', `the API server ${server} did not answer in time`, server)
  return new GatewayError('server', message.split('\n')[0]!, server)
}
