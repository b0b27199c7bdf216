import {existsSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'
import {createServer, type AddressInfo, type Server} from 'node:net'
// The kubeconfig alone on every run's path; the object API (and its model registry) only for writes.
import {KubeConfig} from '@kubernetes/client-node/dist/config.js'
import {rememberSessions, rememberedSessions} from './kube-connections.js'
import {KubeHttp, kubeReadVerdict, retryAfterOf, statusVerdict} from './kube-http.js'
import {READ_RETRIES, retrying, type RetryLog, type Verdict} from './retry.js'
import {UsageError} from '../core/errors.js'
import {GatewayError} from './errors.js'

export interface KubeConfigSource {
  kubeconfig?: string
  context?: string
  /** The pod's service account: KUBERNETES_SERVICE_HOST/PORT and the mounted token, CA and namespace. */
  inCluster?: boolean
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount'

/** In a pod as client-go sees it: the API's Service in the environment and a token mounted. */
function loadInCluster(config: KubeConfig): void {
  const {KUBERNETES_SERVICE_HOST: host, KUBERNETES_SERVICE_PORT: port} = process.env
  if (!host || !port)
    throw new UsageError(
      '--in-cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set (not running in a pod)',
      'outside a cluster give --kubeconfig PATH',
    )
  // SIGNOZ_HA_IN_CLUSTER_ROOT prefixes the standard mount (a chroot, or the lab's kubelet, which cannot mount at /var/run).
  const root = process.env.SIGNOZ_HA_IN_CLUSTER_ROOT ?? ''
  const dir = `${root}${SERVICE_ACCOUNT_DIR}`
  for (const file of ['token', 'ca.crt']) {
    if (!existsSync(join(dir, file)))
      throw new UsageError(
        `--in-cluster: no service-account ${file} at ${join(dir, file)}`,
        'the pod needs automountServiceAccountToken (or a projected token volume)',
      )
  }
  config.loadFromCluster(root)
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
const header = (ref: ObjectRef) => ({
  apiVersion: ref.apiVersion,
  kind: ref.kind,
  metadata: {name: ref.name, ...(ref.namespace ? {namespace: ref.namespace} : {})},
})
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
/** Kinds a support bundle lists besides the snapshot's (whole namespace; Secrets without a selector). */
export const BUNDLE_EXTRA_KINDS = ['configmaps', 'serviceaccounts', 'replicasets', 'daemonsets', 'cronjobs'] as const
export type ListKind = SnapshotKind | (typeof BUNDLE_EXTRA_KINDS)[number]

/** Where each kind is served: its API group and version, and whether it lives outside namespaces. */
export const KIND_API: Record<ListKind, {group: string; version: string; clusterScoped?: boolean}> = {
  pods: {group: '', version: 'v1'},
  services: {group: '', version: 'v1'},
  endpoints: {group: '', version: 'v1'},
  persistentvolumeclaims: {group: '', version: 'v1'},
  events: {group: '', version: 'v1'},
  secrets: {group: '', version: 'v1'},
  configmaps: {group: '', version: 'v1'},
  serviceaccounts: {group: '', version: 'v1'},
  nodes: {group: '', version: 'v1', clusterScoped: true},
  statefulsets: {group: 'apps', version: 'v1'},
  deployments: {group: 'apps', version: 'v1'},
  replicasets: {group: 'apps', version: 'v1'},
  daemonsets: {group: 'apps', version: 'v1'},
  jobs: {group: 'batch', version: 'v1'},
  cronjobs: {group: 'batch', version: 'v1'},
  poddisruptionbudgets: {group: 'policy', version: 'v1'},
  clickhouseinstallations: {group: 'clickhouse.altinity.com', version: 'v1'},
  customresourcedefinitions: {group: 'apiextensions.k8s.io', version: 'v1', clusterScoped: true},
}

/**
 * The Kubernetes API as doctor needs it. The only module that imports @kubernetes/client-node;
 * every failure is a GatewayError (unreachable, auth, forbidden, not-found, timeout).
 */
export class KubeGateway {
  /** API requests made, port-forward connections included (for --stats). */
  private calls = 0
  get requests(): number {
    return this.calls + this.http.upgrades + this.http.warmRequests
  }
  /** Connections opened to the API server (TCP and TLS handshakes), for --stats. */
  get connectionsOpened(): number {
    return this.http.connectionsOpened
  }
  /** The reads that needed more than one attempt (the API server shedding load, restarting, a reset connection). */
  get retried(): RetryLog {
    return this.http.retries
  }
  /** Port-forward connections to the API server (a SPDY session per pod; a WebSocket per connection where SPDY is refused), for --stats. */
  get streamsOpened(): number {
    return this.http.upgrades
  }
  private readonly forwards: Server[] = []
  /** Open port-forward streams and their local sockets, ended by close() so the process can exit. */
  private readonly streams = new Set<{close(): void}>()
  private readonly sockets = new Set<import('node:net').Socket>()
  readonly context: string
  readonly namespace: string | undefined

  private readonly http: KubeHttp
  private warmed = false

  /**
   * At the first LIST of a run: once the run's first reads are all on their way (the snapshot
   * sends its LISTs together), opens the connections the port-forwards will need beyond those
   * (the sessions the last run against this server opened, and one read beside them), so that
   * no upgrade waits for a TCP and a TLS handshake of its own (kube-connections.ts).
   */
  private warmOnce(): void {
    if (this.warmed) return
    this.warmed = true
    const needed = rememberedSessions(this.server)
    if (needed > 0) setImmediate(() => this.http.warm(needed + 1 - this.http.inFlight))
  }

  private constructor(private readonly config: KubeConfig) {
    this.http = new KubeHttp(config)
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
  static open(target: KubeConfigSource): KubeGateway {
    const config = new KubeConfig()
    if (target.inCluster) {
      loadInCluster(config)
      return new KubeGateway(config)
    }
    if (target.kubeconfig && !existsSync(target.kubeconfig)) throw new UsageError(`kubeconfig ${target.kubeconfig} does not exist`)
    // Without one, the client library would aim at http://localhost:8080 and fail with a TLS message.
    if (!KubeGateway.configured(target.kubeconfig)) {
      throw new UsageError(
        'no kubeconfig: no --kubeconfig, no KUBECONFIG, no ~/.kube/config, and not running in a pod',
        'give --kubeconfig PATH (or set KUBECONFIG)',
      )
    }
    try {
      if (target.kubeconfig) config.loadFromFile(target.kubeconfig)
      else config.loadFromDefault()
    } catch (error) {
      throw new UsageError(`cannot read the kubeconfig: ${(error as Error).message.split('\n')[0]}`)
    }
    if (target.context) {
      if (!config.getContexts().some((c) => c.name === target.context)) {
        throw new UsageError(
          `no context "${target.context}" in the kubeconfig`,
          `contexts: ${
            config
              .getContexts()
              .map((c) => c.name)
              .join(', ') || 'none'
          }`,
        )
      }
      config.setCurrentContext(target.context)
    }
    if (!config.getCurrentCluster()) throw new UsageError('the kubeconfig has no current context with a cluster', 'pass --context or set current-context')
    return new KubeGateway(config)
  }

  get server(): string {
    return this.config.getCurrentCluster()?.server ?? ''
  }

  /** The API path of one LIST of a snapshot kind. */
  private static listPath(kind: ListKind, namespace: string): string {
    const {group, version, clusterScoped} = KIND_API[kind]
    const base = group ? `/apis/${group}/${version}` : `/api/${version}`
    // Cluster-scoped and large: only the installation CRD, by name.
    if (kind === 'customresourcedefinitions') return `${base}/customresourcedefinitions?fieldSelector=${encodeURIComponent(`metadata.name=${CHI_CRD}`)}`
    return clusterScoped ? `${base}/${kind}` : `${base}/namespaces/${encodeURIComponent(namespace)}/${kind}`
  }

  /** One LIST of a kind, in a namespace (or cluster-wide for nodes); plain JSON items. */
  async list(kind: ListKind, namespace: string, labelSelector?: string): Promise<KubeItem[]> {
    this.warmOnce()
    this.calls++
    const path = KubeGateway.listPath(kind, namespace)
    const query = labelSelector ? `${path.includes('?') ? '&' : '?'}labelSelector=${encodeURIComponent(labelSelector)}` : ''
    try {
      return ((await this.http.get(`${path}${query}`)) as {items?: KubeItem[]}).items ?? []
    } catch (error) {
      throw translate(error, `${kind} in ${namespace}`, this.server)
    }
  }

  /**
   * A LIST of a custom resource in a namespace (VolumeSnapshots, say); undefined when the API does
   * not serve that resource at all (its CRD is not installed).
   */
  async listCustom(group: string, version: string, plural: string, namespace: string): Promise<KubeItem[] | undefined> {
    this.calls++
    try {
      return ((await this.http.get(`/apis/${group}/${version}/namespaces/${encodeURIComponent(namespace)}/${plural}`)) as {items?: KubeItem[]}).items ?? []
    } catch (error) {
      const e = translate(error, `${plural}.${group} in ${namespace}`, this.server)
      if (e.kind === 'not-found') return undefined
      throw e
    }
  }

  /** One LIST of a kind across every namespace (finding which namespace holds a release). */
  async listAllNamespaces(kind: 'secrets', labelSelector?: string): Promise<KubeItem[]> {
    this.calls++
    try {
      return (
        ((await this.http.get(`/api/v1/secrets${labelSelector ? `?labelSelector=${encodeURIComponent(labelSelector)}` : ''}`)) as {items?: KubeItem[]}).items ??
        []
      )
    } catch (error) {
      throw translate(error, `${kind} in all namespaces`, this.server)
    }
  }

  async readSecret(namespace: string, name: string): Promise<KubeItem> {
    this.calls++
    try {
      return (await this.http.get(`/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(name)}`)) as KubeItem
    } catch (error) {
      throw translate(error, `secret ${name} in ${namespace}`, this.server)
    }
  }

  /**
   * The last lines of a pod's log (a failed Job's reason); with previous, the container's run
   * before the current one (what a crash printed). sinceSeconds and limitBytes bound it.
   */
  async podLog(
    namespace: string,
    name: string,
    tailLines = 20,
    container?: string,
    options: {previous?: boolean; sinceSeconds?: number; limitBytes?: number} = {},
  ): Promise<string> {
    this.calls++
    try {
      const query = new URLSearchParams({tailLines: String(tailLines)})
      if (container) query.set('container', container)
      if (options.previous) query.set('previous', 'true')
      if (options.sinceSeconds) query.set('sinceSeconds', String(Math.max(1, Math.floor(options.sinceSeconds))))
      if (options.limitBytes) query.set('limitBytes', String(options.limitBytes))
      return String(await this.http.get(`/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/log?${query}`, 'text'))
    } catch (error) {
      throw translate(error, `the log of pod ${name}${container ? ` container ${container}` : ''}${options.previous ? ' (previous)' : ''}`, this.server)
    }
  }

  /**
   * What the kubeconfig authenticates with (token, password, client key): values a bundle must
   * never contain, so it scrubs them. Never printed.
   */
  credentialValues(): string[] {
    const user = this.config.getCurrentUser() as {token?: string; password?: string; keyData?: string; certData?: string} | null
    return [user?.token, user?.password, user?.keyData].filter((v): v is string => Boolean(v))
  }

  /**
   * A request through client-node, repeated as the verdict allows: a read while the API server
   * sheds load, restarts or drops the connection; a write only when it was refused with 429,
   * which priority and fairness answers before the request is processed (anything else may have
   * been applied, and is the answer).
   */
  private retrying<T>(request: string, kind: 'read' | 'write', run: () => Promise<T>): Promise<T> {
    return retrying(request, run, (error) => clientNodeVerdict(error, kind), {policy: READ_RETRIES, log: this.http.retries})
  }

  /** One object by kind and name; undefined when it does not exist. */
  async getObject(ref: ObjectRef): Promise<KubeItem | undefined> {
    this.calls++
    try {
      return plain(await this.retrying(`GET ${describeRef(ref)}`, 'read', async () => (await objectApi(this.config)).read(header(ref))))
    } catch (error) {
      const e = translate(error, describeRef(ref), this.server)
      if (e.kind === 'not-found') return undefined
      throw e
    }
  }

  /** A strategic-merge patch (merge patch for custom resources, which have no patch strategy). */
  async patchObject(ref: ObjectRef, patch: Record<string, unknown>): Promise<KubeItem> {
    this.calls++
    const {PatchStrategy} = await import('@kubernetes/client-node')
    const strategy = ref.apiVersion.includes('.') && !ref.apiVersion.startsWith('apps/') ? PatchStrategy.MergePatch : PatchStrategy.StrategicMergePatch
    try {
      // The patch may carry metadata (annotations): the object's name and namespace stay in it.
      const {metadata, ...rest} = patch as {metadata?: Record<string, unknown>}
      return plain(
        await this.retrying(`PATCH ${describeRef(ref)}`, 'write', async () =>
          (await objectApi(this.config)).patch(
            {...header(ref), ...rest, metadata: {...metadata, ...header(ref).metadata}},
            undefined,
            undefined,
            'signoz-ha',
            undefined,
            strategy,
          ),
        ),
      )
    } catch (error) {
      throw translate(error, describeRef(ref), this.server)
    }
  }

  async createObject(object: KubeItem & {apiVersion: string; kind: string}): Promise<KubeItem> {
    this.calls++
    try {
      return plain(
        await this.retrying(`POST ${object.kind}/${object.metadata?.name}`, 'write', async () =>
          (await objectApi(this.config)).create(object as never, undefined, undefined, 'signoz-ha'),
        ),
      )
    } catch (error) {
      throw translate(error, `${object.kind} ${object.metadata?.name}`, this.server)
    }
  }

  /**
   * Replaces an object as it was read: its metadata.resourceVersion is the precondition, so a
   * write from someone else in between is a 409 (GatewayError code 409), never overwritten.
   */
  async replaceObject(object: KubeItem & {apiVersion: string; kind: string}): Promise<KubeItem> {
    this.calls++
    try {
      return plain(
        await this.retrying(`PUT ${object.kind}/${object.metadata?.name}`, 'write', async () =>
          (await objectApi(this.config)).replace(object as never, undefined, undefined, 'signoz-ha'),
        ),
      )
    } catch (error) {
      throw translate(error, `${object.kind} ${object.metadata?.name}`, this.server)
    }
  }

  /** Deletes one object; true when it was there. Dependents go with it (background propagation). */
  async deleteObject(ref: ObjectRef): Promise<boolean> {
    this.calls++
    try {
      await this.retrying(`DELETE ${describeRef(ref)}`, 'write', async () =>
        (await objectApi(this.config)).delete(header(ref), undefined, undefined, undefined, undefined, 'Background'),
      )
      return true
    } catch (error) {
      const e = translate(error, describeRef(ref), this.server)
      if (e.kind === 'not-found') return false
      throw e
    }
  }

  /** Stops every local port-forward listener. */
  async close(): Promise<void> {
    for (const stream of this.streams) stream.close()
    for (const socket of this.sockets) socket.destroy()
    await Promise.all(this.forwards.map((server) => new Promise((resolve) => server.close(resolve))))
    this.http.close()
    rememberSessions(this.server, this.http.upgrades)
  }

  /**
   * A local port on 127.0.0.1 forwarded to a pod's port, as `kubectl port-forward` does: each
   * TCP connection is one port-forward stream through the API server. Closed by close().
   */
  async forward(namespace: string, pod: string, port: number): Promise<Forwarded> {
    const errors: string[] = []
    // The pod's session opens now, while the caller does other work (reads credentials).
    this.http.session(namespace, pod).catch(() => undefined)
    const server = createServer((socket) => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
      socket.on('error', () => undefined)
      this.http
        .portForward(namespace, pod, port, socket, (message) => errors.push(message))
        .then(
          (stream) => this.streams.add(stream),
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

/** client-node's object API, loaded when the first write needs it. */
async function objectApi(config: KubeConfig) {
  const {KubernetesObjectApi} = await import('@kubernetes/client-node')
  return KubernetesObjectApi.makeApiClient(config as never)
}

/** client-node's errors (ApiException: code, headers) judged as KubeHttp's are: see KubeGateway.retrying. */
export function clientNodeVerdict(error: unknown, kind: 'read' | 'write'): Verdict {
  const e = error as {code?: number | string; headers?: Record<string, string>; message?: string}
  if (typeof e?.code === 'number') return statusVerdict(e.code, retryAfterOf(e.headers?.['retry-after'] ?? e.headers?.['Retry-After']), kind)
  if (kind === 'write') return {retry: false}
  return kubeReadVerdict(error)
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
