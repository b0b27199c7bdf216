import type {IncomingMessage, Server} from 'node:http'
import {connect} from 'node:net'
import type {Duplex} from 'node:stream'
import {WebSocketServer, type WebSocket} from 'ws'
import type {Principal} from './server.js'
import type {KubeObject, ObjectStore} from './store.js'

/** Annotation the lab's controllers put on a pod: container port → the local port of the real process. */
export const FORWARD_ANNOTATION = 'lab.signoz-ha.io/forward-ports'

/** The channel protocols client-node and kubectl offer, newest first. */
const CHANNEL_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io']

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
 * pods/portforward over WebSocket, the channel protocol client-node speaks: per forwarded port a
 * data channel (2i) and an error channel (2i+1), each opened by a frame carrying the port number
 * (2 bytes little-endian). Each WebSocket is one TCP connection to the pod's real process.
 */
export function servePortForward(server: Server, store: ObjectStore, authenticate: (req: IncomingMessage) => Principal | undefined): void {
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => CHANNEL_PROTOCOLS.find((p) => offered.has(p)) ?? false,
  })
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'https://simulator')
    const match = PATH.exec(url.pathname)
    if (!match) return refuse(socket, 404, 'NotFound', 'the server could not find the requested resource')
    const principal = authenticate(req)
    if (!principal) return refuse(socket, 401, 'Unauthorized', 'Unauthorized')
    if (principal.readOnly) {
      return refuse(socket, 403, 'Forbidden', `pods "${match[2]}" is forbidden: User "${principal.user}" cannot create resource "pods/portforward" in API group "" in the namespace "${match[1]}"`)
    }
    const pods = store.kindByPath('', 'v1', 'pods')!
    const pod = store.tryGet(pods, decodeURIComponent(match[1]!), decodeURIComponent(match[2]!))
    if (!pod) return refuse(socket, 404, 'NotFound', `pods "${match[2]}" not found`)
    const phase = (pod.status as {phase?: string} | undefined)?.phase
    // As the real API server: only a running pod's kubelet can take the stream.
    if (phase !== 'Running') return refuse(socket, 400, 'BadRequest', `unable to upgrade connection: pod ${match[2]} is not running (phase ${phase ?? 'Pending'})`)
    const ports = (url.searchParams.getAll('ports').join(',') || '').split(',').filter(Boolean).map(Number)
    if (ports.length === 0 || ports.some((p) => !Number.isInteger(p) || p <= 0 || p > 65535)) {
      return refuse(socket, 400, 'BadRequest', 'query parameter "port" is required')
    }
    wss.handleUpgrade(req, socket, head, (ws) => relay(ws, pod, ports))
  })
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
