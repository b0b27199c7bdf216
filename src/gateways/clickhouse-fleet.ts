import {ClickHouseConnection, ONE_THREAD, safeTarget, type ClickHouseEndpoint} from './clickhouse.js'
import {GatewayError, type GatewayErrorKind} from './errors.js'
import {batchSql, splitBatch, type BatchItem, type BatchRow} from './query-batch.js'
import {PROBE, hasTable, probedTables, type Capabilities, type NamedQuery} from './queries.js'
import type {NamedStatement} from './statements.js'
import {trace} from '../core/trace.js'
import {READ_RETRIES, RetryLog, retrying, type Verdict} from './retry.js'

/**
 * ClickHouse errors a read may meet once and not again: the host at its query limit (202), its
 * memory limit (241), a server-side time limit (159, 160), the connection or port-forward stream
 * reset. A host that does not answer (a timeout) or refuses connections is not asked again: it
 * would cost the host timeout each time.
 */
export function clickhouseReadVerdict(error: unknown): Verdict {
  if (!(error instanceof GatewayError)) return {retry: false}
  if (error.kind === 'server' && error.code !== undefined && [202, 241, 159, 160].includes(error.code))
    return {retry: true, why: `code ${error.code} (${error.message.split('\n')[0]!.slice(0, 120)})`}
  if (error.kind === 'unreachable' && /ECONNRESET|socket hang up|EPIPE|other side closed|stream reset/i.test(error.message))
    return {retry: true, why: error.message}
  return {retry: false}
}

/** One ClickHouse host as doctor sees it after the probe. */
export interface HostProbe {
  /** The host's replica macro (its pod/Service name in Kubernetes), else host:port. */
  name: string
  target: string
  reachable: boolean
  error?: {kind: GatewayErrorKind; message: string}
  version?: string
  macros: Record<string, string>
  capabilities?: Capabilities
  latencyMs: number
}

export type HostResult<Row> = {host: HostProbe; rows: Row[]; error?: undefined} | {host: HostProbe; rows?: undefined; error: GatewayError}

/** The ClickHouse hosts of one run; checks query through it and never see a client. */
export interface ClickHouseFleet {
  readonly hosts: readonly HostProbe[]
  reachable(): HostProbe[]
  /** Runs a named query on every reachable host concurrently; cached for the run by name and params. */
  queryEach<Row, P>(query: NamedQuery<Row, P>, params: P, signal?: AbortSignal): Promise<HostResult<Row>[]>
  /** The same on one reachable host per shard (by its shard macro): for data replicated within a shard. */
  queryPerShard<Row, P>(query: NamedQuery<Row, P>, params: P, signal?: AbortSignal): Promise<HostResult<Row>[]>
  /** The same on the given hosts only (a follow-up query where a first one found something). */
  queryHosts<Row, P>(hosts: readonly HostProbe[], query: NamedQuery<Row, P>, params: P, signal?: AbortSignal): Promise<HostResult<Row>[]>
  /** Number of statements sent, for --stats. */
  queryCount(): number
  /** Reads that needed more than one attempt. */
  readonly retried?: RetryLog
}

export interface FleetOptions {
  requestTimeoutMs: number
  /** Queries asked of one host at the same moment go as one statement (default true). */
  batching?: boolean
  /** Tables ("database.table") whose presence the probe records in each host's capabilities. */
  probeTables?: readonly string[]
}

/** A query waiting for the rest of its batch. */
interface Waiting {
  name: string
  item: BatchItem
  signal?: AbortSignal
  resolve(rows: unknown[]): void
  reject(error: unknown): void
}

/** Real fleet over HTTP connections, one per host. */
export class HttpClickHouseFleet implements ClickHouseFleet {
  hosts: HostProbe[] = []
  private readonly connections = new Map<string, ClickHouseConnection>()
  private readonly cache = new Map<string, Promise<HostResult<unknown>[]>>()
  /** Per host target: the queries asked in this turn of the event loop, sent together at its end. */
  private readonly waiting = new Map<string, Waiting[]>()
  readonly retried = new RetryLog()

  private constructor(private readonly options: FleetOptions) {}

  /** Connects to every endpoint at once and probes version, macros and system-table columns. */
  static async open(endpoints: readonly ClickHouseEndpoint[], options: FleetOptions, signal?: AbortSignal): Promise<HttpClickHouseFleet> {
    const fleet = new HttpClickHouseFleet(options)
    fleet.hosts = await Promise.all(endpoints.map((e) => fleet.probe(e, signal)))
    return fleet
  }

  reachable(): HostProbe[] {
    return this.hosts.filter((h) => h.reachable)
  }

  queryCount(): number {
    let n = 0
    for (const c of this.connections.values()) n += c.queries
    return n
  }

  queryEach<Row, P>(query: NamedQuery<Row, P>, params: P, signal?: AbortSignal): Promise<HostResult<Row>[]> {
    return this.cached('each', this.reachable(), query, params, signal)
  }

  queryPerShard<Row, P>(query: NamedQuery<Row, P>, params: P, signal?: AbortSignal): Promise<HostResult<Row>[]> {
    const first = new Map<string, HostProbe>()
    for (const h of this.reachable()) if (!first.has(h.macros.shard ?? h.name)) first.set(h.macros.shard ?? h.name, h)
    return this.cached('shard', [...first.values()], query, params, signal)
  }

  queryHosts<Row, P>(hosts: readonly HostProbe[], query: NamedQuery<Row, P>, params: P, signal?: AbortSignal): Promise<HostResult<Row>[]> {
    return this.cached(
      `hosts:${hosts.map((h) => h.target).join(',')}`,
      hosts.filter((h) => h.reachable),
      query,
      params,
      signal,
    )
  }

  private cached<Row, P>(mode: string, hosts: readonly HostProbe[], query: NamedQuery<Row, P>, params: P, signal?: AbortSignal): Promise<HostResult<Row>[]> {
    const key = `${mode}:${query.name}:${JSON.stringify(params, (_, v: unknown) => (typeof v === 'function' ? String(v) : v))}`
    let pending = this.cache.get(key) as Promise<HostResult<Row>[]> | undefined
    if (!pending) {
      pending = Promise.all(hosts.map((host) => this.queryHost(host, query, params, signal)))
      this.cache.set(key, pending as Promise<HostResult<unknown>[]>)
    }
    return pending
  }

  private async queryHost<Row, P>(host: HostProbe, query: NamedQuery<Row, P>, params: P, signal?: AbortSignal): Promise<HostResult<Row>> {
    const caps = host.capabilities!
    const missing = query.needs.filter((t) => !hasTable(caps, t))
    // The ON CLUSTER queue lives in Keeper: without Keeper its table exists but cannot be read.
    if (query.needs.includes('system.distributed_ddl_queue') && !hasTable(caps, 'system.zookeeper')) {
      return {
        host,
        error: new GatewayError(
          'unsupported',
          `${host.name} has no Keeper configured: no ON CLUSTER queue (system.distributed_ddl_queue) to read`,
          host.target,
        ),
      }
    }
    if (missing.length > 0) {
      // system.zookeeper exists on every version, but only where Keeper is configured.
      if (missing.includes('system.zookeeper'))
        return {host, error: new GatewayError('unsupported', `${host.name} has no Keeper configured (no system.zookeeper)`, host.target)}
      return {host, error: new GatewayError('unsupported', `ClickHouse ${caps.version} has no ${missing.join(', ')}`, host.target)}
    }
    try {
      const sql = query.sql(params, caps)
      const rows =
        query.columns && this.options.batching !== false
          ? ((await this.batched(host, {name: query.name, item: {sql, columns: query.columns}, signal})) as Row[])
          : await this.send<Row>(host, query.name, sql, signal)
      return {host, rows}
    } catch (error) {
      return {host, error: error instanceof GatewayError ? error : new GatewayError('server', String(error), host.target)}
    }
  }

  /** One statement to one host, retried where a read may be; traced. */
  private async send<Row>(host: HostProbe, what: string, sql: string, signal?: AbortSignal): Promise<Row[]> {
    trace(`query ${what} on ${host.name}`)
    const conn = this.connections.get(host.target)!
    const rows = await retrying(`${what} on ${host.name}`, () => conn.query<Row>(sql, signal), clickhouseReadVerdict, {
      policy: READ_RETRIES,
      signal,
      log: this.retried,
    })
    trace(`query ${what} on ${host.name} answered`)
    return rows
  }

  /**
   * Waits for the other queries asked of this host in the same turn of the event loop (the checks
   * start together), then sends them as one statement: a statement costs the server and the
   * client far more than its rows do.
   */
  private batched(host: HostProbe, query: Omit<Waiting, 'resolve' | 'reject'>): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      const queue = this.waiting.get(host.target)
      if (queue) return void queue.push({...query, resolve, reject})
      this.waiting.set(host.target, [{...query, resolve, reject}])
      setImmediate(() => void this.flush(host))
    })
  }

  private async flush(host: HostProbe): Promise<void> {
    const queue = this.waiting.get(host.target) ?? []
    this.waiting.delete(host.target)
    // The same statement asked twice (per host and per shard) goes once.
    const distinct = [...new Map(queue.map((w) => [w.item.sql, w])).values()]
    const answer = (sql: string, rows: unknown[]) => queue.filter((w) => w.item.sql === sql).forEach((w) => w.resolve(rows))
    const fail = (sql: string, error: unknown) => queue.filter((w) => w.item.sql === sql).forEach((w) => w.reject(error))
    const alone = (w: Waiting) =>
      this.send(host, w.name, w.item.sql, w.signal).then(
        (rows) => answer(w.item.sql, rows),
        (error: unknown) => fail(w.item.sql, error),
      )
    if (distinct.length === 1) return alone(distinct[0]!)
    const items = distinct.map((w) => w.item)
    try {
      const rows = await this.send<BatchRow>(
        host,
        `batch(${distinct.map((w) => w.name).join(', ')})`,
        batchSql(items),
        whenAllAborted(queue.map((w) => w.signal)),
      )
      splitBatch(items, rows).forEach((r, i) => answer(items[i]!.sql, r))
    } catch (error) {
      // The server refused one of them (a table missing on this host, say): each alone, so each
      // answers or fails on its own as it would have. A host that did not answer fails them all.
      if (error instanceof GatewayError && (error.kind === 'server' || error.kind === 'not-found' || error.kind === 'unsupported'))
        await Promise.all(distinct.map(alone))
      else distinct.forEach((w) => fail(w.item.sql, error))
    }
  }

  private async probe(endpoint: ClickHouseEndpoint, signal?: AbortSignal): Promise<HostProbe> {
    const known = this.connections.get(endpoint.name ?? safeTarget(endpoint.url))
    const conn = known ?? new ClickHouseConnection(endpoint, {requestTimeoutMs: this.options.requestTimeoutMs, readSettings: ONE_THREAD})
    this.connections.set(conn.target, conn)
    const started = performance.now()
    const base = {name: conn.target, target: conn.target, macros: {}}
    try {
      const rows = await retrying(
        `probe of ${conn.target}`,
        () => conn.query<{kind: string; a: string; b: string}>(PROBE.sql({tables: this.options.probeTables}, EMPTY_CAPS), signal),
        clickhouseReadVerdict,
        {policy: READ_RETRIES, signal, log: this.retried},
      )
      const version = rows.find((r) => r.kind === 'version')?.a
      const byTable = new Map<string, Set<string>>()
      for (const c of rows.filter((r) => r.kind === 'column')) {
        const key = `system.${c.a}`
        if (!byTable.has(key)) byTable.set(key, new Set())
        byTable.get(key)!.add(c.b)
      }
      const [major = 0, minor = 0] = (version ?? '0.0').split('.').map(Number)
      const macroMap = Object.fromEntries(rows.filter((r) => r.kind === 'macro').map((m) => [m.a, m.b]))
      return {
        ...base,
        name: macroMap.replica ?? conn.target,
        reachable: true,
        version,
        macros: macroMap,
        capabilities: {
          version: version ?? '0.0',
          major,
          minor,
          columns: byTable,
          ...(this.options.probeTables ? {tables: probedTables(rows, this.options.probeTables)} : {}),
        },
        latencyMs: Math.round(performance.now() - started),
      }
    } catch (error) {
      let e = error instanceof GatewayError ? error : new GatewayError('server', String(error), conn.target)
      // A refused port-forward resets the local socket; the API server's own words say why.
      const why = e.kind === 'unreachable' ? endpoint.whyUnreachable?.() : undefined
      if (why) e = new GatewayError(/forbidden/i.test(why) ? 'forbidden' : 'unreachable', why, conn.target)
      return {...base, reachable: false, error: {kind: e.kind, message: e.message}, latencyMs: Math.round(performance.now() - started)}
    }
  }

  /**
   * Runs a statement on one host (by target, e.g. its pod name); never cached. Remediation
   * only: checks never change anything.
   */
  async execute<P>(target: string, statement: NamedStatement<P>, params: P, signal?: AbortSignal): Promise<void> {
    await this.connection(target).command(statement.sql(params), {signal})
  }

  /**
   * A named query on one host now, bypassing the run's cache: the state after a change. A host
   * that did not answer the first probe (it was restarting) is probed again first.
   */
  async queryNow<Row, P>(target: string, query: NamedQuery<Row, P>, params: P, signal?: AbortSignal): Promise<Row[]> {
    let host = this.hosts.find((h) => h.target === target)
    if (!host) throw new GatewayError('not-found', `no ClickHouse host ${target} in this run`, target)
    if (!host.reachable) {
      const conn = this.connection(target)
      host = await this.probe(conn.endpoint, signal)
      this.hosts = this.hosts.map((h) => (h.target === target ? host! : h))
      if (!host.reachable) throw new GatewayError(host.error!.kind, host.error!.message, target)
    }
    const result = await this.queryHost(host, query, params, signal)
    if (result.error) throw result.error
    return result.rows
  }

  private connection(target: string): ClickHouseConnection {
    const conn = this.connections.get(target)
    if (!conn) throw new GatewayError('not-found', `no ClickHouse host ${target} in this run`, target)
    return conn
  }

  async close(): Promise<void> {
    await Promise.all([...this.connections.values()].map((c) => c.close()))
  }
}

const EMPTY_CAPS: Capabilities = {version: '0.0', major: 0, minor: 0, columns: new Map()}

/**
 * Aborted once every one of the signals is: a batch serves several checks, each with its own
 * deadline, and must not be cut short for the others by the first to give up. No signal: never.
 */
export function whenAllAborted(signals: readonly (AbortSignal | undefined)[]): AbortSignal | undefined {
  if (signals.some((s) => s === undefined)) return undefined
  const all = new AbortController()
  let left = signals.length
  const one = () => {
    if (--left === 0) all.abort()
  }
  for (const s of signals as AbortSignal[]) {
    if (s.aborted) one()
    else s.addEventListener('abort', one, {once: true})
  }
  return all.signal
}
