import {ClickHouseLogLevel, createClient, type ClickHouseClient} from '@clickhouse/client'
import {traceSql} from '../core/trace.js'
import {GatewayError} from './errors.js'

export interface ClickHouseEndpoint {
  url: string
  /** How reports name the host when the URL is not meaningful (a port-forward names its pod). */
  name?: string
  /** Sockets to keep to the host; 1 through a port-forward, where each socket is a new stream. */
  maxConnections?: number
  /** What the path to the host knows of a failed connection (a port-forward the API server refused). */
  whyUnreachable?: () => string | undefined
  user: string
  password: string
}

export interface ConnectionOptions {
  /** Bound on one request, connect included; a hung (SIGSTOPped) host costs at most this. */
  requestTimeoutMs: number
  /** Settings every read carries besides the number format (the fleet's: ONE_THREAD). */
  readSettings?: Readonly<Record<string, number>>
}

/**
 * The settings of the fleet's reads: one thread. They read small system tables and narrow
 * windows, where a query's threads cost the server more than they save (on 18.16 a doctor batch
 * costs 16 ms of CPU with one thread against 21 ms with two), and a health check on a busy
 * production host should take one core at most. Not for reads of Distributed tables: 18.16 then
 * reads the shards one after another.
 */
export const ONE_THREAD = {max_threads: 1} as const

/**
 * One ClickHouse host over HTTP. The only module that imports @clickhouse/client.
 * Every failure becomes a GatewayError with a kind; callers never see the client's errors.
 */
export class ClickHouseConnection {
  private readonly client: ClickHouseClient
  readonly target: string
  queries = 0

  constructor(
    readonly endpoint: ClickHouseEndpoint,
    private readonly options: ConnectionOptions,
  ) {
    this.target = endpoint.name ?? safeTarget(endpoint.url)
    this.client = createClient({
      url: endpoint.url,
      username: endpoint.user,
      password: endpoint.password,
      request_timeout: options.requestTimeoutMs,
      // Old servers (18.x) reject settings they do not know; send none by default.
      clickhouse_settings: {},
      compression: {request: false, response: false},
      keep_alive: {enabled: true},
      ...(endpoint.maxConnections ? {max_open_connections: endpoint.maxConnections} : {}),
      application: 'signoz-ha',
      // Errors reach the caller as GatewayErrors; the client must not print on its own.
      log: {level: ClickHouseLogLevel.OFF},
    })
  }

  async query<Row>(sql: string, signal?: AbortSignal): Promise<Row[]> {
    this.queries++
    traceSql(this.target, sql)
    try {
      const result = await this.client.query({
        query: sql,
        format: 'JSONEachRow',
        abort_signal: signal,
        // Numbers as JSON numbers on every version (64-bit ints are quoted by default).
        clickhouse_settings: {output_format_json_quote_64bit_integers: 0, ...this.options.readSettings},
      })
      return await result.json<Row>()
    } catch (error) {
      throw this.translate(error)
    }
  }

  /** DDL, inserts with VALUES, SYSTEM statements: anything without a result set. */
  async command(sql: string, options: {signal?: AbortSignal; settings?: Record<string, string | number>} = {}): Promise<void> {
    this.queries++
    try {
      await this.client.command({query: sql, abort_signal: options.signal, clickhouse_settings: options.settings})
    } catch (error) {
      throw this.translate(error)
    }
  }

  async insert(
    table: string,
    rows: readonly Record<string, unknown>[],
    options: {signal?: AbortSignal; settings?: Record<string, string | number>} = {},
  ): Promise<void> {
    this.queries++
    try {
      await this.client.insert({
        table,
        values: rows as Record<string, unknown>[],
        format: 'JSONEachRow',
        abort_signal: options.signal,
        clickhouse_settings: options.settings,
      })
    } catch (error) {
      throw this.translate(error)
    }
  }

  async close(): Promise<void> {
    await this.client.close().catch(() => undefined)
  }

  private translate(error: unknown): GatewayError {
    const e = error as {code?: string | number; type?: string; message?: string; name?: string}
    const message = (e?.message ?? String(error)).split('\n')[0]!.trim()
    // Old servers answer "Code: 60, e.displayText() = …", which the client does not parse into a code.
    const fromMessage = /^Code: (\d+)[,.]/.exec(message)?.[1]
    const numeric = typeof e?.code === 'string' && /^\d+$/.test(e.code) ? Number(e.code) : fromMessage ? Number(fromMessage) : undefined
    if (numeric !== undefined) {
      if (numeric === 516 || numeric === 192 || numeric === 193 || /authentication failed|password is incorrect|unknown user/i.test(message)) {
        return new GatewayError('auth', `authentication failed for user ${this.endpoint.user}`, this.target, numeric)
      }
      if (numeric === 497 || numeric === 164) return new GatewayError('forbidden', message, this.target, numeric)
      if (numeric === 60 || numeric === 81) return new GatewayError('not-found', message, this.target, numeric)
      return new GatewayError('server', message, this.target, numeric)
    }
    if (e?.name === 'AbortError' || /abort/i.test(message)) return new GatewayError('timeout', 'request aborted', this.target)
    if (/timeout/i.test(message)) return new GatewayError('timeout', 'no answer within the host timeout', this.target)
    if (/ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|socket hang up|ENETUNREACH/i.test(`${e?.code} ${message}`)) {
      return new GatewayError('unreachable', `cannot connect (${e?.code ?? message})`, this.target)
    }
    if (/authentication|password/i.test(message)) return new GatewayError('auth', `authentication failed for user ${this.endpoint.user}`, this.target)
    return new GatewayError('server', message, this.target)
  }
}

/** host:port of a URL, never its credentials. */
export function safeTarget(url: string): string {
  try {
    const u = new URL(url)
    return u.host
  } catch {
    return '(invalid url)'
  }
}

export {ident, quote} from './sql.js'
