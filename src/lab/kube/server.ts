import {existsSync, readFileSync} from 'node:fs'
import type {IncomingMessage, Server, ServerResponse} from 'node:http'
import {createServer} from 'node:https'
import type {AddressInfo} from 'node:net'
import {parse as parseYaml} from 'yaml'
import type {ResourceKind} from './resources.js'
import {openApiGroupVersion, openApiIndex} from './openapi.js'
import {jsonPatch, mergePatch, strategicMergePatch} from './patch.js'
import {servePortForward} from './portforward.js'
import {PROTOBUF_CONTENT_TYPE, decodeProtobufObject} from './protobuf.js'
import {matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector} from './selectors.js'
import {ApiError, badRequest, forbidden, forbiddenRequest, methodNotAllowed, notFound, unauthorized} from './status.js'
import {rbacAllows, serviceAccountOfToken, serviceAccountUser, type RequestAttributes} from './rbac.js'
import type {Principal, WireFaults} from './request-context.js'
import {ObjectStore, type KubeObject, type WatchEvent} from './store.js'
import {toTable, wantsTable, type IncludeObject} from './tables.js'
import {CONTAINER_LOGS_ANNOTATION, type ContainerLogs} from './controllers/task-pods.js'

/** Annotation the lab's controllers put on a pod: the log file of the real process behind it. */
export const LOG_ANNOTATION = 'lab.signoz-ha.io/log-file'
/** {current, previous}: byte offsets in the log file where the container's current and previous runs begin. */
export const LOG_RUNS_ANNOTATION = 'lab.signoz-ha.io/log-runs'

export interface SimulatorOptions {
  store: ObjectStore
  /** Served over HTTPS only, like a real API server (client-go sends tokens only over TLS). */
  tls: {cert: string; key: string}
  /** Bearer token → who it is. */
  tokens: ReadonlyMap<string, Principal>
  /** The key service-account tokens are signed with (the lab kubelet projects them into pods). */
  serviceAccountKey?: string
  /** false: SPDY upgrades refused (an API server behind a proxy that passes WebSockets only). */
  portForwardSpdy?: boolean
  /** The wire faults in force now (lab break api-throttle, api-errors), read at each request. */
  wireFaults?: () => WireFaults | undefined
}

/** The user agent of the lab's own client: never throttled by a wire fault. */
export const LAB_USER_AGENT = 'signoz-ha-lab'

const PUBLIC_PATHS = new Set(['/version', '/healthz', '/readyz', '/livez'])

const WRITE_VERBS: Record<string, string> = {POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete'}

interface Route {
  kind: ResourceKind
  namespace?: string
  name?: string
  subresource?: string
}

/**
 * The lab's Kubernetes API server: the REST API that @kubernetes/client-node, kubectl and Helm
 * speak (discovery, CRUD, selectors, patches, watch, Status errors), over the ObjectStore.
 */
export class KubeApiSimulator {
  private server?: Server
  requests = 0
  /** Requests a wire fault applies to, counted to pick every Nth. */
  private faultable = 0
  private slowable = 0

  constructor(private readonly options: SimulatorOptions) {}

  async listen(port = 0): Promise<number> {
    this.server = createServer({cert: this.options.tls.cert, key: this.options.tls.key}, (req, res) => void this.handle(req, res))
    servePortForward(
      this.server,
      this.options.store,
      (req) => {
        try {
          return this.authenticate(req)
        } catch {
          return undefined
        }
      },
      {spdy: this.options.portForwardSpdy, faults: () => this.options.wireFaults?.()},
    )
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve))
    return (this.server.address() as AddressInfo).port
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections()
    await new Promise((resolve) => this.server?.close(resolve))
  }

  get httpServer(): Server | undefined {
    return this.server
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requests++
    try {
      const url = new URL(req.url ?? '/', 'http://simulator')
      const path = url.pathname.replace(/\/+$/, '') || '/'
      // Like a real cluster, health and version are public; everything else needs a token.
      if (req.method === 'GET' && PUBLIC_PATHS.has(path) && this.discovery(path, res)) return
      const principal = this.authenticate(req)
      await this.slowDown(req)
      if (this.injectWireFault(req, res)) return
      if (req.method === 'GET' && this.discovery(path, res)) return
      const route = this.route(path)
      if (!route) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource')
      const verb = WRITE_VERBS[req.method ?? 'GET']
      if (verb && principal.readOnly) throw forbidden(principal.user, verb, route.kind.plural, route.kind.group, route.namespace)
      const request = requestAttributes(route, req.method ?? 'GET', url)
      if (principal.denied?.includes(route.kind.plural)) throw forbidden(principal.user, request.verb, route.kind.plural, route.kind.group, route.namespace)
      if (principal.serviceAccount && !rbacAllows(this.options.store, principal.serviceAccount, request)) throw forbiddenRequest(principal.user, request)
      await this.resource(route, req, res, url)
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError(500, 'InternalError', `Internal error occurred: ${(error as Error).message}`)
      if (!res.headersSent) send(res, apiError.code, apiError.toStatus())
      else res.end()
    }
  }

  /** api-slow: every Nth plain read (not the lab's own, not a stream's upgrade) waits before it is answered. */
  private async slowDown(req: IncomingMessage): Promise<void> {
    const slow = this.options.wireFaults?.()?.slow
    if (!slow || req.method !== 'GET' || req.headers.upgrade || req.headers['user-agent'] === LAB_USER_AGENT) return
    if (++this.slowable % slow.everyNth === 0) await new Promise((resolve) => setTimeout(resolve, slow.delayMs))
  }

  /** A wire fault's answer instead of the real one, for every Nth request that is not the lab's own. */
  private injectWireFault(req: IncomingMessage, res: ServerResponse): boolean {
    const faults = this.options.wireFaults?.()
    if (!faults || req.headers['user-agent'] === LAB_USER_AGENT) return false
    const n = ++this.faultable
    if (faults.throttle && n % faults.throttle.everyNth === 0) {
      const retryAfter = faults.throttle.retryAfterSeconds
      const status = new ApiError(429, 'TooManyRequests', 'Too many requests, please try again later.', {retryAfterSeconds: retryAfter} as never).toStatus()
      const text = JSON.stringify(status)
      res.writeHead(429, {'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'retry-after': String(retryAfter)})
      res.end(text)
      return true
    }
    if (faults.errors && n % faults.errors.everyNth === 0) {
      const code = faults.errors.code
      send(
        res,
        code,
        new ApiError(
          code,
          code === 503 ? 'ServiceUnavailable' : 'InternalError',
          code === 503 ? 'the server is currently unable to handle the request' : 'Internal error occurred: etcdserver: request timed out',
        ).toStatus(),
      )
      return true
    }
    return false
  }

  private authenticate(req: IncomingMessage): Principal {
    const header = req.headers.authorization ?? ''
    const token = /^Bearer\s+(.+)$/i.exec(header)?.[1]
    const principal = token ? (this.options.tokens.get(token) ?? this.serviceAccountPrincipal(token)) : undefined
    if (!principal) throw unauthorized()
    return principal
  }

  /** A projected token is valid while its ServiceAccount exists, as a bound token is. */
  private serviceAccountPrincipal(token: string): Principal | undefined {
    const key = this.options.serviceAccountKey
    const sa = key ? serviceAccountOfToken(key, token) : undefined
    if (!sa) return undefined
    const kind = this.options.store.kindByPath('', 'v1', 'serviceaccounts')
    if (!kind || !this.options.store.tryGet(kind, sa.namespace, sa.name)) return undefined
    return {user: serviceAccountUser(sa), readOnly: false, serviceAccount: sa}
  }

  /** /version, /api, /apis and each group/version's resource list. */
  private discovery(path: string, res: ServerResponse): boolean {
    const kinds = this.options.store.allKinds()
    if (path === '/version') {
      send(res, 200, {
        major: '1',
        minor: '31',
        gitVersion: 'v1.31.0-signoz-ha-lab',
        gitCommit: 'lab',
        gitTreeState: 'clean',
        buildDate: '2026-01-01T00:00:00Z',
        goVersion: 'go1.23',
        compiler: 'gc',
        platform: 'linux/amd64',
      })
      return true
    }
    if (path === '/api') {
      send(res, 200, {kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1'}]})
      return true
    }
    if (path === '/apis') {
      const groups = new Map<string, Set<string>>()
      for (const k of kinds) if (k.group) groups.set(k.group, (groups.get(k.group) ?? new Set()).add(k.version))
      send(res, 200, {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: [...groups].map(([name, versions]) => {
          const list = [...versions].map((version) => ({groupVersion: `${name}/${version}`, version}))
          return {name, versions: list, preferredVersion: list[0]}
        }),
      })
      return true
    }
    const gv = /^\/api\/(v1)$|^\/apis\/([^/]+)\/([^/]+)$/.exec(path)
    if (gv) {
      const group = gv[2] ?? ''
      const version = gv[1] ?? gv[3]!
      const served = kinds.filter((k) => k.group === group && k.version === version)
      if (served.length === 0) return false
      send(res, 200, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: group ? `${group}/${version}` : version,
        resources: served.flatMap((k) => [
          {
            name: k.plural,
            singularName: k.kind.toLowerCase(),
            namespaced: k.namespaced,
            kind: k.kind,
            verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
            ...(k.shortNames?.length ? {shortNames: k.shortNames} : {}),
            ...(k.categories?.length ? {categories: k.categories} : {}),
          },
          ...(k.subresources ?? []).map((sub) => ({
            name: `${k.plural}/${sub}`,
            singularName: '',
            namespaced: k.namespaced,
            kind: sub === 'status' ? k.kind : sub === 'scale' ? 'Scale' : sub === 'log' ? 'Pod' : 'PodPortForwardOptions',
            verbs: sub === 'status' || sub === 'scale' ? ['get', 'patch', 'update'] : sub === 'log' ? ['get'] : ['create', 'get'],
          })),
        ]),
      })
      return true
    }
    if (path === '/openapi/v3') {
      send(res, 200, openApiIndex(kinds))
      return true
    }
    if (path.startsWith('/openapi/v3/')) {
      const doc = openApiGroupVersion(kinds, path.slice('/openapi/v3/'.length))
      if (!doc) return false
      send(res, 200, doc)
      return true
    }
    if (path === '/healthz' || path === '/readyz' || path === '/livez') {
      res.writeHead(200, {'content-type': 'text/plain'}).end('ok')
      return true
    }
    return false
  }

  /** Maps a resource URL to its kind, namespace, name and subresource. */
  private route(path: string): Route | undefined {
    const m = /^\/api\/(v1)\/(.*)$|^\/apis\/([^/]+)\/([^/]+)\/(.*)$/.exec(path)
    if (!m) return undefined
    const group = m[3] ?? ''
    const version = m[1] ?? m[4]!
    const parts = (m[2] ?? m[5]!).split('/').filter(Boolean).map(decodeURIComponent)
    const store = this.options.store
    // /namespaces/<ns>/<plural>[/<name>[/<sub>]]
    if (parts[0] === 'namespaces' && parts.length >= 3) {
      const kind = store.kindByPath(group, version, parts[2]!)
      if (kind?.namespaced) return {kind, namespace: parts[1], name: parts[3], subresource: parts[4]}
    }
    const kind = store.kindByPath(group, version, parts[0] ?? '')
    if (!kind) return undefined
    if (kind.namespaced) return parts.length === 1 ? {kind} : undefined
    return {kind, name: parts[1], subresource: parts[2]}
  }

  private async resource(route: Route, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const {kind, namespace, name, subresource} = route
    const store = this.options.store
    const method = req.method ?? 'GET'
    if (namespace && kind.kind !== 'Namespace' && !store.tryGet(store.kindByPath('', 'v1', 'namespaces')!, undefined, namespace) && method === 'POST') {
      throw notFound('namespaces', '', namespace)
    }
    if (subresource && !['status', 'log', 'portforward', 'exec', 'scale'].includes(subresource))
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource')
    if (subresource === 'log') return this.podLog(store.get(kind, namespace, name!), url, res)
    if (subresource === 'portforward' || subresource === 'exec') {
      throw new ApiError(400, 'BadRequest', `${subresource} needs a WebSocket upgrade`)
    }
    if (!name) {
      if (method === 'GET')
        return url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1'
          ? this.watch(kind, namespace, url, req, res)
          : this.list(kind, namespace, url, req, res)
      if (method === 'POST') return send(res, 201, store.create(kind, namespace, await readJson(req, kind.kind)))
      if (method === 'DELETE') {
        const deleted = this.select(kind, namespace, url).map((o) => store.delete(kind, o.metadata.namespace, o.metadata.name!))
        return send(res, 200, {
          kind: `${kind.kind}List`,
          apiVersion: deleted[0]?.apiVersion ?? 'v1',
          metadata: {resourceVersion: store.currentRevision()},
          items: deleted,
        })
      }
      throw methodNotAllowed()
    }
    const sub = subresource === 'status' ? 'status' : undefined
    switch (method) {
      case 'GET': {
        const obj = store.get(kind, namespace, name)
        const table = wantsTable(req.headers.accept)
        return send(res, 200, table ? toTable(kind, [obj], {version: table, include: includeObject(url), resourceVersion: obj.metadata.resourceVersion}) : obj)
      }
      case 'PUT':
        return send(res, 200, store.replace(kind, namespace, name, await readJson(req, kind.kind), sub))
      case 'PATCH': {
        if ((req.headers['content-type'] ?? '').startsWith(APPLY_PATCH)) {
          // Server-side apply (Helm 4's default): create when absent, else merge what the manager sets.
          const applied = await readApplyBody(req)
          const existing = store.tryGet(kind, namespace, name)
          if (!existing) return send(res, 201, store.create(kind, namespace, {...applied, metadata: {...applied.metadata, name}}))
          const merged = mergePatch(existing as never, applied as never) as KubeObject
          merged.metadata = {...merged.metadata, resourceVersion: existing.metadata.resourceVersion}
          return send(res, 200, store.replace(kind, namespace, name, merged, sub))
        }
        const current = store.get(kind, namespace, name)
        const body = await readJson<unknown>(req)
        const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim()
        const patched =
          type === 'application/json-patch+json'
            ? jsonPatch(current as never, body as never)
            : type === 'application/strategic-merge-patch+json'
              ? strategicMergePatch(current as never, body as never)
              : type === 'application/merge-patch+json'
                ? mergePatch(current as never, body as never)
                : (() => {
                    throw new ApiError(
                      415,
                      'UnsupportedMediaType',
                      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`,
                    )
                  })()
        const next = patched as KubeObject
        // A patch never races: it applies to the version it read.
        next.metadata = {...next.metadata, resourceVersion: current.metadata.resourceVersion}
        return send(res, 200, store.replace(kind, namespace, name, next, sub))
      }
      case 'DELETE':
        return send(res, 200, store.delete(kind, namespace, name))
      default:
        throw methodNotAllowed()
    }
  }

  /**
   * pods/log as the kubelet serves it: the real process log behind the pod's container, its
   * current run or (previous=true) the run before; tailLines, sinceSeconds, limitBytes. A pod with
   * several containers needs container=; a container with no run before has no previous log.
   */
  private podLog(pod: KubeObject, url: URL, res: ServerResponse): void {
    const name = pod.metadata.name
    const spec = (pod as {spec?: {containers?: {name: string}[]; initContainers?: {name: string}[]}}).spec ?? {}
    const containers = (spec.containers ?? []).map((c) => c.name)
    const all = [...containers, ...(spec.initContainers ?? []).map((c) => c.name)]
    const asked = url.searchParams.get('container')
    if (!asked && containers.length > 1)
      throw badRequest(
        `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]${spec.initContainers?.length ? ` or one of the init containers: [${spec.initContainers.map((c) => c.name).join(' ')}]` : ''}`,
      )
    const container = asked ?? containers[0] ?? 'main'
    if (asked && !all.includes(asked)) throw badRequest(`container ${asked} is not valid for pod ${name}`)
    type Status = {name: string; restartCount?: number; state?: {waiting?: {reason?: string}; running?: unknown; terminated?: unknown}}
    const status = (pod as {status?: {phase?: string; containerStatuses?: Status[]; initContainerStatuses?: Status[]}}).status ?? {}
    const cs = [...(status.containerStatuses ?? []), ...(status.initContainerStatuses ?? [])].find((c) => c.name === container)
    const previous = url.searchParams.get('previous') === 'true'
    if (previous && !(cs?.restartCount ?? 0)) throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`)
    // Run-to-completion pods keep a log per container (each run's start noted); a process pod's
    // one log is its first container's.
    const perContainer = (JSON.parse(pod.metadata.annotations?.[CONTAINER_LOGS_ANNOTATION] ?? '{}') as ContainerLogs)[container]
    const file = perContainer?.file ?? (container === containers[0] ? pod.metadata.annotations?.[LOG_ANNOTATION] : undefined)
    let text: string
    if (cs?.state?.waiting && !perContainer && !cs.restartCount && !previous) {
      throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ${cs.state.waiting.reason ?? 'ContainerCreating'}`)
    } else if (perContainer && existsSync(perContainer.file)) {
      const bytes = readFileSync(perContainer.file)
      text = previous
        ? perContainer.previous !== undefined
          ? bytes.subarray(perContainer.previous, perContainer.current).toString('utf8')
          : ''
        : bytes.subarray(perContainer.current).toString('utf8')
    } else if (!file || !existsSync(file)) {
      // A container that ran (the pod is running or done) and logged nothing the lab keeps: an empty log.
      if (['Running', 'Succeeded', 'Failed'].includes(status.phase ?? '') && !cs?.state?.waiting) text = ''
      else throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ${cs?.state?.waiting?.reason ?? 'ContainerCreating'}`)
    } else {
      text = readFileSync(file, 'utf8')
      const runs = JSON.parse(pod.metadata.annotations?.[LOG_RUNS_ANNOTATION] ?? '{}') as {current?: number; previous?: number}
      const bytes = Buffer.from(text, 'utf8')
      if (previous) text = runs.previous !== undefined && runs.current !== undefined ? bytes.subarray(runs.previous, runs.current).toString('utf8') : ''
      else if (runs.current !== undefined) text = bytes.subarray(runs.current).toString('utf8')
    }
    const since = Number(url.searchParams.get('sinceSeconds') ?? 0)
    if (since > 0) text = linesSince(text, Date.now() - since * 1000)
    const tail = Number(url.searchParams.get('tailLines') ?? 0)
    if (tail > 0)
      text = text
        .split('\n')
        .slice(-(tail + 1))
        .join('\n')
    const limit = Number(url.searchParams.get('limitBytes') ?? 0)
    if (limit > 0) text = text.slice(-limit)
    res.writeHead(200, {'content-type': 'text/plain'}).end(text)
  }

  private select(kind: ResourceKind, namespace: string | undefined, url: URL): KubeObject[] {
    const labels = parseLabelSelector(url.searchParams.get('labelSelector'))
    const fields = parseFieldSelector(url.searchParams.get('fieldSelector'))
    return this.options.store.list(kind, namespace).filter((o) => matchesLabels(labels, o.metadata.labels) && matchesFields(fields, o))
  }

  private list(kind: ResourceKind, namespace: string | undefined, url: URL, req: IncomingMessage, res: ServerResponse): void {
    const items = this.select(kind, namespace, url)
    const limit = Number(url.searchParams.get('limit') ?? 0)
    const start = Number(url.searchParams.get('continue') || 0)
    const page = limit > 0 ? items.slice(start, start + limit) : items
    const more = limit > 0 && start + limit < items.length
    const table = wantsTable(req.headers.accept)
    if (table) {
      const rest = more ? {continue: String(start + limit), remainingItemCount: items.length - start - limit} : {}
      return send(res, 200, toTable(kind, page, {version: table, include: includeObject(url), resourceVersion: this.options.store.currentRevision(), ...rest}))
    }
    send(res, 200, {
      kind: `${kind.kind}List`,
      apiVersion: kind.group ? `${kind.group}/${kind.version}` : kind.version,
      metadata: {
        resourceVersion: this.options.store.currentRevision(),
        ...(more ? {continue: String(start + limit), remainingItemCount: items.length - start - limit} : {}),
      },
      items: page,
    })
  }

  /** A watch stream: one JSON event per line; without resourceVersion, existing objects first as ADDED. */
  private watch(kind: ResourceKind, namespace: string | undefined, url: URL, req: IncomingMessage, res: ServerResponse): void {
    const labels = parseLabelSelector(url.searchParams.get('labelSelector'))
    const fields = parseFieldSelector(url.searchParams.get('fieldSelector'))
    // A streaming list (client-go's WatchList, Helm 4): the current objects, then a bookmark that
    // marks the end of them, then changes. Without it such clients wait for that bookmark forever.
    const initialEvents = url.searchParams.get('sendInitialEvents') === 'true'
    const since = initialEvents ? Number(this.options.store.currentRevision()) : Number(url.searchParams.get('resourceVersion') || 0)
    const timeout = Number(url.searchParams.get('timeoutSeconds') || 0)
    res.writeHead(200, {'content-type': 'application/json', 'transfer-encoding': 'chunked'})
    // Headers go out at once: clients wait for them before they start reading events.
    res.flushHeaders()
    // kubectl get -w asks for each event's object as a one-row Table, the column headers in the first only.
    const table = wantsTable(req.headers.accept)
    let headers = true
    const asTable = (object: KubeObject) => {
      const t = toTable(kind, [object], {version: table, include: includeObject(url), resourceVersion: object.metadata.resourceVersion, headers})
      headers = false
      return t
    }
    const write = (event: {type: WatchEvent['type'] | 'BOOKMARK'; object: KubeObject}) =>
      res.write(`${JSON.stringify({type: event.type, object: table && event.type !== 'BOOKMARK' ? asTable(event.object) : event.object})}\n`)
    const matches = (o: KubeObject) =>
      (!namespace || o.metadata.namespace === namespace) && matchesLabels(labels, o.metadata.labels) && matchesFields(fields, o)
    // watch-expiry: history compacted up to now; a watch from before it, or one open too long, is told 410 Gone.
    const expiry = req.headers['user-agent'] === LAB_USER_AGENT ? undefined : this.options.wireFaults?.()?.expireWatches
    const gone = (from: number) => {
      const compacted = this.options.store.currentRevision()
      res.end(
        `${JSON.stringify({
          type: 'ERROR',
          object: {
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Failure',
            message: `too old resource version: ${from} (${compacted})`,
            reason: 'Expired',
            code: 410,
          },
        })}\n`,
      )
    }
    if (expiry && since && !initialEvents && since < Number(this.options.store.currentRevision())) return gone(since)
    if (!since || initialEvents) for (const o of this.select(kind, namespace, url)) write({type: 'ADDED', object: o})
    if (initialEvents) {
      const apiVersion = kind.group ? `${kind.group}/${kind.version}` : kind.version
      write({
        type: 'BOOKMARK',
        object: {
          apiVersion,
          kind: kind.kind,
          metadata: {resourceVersion: String(since), annotations: {'k8s.io/initial-events-end': 'true'}},
        } as unknown as KubeObject,
      })
    }
    const listener = (event: WatchEvent) => {
      if (event.kind.plural !== kind.plural || event.kind.group !== kind.group || !matches(event.object)) return
      if (Number(event.object.metadata.resourceVersion) <= since) return
      write(event)
    }
    this.options.store.events.on('change', listener)
    const end = () => {
      this.options.store.events.off('change', listener)
      res.end()
    }
    res.on('close', () => this.options.store.events.off('change', listener))
    if (timeout > 0) setTimeout(end, timeout * 1000).unref()
    if (expiry)
      setTimeout(() => {
        this.options.store.events.off('change', listener)
        if (!res.writableEnded) gone(since)
      }, expiry.afterMs).unref()
  }
}

const includeObject = (url: URL): IncludeObject => {
  const value = url.searchParams.get('includeObject')
  return value === 'None' || value === 'Object' ? value : 'Metadata'
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(code, {'content-type': 'application/json', 'content-length': Buffer.byteLength(text)})
  res.end(text)
}

const APPLY_PATCH = 'application/apply-patch+yaml'

/** An apply patch: YAML (JSON is YAML too). */
async function readApplyBody(req: IncomingMessage): Promise<KubeObject> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  try {
    const body = parseYaml(Buffer.concat(chunks).toString('utf8')) as KubeObject
    if (!body || typeof body !== 'object') throw new Error('not an object')
    body.metadata ??= {}
    return body
  } catch (error) {
    throw badRequest(`the apply patch is not a valid object: ${(error as Error).message}`)
  }
}

async function readJson<T = KubeObject>(req: IncomingMessage, kind = ''): Promise<T> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const body = Buffer.concat(chunks)
  if (body.length === 0) throw badRequest('the request body is empty')
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim()
  if (type === PROTOBUF_CONTENT_TYPE) return decodeProtobufObject(body, kind) as T
  const text = body.toString('utf8')
  try {
    return JSON.parse(text) as T
  } catch {
    throw badRequest(`the request body is not JSON: ${text.slice(0, 40)}`)
  }
}

/**
 * The lines written since a moment, as the runtime's timestamps tell (the lab has the processes'
 * own: ClickHouse's "2026.12.03 00:39:05.1", ZooKeeper's "2026-12-03 00:39:05,1", ISO); a line
 * without one belongs to the line before it.
 */
function linesSince(text: string, sinceMs: number): string {
  const stamp = /^(\d{4})[.-](\d{2})[.-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})/
  let keep = false
  const out: string[] = []
  for (const line of text.split('\n')) {
    const m = stamp.exec(line)
    if (m) keep = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) >= sinceMs - 1000
    if (keep) out.push(line)
  }
  return out.join('\n')
}

/** The verb and object a request is about, as kube-apiserver's request-info resolver reads them. */
function requestAttributes(route: Route, method: string, url: URL): RequestAttributes {
  const watch = ['true', '1'].includes(url.searchParams.get('watch') ?? '')
  const collection = route.name === undefined
  const verb = WRITE_VERBS[method] === 'delete' && collection ? 'deletecollection' : (WRITE_VERBS[method] ?? (collection ? (watch ? 'watch' : 'list') : 'get'))
  // A list or watch pinned to one object by metadata.name is authorized as that object.
  const pinned = collection ? /(?:^|,)metadata\.name=([^,]+)/.exec(url.searchParams.get('fieldSelector') ?? '')?.[1] : undefined
  return {verb, group: route.kind.group, resource: route.kind.plural, subresource: route.subresource, namespace: route.namespace, name: route.name ?? pinned}
}
