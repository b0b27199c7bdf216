import type {IncomingMessage, Server} from 'node:http'
import {rbacAllows} from './rbac.js'
import {connect} from 'node:net'
import type {Duplex} from 'node:stream'
import {WebSocketServer, type WebSocket} from 'ws'
import type {Principal, WireFaults} from './request-context.js'
import {SpdySession, type SpdyStream} from '../../gateways/spdy.js'
import type {KubeObject, ObjectStore} from './store.js'

/** Annotation the lab's controllers put on a pod: container port → the local port of the real process. */
export const FORWARD_ANNOTATION = 'lab.signoz-ha.io/forward-ports'

/** The channel protocols client-node offers, newest first. */
const CHANNEL_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io']
/** kubectl 1.30+: SPDY tunnelled in a WebSocket; its fallback is a plain SPDY/3.1 upgrade with this stream protocol. */
const SPDY_TUNNEL_PROTOCOL = 'SPDY/3.1+portforward.k8s.io'
const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io'

const PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/portforward$/

/** Where a pod's container port really listens, from its forward annotation. */
export function forwardTarget(pod: KubeObject, port: number): number | undefined {
  try {
    const ports = JSON.parse(pod.metadata.annotations?.[FORWARD_ANNOTATION] ?? '{}') as Record<string, number>
    return ports[String(port)]
  } catch {
    return undefined
  }
}

function refuse(socket: Duplex, code: number, reason: string, message: string): void {
  const body = JSON.stringify({kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code})
  socket.end(`HTTP/1.1 ${code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
}

/**
 * pods/portforward as real clients speak it: the channel protocol client-node uses (per
 * forwarded port a data channel 2i and an error channel 2i+1, each opened by a frame carrying
 * the port, 2 bytes little-endian; one WebSocket is one TCP connection), and the SPDY/3.1
 * streams kubectl uses, tunnelled in a WebSocket or over a plain SPDY upgrade (per connection
 * an error and a data stream with the same requestID). Either way each connection reaches the
 * pod's real process.
 */
export function servePortForward(
  server: Server,
  store: ObjectStore,
  authenticate: (req: IncomingMessage) => Principal | undefined,
  options: {spdy?: boolean; faults?: () => WireFaults | undefined} = {},
): void {
  const resets = streamResets(options.faults)
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => CHANNEL_PROTOCOLS.find((p) => offered.has(p)) ?? false,
  })
  // The tunnel's subprotocol has a '/', which the ws library refuses as a token (Go's clients and
  // servers accept it): such a request is upgraded without the header, and the answer gets it back.
  const tunnels = new WeakSet<IncomingMessage>()
  wss.on('headers', (headers, req) => {
    if (tunnels.has(req)) headers.push(`Sec-WebSocket-Protocol: ${SPDY_TUNNEL_PROTOCOL}`)
  })
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'https://simulator')
    const match = PATH.exec(url.pathname)
    if (!match) return refuse(socket, 404, 'NotFound', 'the server could not find the requested resource')
    const principal = authenticate(req)
    if (!principal) return refuse(socket, 401, 'Unauthorized', 'Unauthorized')
    const request = {
      verb: 'create',
      group: '',
      resource: 'pods',
      subresource: 'portforward',
      namespace: decodeURIComponent(match[1]!),
      name: decodeURIComponent(match[2]!),
    }
    if (principal.readOnly || (principal.serviceAccount && !rbacAllows(store, principal.serviceAccount, request))) {
      return refuse(
        socket,
        403,
        'Forbidden',
        `pods "${match[2]}" is forbidden: User "${principal.user}" cannot create resource "pods/portforward" in API group "" in the namespace "${match[1]}"`,
      )
    }
    const pods = store.kindByPath('', 'v1', 'pods')!
    const namespace = decodeURIComponent(match[1]!)
    const pod = store.tryGet(pods, namespace, decodeURIComponent(match[2]!))
    if (!pod) return refuse(socket, 404, 'NotFound', `pods "${match[2]}" not found`)
    const phase = (pod.status as {phase?: string} | undefined)?.phase
    // As the real API server: only a running pod's kubelet can take the stream.
    if (phase !== 'Running')
      return refuse(socket, 400, 'BadRequest', `unable to upgrade connection: pod ${match[2]} is not running (phase ${phase ?? 'Pending'})`)
    // Each connection looks the pod up again: a pod deleted since the tunnel opened is gone for it too.
    const current = () => {
      const live = store.tryGet(pods, namespace, pod.metadata.name!)
      return live?.metadata.uid === pod.metadata.uid ? live : undefined
    }
    const upgrade = String(req.headers.upgrade ?? '').toLowerCase()
    // A server behind a proxy that passes WebSockets only (options.spdy false) answers a SPDY upgrade as a plain request.
    if (upgrade === 'spdy/3.1' && options.spdy === false) return refuse(socket, 400, 'BadRequest', 'Upgrade request required')
    if (upgrade === 'spdy/3.1') {
      const versions = String(req.headers['x-stream-protocol-version'] ?? '')
        .split(',')
        .map((v) => v.trim())
      if (!versions.includes(PORT_FORWARD_PROTOCOL))
        return refuse(
          socket,
          403,
          'Forbidden',
          `unable to upgrade: unable to negotiate protocol: client supports [${versions.join(' ')}], server supports [${PORT_FORWARD_PROTOCOL}]`,
        )
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${PORT_FORWARD_PROTOCOL}\r\n\r\n`,
      )
      const session = new SpdySession((frame) => socket.write(frame))
      socket.on('data', (chunk: Buffer) => session.feed(chunk))
      socket.on('close', () => session.close())
      socket.on('error', () => session.close())
      session.on('close', () => socket.destroy())
      forwardStreams(session, current, resets)
      if (head.length) session.feed(head)
      return
    }
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim())
    if (offered.includes(SPDY_TUNNEL_PROTOCOL)) {
      tunnels.add(req)
      delete req.headers['sec-websocket-protocol']
      wss.handleUpgrade(req, socket, head, (ws) => {
        const session = new SpdySession((frame) => ws.readyState === ws.OPEN && ws.send(frame))
        ws.on('message', (data: Buffer) => session.feed(data))
        ws.on('close', () => session.close())
        session.on('close', () => ws.readyState === ws.OPEN && ws.close())
        forwardStreams(session, current, resets)
      })
      return
    }
    const ports = (url.searchParams.getAll('ports').join(',') || '').split(',').filter(Boolean).map(Number)
    if (ports.length === 0 || ports.some((p) => !Number.isInteger(p) || p <= 0 || p > 65535)) {
      return refuse(socket, 400, 'BadRequest', 'query parameter "port" is required')
    }
    wss.handleUpgrade(req, socket, head, (ws) => relay(ws, pod, ports))
  })
}

/**
 * The kubelet's side of SPDY port-forwarding: the client opens an error stream and a data
 * stream per connection (headers streamType, port, requestID); once both are there the port is
 * dialled; bytes flow both ways; a failure is written on the error stream; both streams close
 * when either side is done.
 */
/** portforward-reset: of every Nth connection, the bytes from the pod after which it is reset (undefined: never). */
type ResetPolicy = () => number | undefined

function streamResets(faults: (() => WireFaults | undefined) | undefined): ResetPolicy {
  let connections = 0
  return () => {
    const reset = faults?.()?.resetStreams
    if (!reset) return undefined
    return ++connections % reset.everyNth === 0 ? reset.afterBytes : undefined
  }
}

function forwardStreams(session: SpdySession, pod: () => KubeObject | undefined, resets: ResetPolicy): void {
  const pairs = new Map<string, {data?: SpdyStream; error?: SpdyStream}>()
  session.on('error', () => undefined)
  session.on('stream', (stream: SpdyStream) => {
    const type = stream.headers.get('streamtype')
    const port = Number(stream.headers.get('port'))
    if ((type !== 'data' && type !== 'error') || !Number.isInteger(port) || port <= 0 || port > 65535) return stream.reset()
    const key = stream.headers.get('requestid') ?? `port-${port}`
    const pair = pairs.get(key) ?? {}
    pair[type] = stream
    pairs.set(key, pair)
    if (pair.data && pair.error) {
      pairs.delete(key)
      connectPair(port, pair.data, pair.error, pod(), resets())
    }
  })
}

function connectPair(port: number, data: SpdyStream, error: SpdyStream, pod: KubeObject | undefined, resetAfterBytes?: number): void {
  const finish = () => {
    error.end()
    data.end()
  }
  const fail = (message: string) => {
    error.write(Buffer.from(message))
    finish()
  }
  const name = pod?.metadata.name ?? 'unknown'
  const target = pod ? forwardTarget(pod, port) : undefined
  if (!pod) return fail(`error forwarding port ${port}: the pod is gone`)
  if (!target)
    return fail(
      `error forwarding port ${port} to pod ${name}, uid ${pod.metadata.uid}: failed to connect to localhost:${port} inside the pod: connect: connection refused`,
    )
  const socket = connect({host: '127.0.0.1', port: target})
  let sent = 0
  socket.on('data', (chunk: Buffer) => {
    if (resetAfterBytes !== undefined && sent + chunk.length > resetAfterBytes) {
      // The fault: the part up to the limit goes through, then both streams are reset mid-answer.
      data.write(chunk.subarray(0, Math.max(0, resetAfterBytes - sent)))
      data.reset()
      error.reset()
      socket.destroy()
      return
    }
    sent += chunk.length
    data.write(chunk)
  })
  socket.on('end', () => data.end())
  socket.on('error', (e) =>
    fail(`error forwarding port ${port} to pod ${name}, uid ${pod.metadata.uid}: ${e.message.replace(/127\.0\.0\.1:\d+/, `localhost:${port}`)}`),
  )
  socket.on('close', finish)
  data.on('data', (chunk: Buffer) => socket.write(chunk))
  data.on('end', () => socket.end())
  for (const s of [data, error]) s.on('reset', () => socket.destroy())
}

function relay(ws: WebSocket, pod: KubeObject, ports: number[]): void {
  const portHeader = (port: number) => Buffer.from([port & 0xff, (port >> 8) & 0xff])
  ports.forEach((port, i) => {
    ws.send(Buffer.concat([Buffer.from([i * 2]), portHeader(port)]))
    ws.send(Buffer.concat([Buffer.from([i * 2 + 1]), portHeader(port)]))
  })
  const tcp = ports.map((port, i) => {
    const target = forwardTarget(pod, port)
    const fail = (message: string) => {
      if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([i * 2 + 1]), Buffer.from(message)]))
      ws.close()
    }
    if (!target) {
      fail(`error forwarding port ${port} to pod ${pod.metadata.name}: no process listens on it`)
      return undefined
    }
    const socket = connect({host: '127.0.0.1', port: target})
    socket.on('data', (chunk) => ws.readyState === ws.OPEN && ws.send(Buffer.concat([Buffer.from([i * 2]), chunk])))
    socket.on('error', (error) => fail(`error forwarding port ${port} to pod ${pod.metadata.name}: ${error.message}`))
    socket.on('close', () => ws.close())
    return socket
  })
  ws.on('message', (data: Buffer) => {
    const channel = data[0]!
    if (channel % 2 === 1) return
    tcp[channel / 2]?.write(data.subarray(1))
  })
  ws.on('close', () => tcp.forEach((s) => s?.destroy()))
}
