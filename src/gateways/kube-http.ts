import {Agent as HttpAgent, request as httpRequest, type IncomingMessage} from 'node:http'
import {Agent as HttpsAgent, request as httpsRequest, type RequestOptions} from 'node:https'
import {createSecureContext, type SecureContext} from 'node:tls'
import type {Socket} from 'node:net'
import {createGunzip} from 'node:zlib'
import type {KubeConfig} from '@kubernetes/client-node/dist/config.js'
import {WebSocket} from 'ws'
import {parseDuration} from '../core/duration.js'
import {UsageError} from '../core/errors.js'
import {READ_RETRIES, RetryLog, TRANSIENT_NETWORK, retrying, type Verdict} from './retry.js'
import {SpdySession} from './spdy.js'
import {trace} from '../core/trace.js'

/** An HTTP error answer of the API server, shaped as client-node's errors are (code, body). */
export class ApiStatusError extends Error {
  constructor(
    readonly code: number,
    readonly body: string,
    /** The server's Retry-After, when it sent one (429 from priority and fairness, 503). */
    readonly retryAfterMs?: number,
  ) {
    super(`HTTP ${code}`)
  }
}

/** Retry-After as seconds or an HTTP date. */
export function retryAfterOf(header: string | undefined): number | undefined {
  if (!header) return undefined
  const seconds = Number(header)
  if (Number.isFinite(seconds)) return seconds * 1000
  const at = Date.parse(header)
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined
}

/**
 * A read worth repeating: the API server shedding load or restarting (429, 5xx), or the
 * connection to it reset or refused. 4xx answers other than 429 are the answer.
 */
export function kubeReadVerdict(error: unknown): Verdict {
  if (error instanceof ApiStatusError) return statusVerdict(error.code, error.retryAfterMs, 'read')

  const e = error as {name?: string; code?: string; message?: string}
  if (e?.name === 'AbortError') return {retry: false}
  const text = `${e?.code ?? ''} ${e?.message ?? ''}`
  return TRANSIENT_NETWORK.test(text) ? {retry: true, why: text.trim()} : {retry: false}
}

/**
 * An API server's error status: 429 is refused before the request is processed, so any request
 * may be repeated; a 5xx (not 501) may come after a write was applied, so only a read is.
 */
export function statusVerdict(code: number, afterMs: number | undefined, kind: 'read' | 'write'): Verdict {
  if (code === 429) return {retry: true, why: 'HTTP 429 (the API server is shedding load)', afterMs}
  if (kind === 'read' && code >= 500 && code !== 501) return {retry: true, why: `HTTP ${code}`, afterMs}
  return {retry: false}
}

/**
 * One read's bound: 30 s by default (a LIST of a large namespace 80 ms away takes well under
 * that); SIGNOZ_HA_KUBE_REQUEST_TIMEOUT (a duration: 10s, 1m, or milliseconds) changes it.
 */
export function kubeRequestTimeoutMs(value = process.env.SIGNOZ_HA_KUBE_REQUEST_TIMEOUT): number {
  if (!value) return 30_000
  const trimmed = value.trim()
  let ms: number | undefined
  try {
    // A bare number is milliseconds here (parseDuration reads it as seconds).
    ms = /^\d+(\.\d+)?$/.test(trimmed) ? Math.round(Number(trimmed)) : parseDuration(trimmed)
  } catch {
    ms = undefined
  }
  if (!ms || ms <= 0) throw new UsageError(`SIGNOZ_HA_KUBE_REQUEST_TIMEOUT=${value} is not a duration`, 'give one such as 10s, 1m or 5000 (milliseconds)')
  return ms
}

/** The channel protocols the API server's port-forward speaks, newest first (kubectl and client-node offer these). */
const CHANNEL_PROTOCOLS = ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io']

/**
 * The read path to the API server, tuned for a cluster far away: one keep-alive agent for every
 * request and port-forward stream of the run, so a stream's WebSocket upgrade rides a connection
 * the LISTs already opened (one round trip, not a new TCP and TLS handshake), and plain JSON
 * (no client classes to build and flatten again). Authentication, TLS and proxies are the
 * kubeconfig's, as client-node applies them.
 */
export class KubeHttp {
  private agent?: HttpsAgent | HttpAgent
  /** The reads of this run that needed more than one attempt. */
  readonly retries = new RetryLog()
  /** Reads on their way now: each holds a connection of its own. */
  inFlight = 0
  /** How long the run's first answered read took: a new connection's handshakes and one request. */
  private firstReadMs?: number
  /** Connections opened to the API server this run (each a TCP and, over https, a TLS handshake), for --stats. */
  connectionsOpened = 0
  /** Warming requests sent this run (each a GET /version), for --stats. */
  warmRequests = 0
  /** The run's TLS context (CA, client certificate), built from the kubeconfig once. */
  private secureContext?: SecureContext
  /** Warming requests not yet claimed by an upgrade. */
  private readonly warming: Promise<void>[] = []

  constructor(
    private readonly config: KubeConfig,
    /** How long one read may go unanswered before it is abandoned and tried again (SIGNOZ_HA_KUBE_REQUEST_TIMEOUT). */
    private readonly requestTimeoutMs = kubeRequestTimeoutMs(),
  ) {}

  private get server(): URL {
    return new URL(this.config.getCurrentCluster()!.server)
  }

  /** The request options client-node derives from the kubeconfig (token, exec plugin, client certificate, CA), with the run's agent. */
  private async options(): Promise<RequestOptions> {
    const opts: RequestOptions = {headers: {}}
    await this.config.applyToHTTPSOptions(opts)
    // A proxy's agent stays; otherwise one keep-alive agent with the same TLS settings for the whole run.
    if (!this.config.getCurrentCluster()?.proxyUrl) {
      if (this.server.protocol === 'https:') {
        // One TLS context for the run: given the CA and client certificate instead, every connection
        // parses them again (0.2 ms each with a CA alone, more with a client key; 31 connections at 10x3).
        this.secureContext ??= createSecureContext({ca: opts.ca, cert: opts.cert, key: opts.key, pfx: opts.pfx, passphrase: opts.passphrase})
        for (const material of ['ca', 'cert', 'key', 'pfx', 'passphrase'] as const) delete opts[material]
        Object.assign(opts, {secureContext: this.secureContext})
      }
      const tls = {secureContext: this.secureContext, rejectUnauthorized: opts.rejectUnauthorized, servername: (opts as {servername?: string}).servername}
      this.agent ??= this.server.protocol === 'http:' ? new HttpAgent({keepAlive: true}) : new HttpsAgent({keepAlive: true, maxSockets: Infinity, ...tls})
      opts.agent = this.agent
    }
    return opts
  }

  /**
   * GET of a path, answered as JSON (or text); an error status is an ApiStatusError with the
   * server's body. Retried while the API server sheds load or restarts (kubeReadVerdict).
   */
  get(path: string, as: 'json' | 'text' = 'json', signal?: AbortSignal): Promise<unknown> {
    return retrying(`GET ${path}`, () => this.getOnce(path, as, signal), kubeReadVerdict, {policy: READ_RETRIES, signal, log: this.retries})
  }

  private async getOnce(path: string, as: 'json' | 'text', signal?: AbortSignal): Promise<unknown> {
    this.inFlight++
    const started = performance.now()
    try {
      const answer = await this.sendGet(path, as, signal)
      this.firstReadMs ??= performance.now() - started
      return answer
    } finally {
      this.inFlight--
    }
  }

  private async sendGet(path: string, as: 'json' | 'text', signal?: AbortSignal): Promise<unknown> {
    const opts = await this.options()
    const server = this.server
    const send = server.protocol === 'http:' ? httpRequest : httpsRequest
    return new Promise((resolve, reject) => {
      const req = send(
        {
          ...opts,
          protocol: server.protocol,
          hostname: server.hostname,
          port: server.port,
          path: `${server.pathname.replace(/\/$/, '')}${path}`,
          method: 'GET',
          headers: {...opts.headers, accept: as === 'json' ? 'application/json' : '*/*', 'accept-encoding': 'gzip'},
          signal,
        },
        (res: IncomingMessage) => {
          const body = res.headers['content-encoding'] === 'gzip' ? res.pipe(createGunzip()) : res
          const chunks: Buffer[] = []
          body.on('data', (c: Buffer) => chunks.push(c))
          body.on('error', reject)
          body.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8')
            if ((res.statusCode ?? 500) >= 400)
              return reject(new ApiStatusError(res.statusCode ?? 500, text, retryAfterOf(res.headers['retry-after'] as string | undefined)))
            if (as === 'text') return resolve(text)
            try {
              resolve(JSON.parse(text))
            } catch {
              reject(new Error(`the API server answered ${path} with something that is not JSON`))
            }
          })
        },
      )
      req.on('socket', (socket: Socket) => this.countConnection(socket))
      req.on('error', reject)
      // An API server that accepted the request and then went quiet (overloaded, its etcd slow):
      // the read is abandoned and, as a reset connection is, tried again.
      req.setTimeout(this.requestTimeoutMs, () =>
        req.destroy(Object.assign(new Error(`no answer within ${this.requestTimeoutMs / 1000}s (ETIMEDOUT)`), {code: 'ETIMEDOUT'})),
      )
      req.end()
    })
  }

  /**
   * Opens n more keep-alive connections now, each with a tiny request (GET /version): n
   * port-forward upgrades later each find a connection ready instead of paying a TCP and a TLS
   * handshake first (an upgrade keeps its connection: the pool has one fewer after each).
   */
  warm(n: number): void {
    this.warmRequests += Math.max(0, n)
    for (let i = 0; i < n; i++)
      this.warming.push(
        this.getOnce('/version', 'json').then(
          () => undefined,
          () => undefined,
        ),
      )
  }

  private countConnection(socket: Socket): void {
    if (socket.connecting) this.connectionsOpened++
  }

  /**
   * Before an upgrade: a warming request still on its way is this upgrade's connection; waiting
   * for it costs less than a handshake of its own. Bounded by what a new connection and a read
   * took this run (the first read's time): a warming request slower than that is not waited on.
   */
  private async warmConnection(): Promise<void> {
    const warmer = this.warming.shift()
    if (!warmer) return
    let timer: NodeJS.Timeout | undefined
    await Promise.race([warmer, new Promise<void>((resolve) => (timer = setTimeout(resolve, this.firstReadMs ?? 1000)))])
    clearTimeout(timer)
    // The connection returns to the pool once the response has ended: one turn later.
    await new Promise<void>((resolve) => setImmediate(resolve))
  }

  private readonly sessions = new Map<string, Promise<SpdySession | undefined>>()
  /** Port-forward connections made to the API server (SPDY sessions or WebSockets), for --stats. */
  upgrades = 0

  /**
   * The SPDY port-forward session to one pod, opened once (kubectl's protocol: every local
   * connection becomes a pair of streams in it, so many connections cost one upgrade); undefined
   * when the API server will not upgrade to SPDY (a proxy in between), where WebSockets are used.
   */
  session(namespace: string, pod: string): Promise<SpdySession | undefined> {
    const key = `${namespace}/${pod}`
    const open = this.sessions.get(key)
    if (open) {
      return open.then((s) => {
        if (s && s.isClosed) {
          this.sessions.delete(key)
          return this.session(namespace, pod)
        }
        return s
      })
    }
    const opening = this.openSession(namespace, pod)
    this.sessions.set(key, opening)
    // A failed open is not cached: the next connection tries again.
    opening.catch(() => this.sessions.delete(key))
    return opening
  }

  private async openSession(namespace: string, pod: string): Promise<SpdySession | undefined> {
    await this.warmConnection()
    const opts = await this.options()
    const server = this.server
    const send = server.protocol === 'http:' ? httpRequest : httpsRequest
    this.upgrades++
    return new Promise((resolve, reject) => {
      const req = send({
        ...opts,
        protocol: server.protocol,
        hostname: server.hostname,
        port: server.port,
        path: `${server.pathname.replace(/\/$/, '')}/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/portforward`,
        method: 'POST',
        headers: {...opts.headers, connection: 'Upgrade', upgrade: 'SPDY/3.1', 'x-stream-protocol-version': 'portforward.k8s.io', 'content-length': 0},
      })
      req.on('socket', (socket: Socket) => {
        trace(`port-forward ${pod}: upgrading on a ${socket.connecting ? 'new' : 'kept'} connection`)
        this.countConnection(socket)
      })
      req.on('upgrade', (_res, socket: Socket, head: Buffer) => {
        socket.setNoDelay(true)
        const session = new SpdySession((frame) => socket.writable && socket.write(frame), 'client')
        socket.on('data', (chunk: Buffer) => session.feed(chunk))
        socket.on('close', () => session.close())
        socket.on('error', () => session.close())
        session.on('close', () => socket.destroy())
        session.on('error', () => undefined)
        if (head.length) session.feed(head)
        resolve(session)
      })
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const code = res.statusCode ?? 500
          // Refused for what it is (credentials, RBAC, no such pod, a pod not running): say so; otherwise try WebSockets.
          if (code === 401 || code === 403 || code === 404 || /not running|not found/.test(Buffer.concat(chunks).toString('utf8')))
            reject(new ApiStatusError(code, Buffer.concat(chunks).toString('utf8')))
          else resolve(undefined)
        })
      })
      req.on('error', reject)
      req.end()
    })
  }

  /**
   * A port-forward of one local connection to a pod's port: a stream pair (error, then data) in
   * the pod's SPDY session, data both ways, the error stream reported; over a WebSocket of its own
   * (the channel protocol) where SPDY is refused.
   */
  async portForward(namespace: string, pod: string, port: number, socket: Socket, onError: (message: string) => void): Promise<{close(): void}> {
    const session = await this.session(namespace, pod)
    if (!session) return this.webSocketForward(namespace, pod, port, socket, onError)
    const requestId = String(this.nextRequestId++)
    const headers = (type: string) =>
      new Map([
        ['streamtype', type],
        ['port', String(port)],
        ['requestid', requestId],
      ])
    const error = session.openStream(headers('error'))
    // As kubectl: nothing is ever written to the error stream.
    error.end()
    const data = session.openStream(headers('data'))
    error.on('data', (chunk: Buffer) => onError(chunk.toString('utf8')))
    data.on('data', (chunk: Buffer) => socket.writable && socket.write(chunk))
    data.on('end', () => socket.end())
    for (const s of [data, error]) s.on('reset', () => socket.destroy())
    socket.on('data', (chunk: Buffer) => data.write(chunk))
    socket.on('end', () => data.end())
    socket.on('close', () => {
      data.reset()
      error.reset()
    })
    return {close: () => session.goAway()}
  }

  private nextRequestId = 0

  /** The WebSocket way: one WebSocket per connection, the channel protocol (each channel's first frame carries the port). */
  private async webSocketForward(namespace: string, pod: string, port: number, socket: Socket, onError: (message: string) => void): Promise<{close(): void}> {
    this.upgrades++
    this.connectionsOpened++
    const opts = await this.options()
    const server = this.server
    const scheme = server.protocol === 'http:' ? 'ws:' : 'wss:'
    const url = `${scheme}//${server.host}${server.pathname.replace(/\/$/, '')}/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/portforward?ports=${port}`
    const ws = new WebSocket(url, CHANNEL_PROTOCOLS, {...(opts as object), perMessageDeflate: false})
    const pending: Buffer[] = []
    const seen = new Set<number>()
    socket.on('data', (chunk: Buffer) => {
      const frame = Buffer.concat([Buffer.from([0]), chunk])
      if (ws.readyState === ws.OPEN) ws.send(frame)
      else pending.push(frame)
    })
    socket.on('close', () => (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING ? ws.terminate() : undefined))
    ws.on('open', () => {
      for (const frame of pending.splice(0)) ws.send(frame)
    })
    ws.on('message', (data: Buffer) => {
      const channel = data[0]!
      // The first frame of each channel is the port number.
      if (!seen.has(channel)) {
        seen.add(channel)
        return
      }
      if (channel === 0) socket.write(data.subarray(1))
      else if (channel === 1 && data.length > 1) onError(data.subarray(1).toString('utf8'))
    })
    ws.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        onError(new ApiStatusError(res.statusCode ?? 500, Buffer.concat(chunks).toString('utf8')).body || `HTTP ${res.statusCode}`)
        socket.destroy()
      })
    })
    ws.on('error', (error) => {
      onError(error.message)
      socket.destroy()
    })
    ws.on('close', () => socket.destroy())
    return {close: () => ws.terminate()}
  }

  close(): void {
    for (const opening of this.sessions.values())
      void opening.then(
        (s) => s?.close(),
        () => undefined,
      )
    this.agent?.destroy()
  }
}
