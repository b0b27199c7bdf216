import {EventEmitter} from 'node:events'
import {createInflate, deflateSync, constants as zlibConstants, type Inflate} from 'node:zlib'

/**
 * SPDY/3.1 as Kubernetes streaming uses it (port-forward, directly or tunnelled in a WebSocket),
 * both sides: the server (the lab's API simulator answering kubectl) replies to the streams the
 * client opens; the client (doctor's port-forwards) opens many streams over one connection, so a
 * pod's connections cost no new handshake each. Data with FIN, resets, pings, go-away. Like
 * spdystream it keeps no flow-control windows; headers are zlib with the SPDY/3 dictionary,
 * inflated with one stream per connection as the peer compresses them.
 */

/** The SPDY/3 header compression dictionary (draft 3, section 2.6.10.1): length-prefixed words, then raw text. */
const DICTIONARY_WORDS = [
  'options',
  'head',
  'post',
  'put',
  'delete',
  'trace',
  'accept',
  'accept-charset',
  'accept-encoding',
  'accept-language',
  'accept-ranges',
  'age',
  'allow',
  'authorization',
  'cache-control',
  'connection',
  'content-base',
  'content-encoding',
  'content-language',
  'content-length',
  'content-location',
  'content-md5',
  'content-range',
  'content-type',
  'date',
  'etag',
  'expect',
  'expires',
  'from',
  'host',
  'if-match',
  'if-modified-since',
  'if-none-match',
  'if-range',
  'if-unmodified-since',
  'last-modified',
  'location',
  'max-forwards',
  'pragma',
  'proxy-authenticate',
  'proxy-authorization',
  'range',
  'referer',
  'retry-after',
  'server',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
  'vary',
  'via',
  'warning',
  'www-authenticate',
  'method',
  'get',
  'status',
  '200 OK',
  'version',
  'HTTP/1.1',
  'url',
  'public',
  'set-cookie',
  'keep-alive',
  'origin',
]
const DICTIONARY_TAIL =
  '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505' +
  '203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized403 Forbidden404 Not Found' +
  '500 Internal Server Error501 Not Implemented503 Service UnavailableJan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 ' +
  'Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMTchunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,' +
  'text/plain,text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.'

export const SPDY_DICTIONARY: Buffer = Buffer.concat([
  ...DICTIONARY_WORDS.map((word) => {
    const length = Buffer.alloc(4)
    length.writeUInt32BE(word.length)
    return Buffer.concat([length, Buffer.from(word, 'latin1')])
  }),
  Buffer.from(DICTIONARY_TAIL, 'latin1'),
])

/** A zlib stream's first six bytes with this dictionary preset: CMF, FLG (FDICT set) and the dictionary's Adler-32. */
const ZLIB_HEADER = deflateSync(Buffer.alloc(0), {dictionary: SPDY_DICTIONARY}).subarray(0, 6)

const SYNC_MARKER = Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff])

const VERSION = 3
/** Control frame types. */
const Type = {SynStream: 1, SynReply: 2, RstStream: 3, Settings: 4, Ping: 6, GoAway: 7, Headers: 8, WindowUpdate: 9} as const
type Type = (typeof Type)[keyof typeof Type]
const FLAG_FIN = 0x01
export const RST_CANCEL = 5
export const RST_PROTOCOL_ERROR = 1
/** Data frames are cut here: small enough to interleave streams, large enough to be cheap. */
const MAX_DATA = 64 * 1024

export type Headers = Map<string, string>

/** One SPDY stream: data in (events), data out (write/end), reset. */
export class SpdyStream extends EventEmitter {
  private localClosed = false
  private remoteClosed = false
  private resetDone = false

  constructor(
    readonly id: number,
    readonly headers: Headers,
    private readonly session: SpdySession,
  ) {
    super()
  }

  write(data: Buffer): void {
    if (this.localClosed || this.resetDone) return
    for (let offset = 0; offset < data.length; offset += MAX_DATA) this.session.sendData(this.id, data.subarray(offset, offset + MAX_DATA), false)
  }

  /** Half-closes our side (a FIN); the stream is gone once both sides are closed. */
  end(): void {
    if (this.localClosed || this.resetDone) return
    this.localClosed = true
    this.session.sendData(this.id, Buffer.alloc(0), true)
    this.settle()
  }

  reset(status = RST_CANCEL): void {
    if (this.resetDone) return
    this.resetDone = true
    this.session.sendReset(this.id, status)
    this.session.forget(this.id)
    this.emit('reset')
  }

  /** @internal */
  receive(data: Buffer, fin: boolean): void {
    if (data.length) this.emit('data', data)
    if (fin && !this.remoteClosed) {
      this.remoteClosed = true
      this.emit('end')
      this.settle()
    }
  }

  /** @internal the peer reset it, or the connection went */
  remoteReset(): void {
    if (this.resetDone) return
    this.resetDone = true
    this.session.forget(this.id)
    this.emit('reset')
  }

  private settle(): void {
    if (this.localClosed && this.remoteClosed) this.session.forget(this.id)
  }
}

/**
 * One SPDY connection. feed() takes the peer's bytes as they come (a socket's chunks or
 * WebSocket messages); writeOut is how frames leave. As the server, 'stream' is emitted for
 * each stream the client opens, after the reply has been sent; as the client, openStream()
 * opens one (its data may follow at once, before the reply).
 */
export class SpdySession extends EventEmitter {
  /** The next id of a stream this side opens: odd for the client, even for the server. */
  private nextId: number
  private buffer: Buffer = Buffer.alloc(0)
  private draining = false
  private closed = false
  private readonly streams = new Map<number, SpdyStream>()
  /** The peer's header compression stream (created on first use: a client never reads the server's headers). */
  private inflaterStream?: Inflate
  private headersSent = false

  constructor(
    private readonly writeOut: (frame: Buffer) => void,
    private readonly role: 'server' | 'client' = 'server',
  ) {
    super()
    this.nextId = role === 'client' ? 1 : 2
  }

  private get inflater(): Inflate {
    if (!this.inflaterStream) {
      this.inflaterStream = createInflate({dictionary: SPDY_DICTIONARY})
      this.inflaterStream.on('error', (error) => this.fail(error))
    }
    return this.inflaterStream
  }

  /** Opens a stream with these headers (client side); data may be written at once. */
  openStream(headers: Headers): SpdyStream {
    if (this.closed) throw new Error('the SPDY connection is closed')
    const id = this.nextId
    this.nextId += 2
    const stream = new SpdyStream(id, headers, this)
    this.streams.set(id, stream)
    const body = Buffer.alloc(10)
    body.writeUInt32BE(id & 0x7fffffff, 0)
    // associated-to 0, priority 0, slot 0
    this.sendControl(Type.SynStream, 0, Buffer.concat([body, this.compressHeaders(headers)]))
    return stream
  }

  get isClosed(): boolean {
    return this.closed
  }

  feed(chunk: Buffer): void {
    if (this.closed) return
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk
    if (!this.draining) void this.drain()
  }

  /** The transport ended: every stream is reset. */
  close(): void {
    if (this.closed) return
    this.closed = true
    for (const stream of [...this.streams.values()]) stream.remoteReset()
    this.inflaterStream?.destroy()
    this.emit('close')
  }

  /** @internal */
  forget(id: number): void {
    this.streams.delete(id)
  }

  /** @internal */
  sendData(id: number, data: Buffer, fin: boolean): void {
    if (this.closed) return
    const frame = Buffer.alloc(8 + data.length)
    frame.writeUInt32BE(id & 0x7fffffff, 0)
    frame.writeUInt32BE(((fin ? FLAG_FIN : 0) << 24) | data.length, 4)
    data.copy(frame, 8)
    this.write(frame)
  }

  private write(frame: Buffer): void {
    this.writeOut(frame)
  }

  /** @internal */
  sendReset(id: number, status: number): void {
    const body = Buffer.alloc(8)
    body.writeUInt32BE(id & 0x7fffffff, 0)
    body.writeUInt32BE(status, 4)
    this.sendControl(Type.RstStream, 0, body)
  }

  goAway(): void {
    const body = Buffer.alloc(8)
    this.sendControl(Type.GoAway, 0, body)
  }

  private sendControl(type: Type, flags: number, body: Buffer): void {
    if (this.closed) return
    const header = Buffer.alloc(8)
    header.writeUInt16BE(0x8000 | VERSION, 0)
    header.writeUInt16BE(type, 2)
    header.writeUInt32BE((flags << 24) | body.length, 4)
    this.write(Buffer.concat([header, body]))
  }

  private fail(error: Error): void {
    if (this.closed) return
    this.emit('error', error)
    this.goAway()
    this.close()
  }

  private async drain(): Promise<void> {
    this.draining = true
    try {
      while (!this.closed && this.buffer.length >= 8) {
        const length = this.buffer.readUInt32BE(4) & 0xffffff
        if (this.buffer.length < 8 + length) break
        const frame = this.buffer.subarray(0, 8 + length)
        this.buffer = this.buffer.subarray(8 + length)
        await this.handle(frame)
      }
    } catch (error) {
      this.fail(error as Error)
    } finally {
      this.draining = false
    }
    if (!this.closed && this.buffer.length >= 8 && 8 + (this.buffer.readUInt32BE(4) & 0xffffff) <= this.buffer.length) void this.drain()
  }

  private async handle(frame: Buffer): Promise<void> {
    const flags = frame[4]!
    const body = frame.subarray(8)
    if ((frame[0]! & 0x80) === 0) {
      const id = frame.readUInt32BE(0) & 0x7fffffff
      const stream = this.streams.get(id)
      if (stream) stream.receive(Buffer.from(body), (flags & FLAG_FIN) !== 0)
      return
    }
    const version = frame.readUInt16BE(0) & 0x7fff
    if (version !== VERSION) throw new Error(`SPDY version ${version} is not supported`)
    switch (frame.readUInt16BE(2) as Type) {
      case Type.SynStream: {
        const id = body.readUInt32BE(0) & 0x7fffffff
        if (this.role === 'client') {
          // A server-initiated stream: port-forwarding has none.
          this.sendReset(id, RST_PROTOCOL_ERROR)
          return
        }
        const headers = parseHeaderBlock(await this.inflate(body.subarray(10)))
        const stream = new SpdyStream(id, headers, this)
        this.streams.set(id, stream)
        this.reply(id)
        this.emit('stream', stream)
        if (flags & FLAG_FIN) stream.receive(Buffer.alloc(0), true)
        return
      }
      case Type.Headers:
        // Headers after the stream started carry nothing port-forwarding needs; a server still inflates them to keep its zlib stream in step.
        if (this.role === 'server') await this.inflate(body.subarray(4))
        return
      case Type.RstStream:
        this.streams.get(body.readUInt32BE(0) & 0x7fffffff)?.remoteReset()
        return
      case Type.Ping:
        // The peer's pings are echoed (a client's ids are odd, a server's even); kubectl sends one every 10 s.
        if (body.readUInt32BE(0) % 2 === (this.role === 'server' ? 1 : 0)) this.sendControl(Type.Ping, 0, Buffer.from(body))
        return
      case Type.SynReply:
        // The reply to a stream this side opened. Its headers carry nothing port-forwarding needs, and
        // a client never reads the server's headers at all: they are not even inflated.
        {
          const stream = this.streams.get(body.readUInt32BE(0) & 0x7fffffff)
          stream?.emit('reply')
          if (flags & FLAG_FIN) stream?.receive(Buffer.alloc(0), true)
        }
        return
      case Type.GoAway:
        this.close()
        return
      case Type.Settings:
      case Type.WindowUpdate:
      default:
        return
    }
  }

  /** A SYN_REPLY with no headers: one stored deflate block, the zlib header before the first. */
  private reply(id: number): void {
    const body = Buffer.alloc(4)
    body.writeUInt32BE(id & 0x7fffffff, 0)
    this.sendControl(Type.SynReply, 0, Buffer.concat([body, this.compressHeaders(new Map())]))
  }

  /**
   * The header block compressed for the client's persistent inflater. Stored (uncompressed)
   * blocks are valid deflate and stay byte-aligned, so no compressor state is needed: only the
   * zlib header (with the dictionary's id) before the first block.
   */
  private compressHeaders(headers: Headers): Buffer {
    const raw = serializeHeaderBlock(headers)
    const stored = Buffer.alloc(5)
    stored[0] = 0x00 // not final, stored
    stored.writeUInt16LE(raw.length, 1)
    stored.writeUInt16LE(~raw.length & 0xffff, 3)
    // Then an empty stored block, as zlib's sync flush ends every block: Go's inflater hands out a
    // block's bytes only when it reaches the next block header, which must be in the same frame.
    const parts = [stored, raw, SYNC_MARKER]
    if (!this.headersSent) {
      this.headersSent = true
      parts.unshift(ZLIB_HEADER)
    }
    return Buffer.concat(parts)
  }

  /** Inflates one header block: the client's zlib stream continues across blocks, each ending with a sync flush. */
  private inflate(block: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error)
      this.inflater.once('error', onError)
      this.inflater.write(block)
      this.inflater.flush(zlibConstants.Z_SYNC_FLUSH, () => {
        this.inflater.off('error', onError)
        const out: Buffer[] = []
        for (let chunk = this.inflater.read() as Buffer | null; chunk; chunk = this.inflater.read() as Buffer | null) out.push(chunk)
        resolve(Buffer.concat(out))
      })
    })
  }
}

/** A header block: the number of pairs, then length-prefixed names and values (32-bit lengths). Names are lower case. */
export function parseHeaderBlock(block: Buffer): Headers {
  const headers: Headers = new Map()
  if (block.length < 4) return headers
  let offset = 4
  const count = block.readUInt32BE(0)
  const read = () => {
    const length = block.readUInt32BE(offset)
    const value = block.subarray(offset + 4, offset + 4 + length).toString('utf8')
    offset += 4 + length
    return value
  }
  for (let i = 0; i < count && offset < block.length; i++) {
    const name = read()
    headers.set(name.toLowerCase(), read())
  }
  return headers
}

export function serializeHeaderBlock(headers: Headers): Buffer {
  const parts: Buffer[] = []
  const count = Buffer.alloc(4)
  count.writeUInt32BE(headers.size)
  parts.push(count)
  for (const [name, value] of headers) {
    for (const text of [name.toLowerCase(), value]) {
      const bytes = Buffer.from(text, 'utf8')
      const length = Buffer.alloc(4)
      length.writeUInt32BE(bytes.length)
      parts.push(length, bytes)
    }
  }
  return Buffer.concat(parts)
}
