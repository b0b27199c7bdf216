import type {ClickHouseFleet, HostProbe, HostResult} from './clickhouse-fleet.js'
import {isGatewayError} from './errors.js'
import type {Capabilities, NamedQuery} from './queries.js'
import {paramsKey, recordError, replayError, Tape, type RecordedError} from './tape.js'

/** A host probe as JSON (a bundle's replay file): capabilities' column sets as arrays. */
export type RecordedHost = Omit<HostProbe, 'capabilities'> & {
  capabilities?: Omit<Capabilities, 'columns' | 'tables'> & {columns: Record<string, string[]>; tables?: string[]}
}

/** One host's answer to a recorded call, the host named by target. */
type RecordedResult = {target: string; rows: unknown[]} | {target: string; error: RecordedError}

export function recordHost(h: HostProbe): RecordedHost {
  const {capabilities, ...rest} = h
  if (!capabilities) return rest
  const {tables, ...caps} = capabilities
  return {
    ...rest,
    capabilities: {
      ...caps,
      columns: Object.fromEntries([...capabilities.columns].map(([table, cols]) => [table, [...cols].sort()])),
      ...(tables ? {tables: [...tables].sort()} : {}),
    },
  }
}

const replayHost = (h: RecordedHost): HostProbe =>
  ({
    ...h,
    ...(h.capabilities
      ? {
          capabilities: {
            ...h.capabilities,
            columns: new Map(Object.entries(h.capabilities.columns).map(([table, cols]) => [table, new Set(cols)])),
            tables: h.capabilities.tables ? new Set(h.capabilities.tables) : undefined,
          },
        }
      : {}),
  }) as HostProbe

/** The key of one fleet call: how hosts were chosen, the query, its parameters. */
const callKey = (mode: string, query: NamedQuery<unknown, unknown>, params: unknown) => `clickhouse|${query.name}|${mode}|${paramsKey(params)}`
const hostsMode = (hosts: readonly HostProbe[]) => `hosts:${hosts.map((h) => h.target).join(',')}`

/**
 * A fleet that answers as the one it wraps and keeps every answer on a tape: what a bundle
 * stores so that doctor and status can run again on it, offline.
 */
export class RecordingFleet implements ClickHouseFleet {
  constructor(
    private readonly inner: ClickHouseFleet,
    readonly tape: Tape,
    /** Applied to every recorded row set (the bundle's redaction). */
    private readonly transform: (rows: unknown[]) => unknown[] = (rows) => rows,
  ) {}

  get hosts(): readonly HostProbe[] {
    return this.inner.hosts
  }

  reachable(): HostProbe[] {
    return this.inner.reachable()
  }

  queryCount(): number {
    return this.inner.queryCount()
  }

  queryEach<Row, P>(query: NamedQuery<Row, P>, params: P, signal?: AbortSignal): Promise<HostResult<Row>[]> {
    return this.keep('each', query, params, this.inner.queryEach(query, params, signal))
  }

  queryPerShard<Row, P>(query: NamedQuery<Row, P>, params: P, signal?: AbortSignal): Promise<HostResult<Row>[]> {
    return this.keep('shard', query, params, this.inner.queryPerShard(query, params, signal))
  }

  queryHosts<Row, P>(hosts: readonly HostProbe[], query: NamedQuery<Row, P>, params: P, signal?: AbortSignal): Promise<HostResult<Row>[]> {
    return this.keep(hostsMode(hosts), query, params, this.inner.queryHosts(hosts, query, params, signal))
  }

  /** The probes of the run, for the replay file. */
  recordedHosts(): RecordedHost[] {
    return this.inner.hosts.map(recordHost)
  }

  private async keep<Row, P>(mode: string, query: NamedQuery<Row, P>, params: P, pending: Promise<HostResult<Row>[]>): Promise<HostResult<Row>[]> {
    const results = await pending
    const recorded: RecordedResult[] = results.map((r) =>
      r.rows ? {target: r.host.target, rows: this.transform(r.rows)} : {target: r.host.target, error: recordError(r.error)},
    )
    this.tape.takes[callKey(mode, query as NamedQuery<unknown, unknown>, params)] = {value: recorded}
    return results
  }
}

/** The fleet of a bundle: the recorded probes, and every call answered from the tape. */
export class ReplayFleet implements ClickHouseFleet {
  readonly hosts: readonly HostProbe[]
  private readonly byTarget: Map<string, HostProbe>

  constructor(
    hosts: readonly RecordedHost[],
    private readonly tape: Tape,
  ) {
    this.hosts = hosts.map(replayHost)
    this.byTarget = new Map(this.hosts.map((h) => [h.target, h]))
  }

  reachable(): HostProbe[] {
    return this.hosts.filter((h) => h.reachable)
  }

  queryCount(): number {
    return 0
  }

  queryEach<Row, P>(query: NamedQuery<Row, P>, params: P): Promise<HostResult<Row>[]> {
    return this.answer('each', this.reachable(), query, params)
  }

  queryPerShard<Row, P>(query: NamedQuery<Row, P>, params: P): Promise<HostResult<Row>[]> {
    const first = new Map<string, HostProbe>()
    for (const h of this.reachable()) if (!first.has(h.macros.shard ?? h.name)) first.set(h.macros.shard ?? h.name, h)
    return this.answer('shard', [...first.values()], query, params)
  }

  queryHosts<Row, P>(hosts: readonly HostProbe[], query: NamedQuery<Row, P>, params: P): Promise<HostResult<Row>[]> {
    return this.answer(
      hostsMode(hosts),
      hosts.filter((h) => h.reachable),
      query,
      params,
    )
  }

  private async answer<Row, P>(mode: string, hosts: readonly HostProbe[], query: NamedQuery<Row, P>, params: P): Promise<HostResult<Row>[]> {
    let recorded: RecordedResult[]
    try {
      recorded = await this.tape.play<RecordedResult[]>(callKey(mode, query as NamedQuery<unknown, unknown>, params))
    } catch (error) {
      if (!isGatewayError(error)) throw error
      // Not asked by the run that made the bundle: every host answers that it is not there.
      return hosts.map((host) => ({host, error: replayError({kind: error.kind, message: error.message, target: host.target})}))
    }
    return recorded.map((r) => {
      const host = this.byTarget.get(r.target) ?? ({name: r.target, target: r.target, reachable: true, macros: {}, latencyMs: 0} as HostProbe)
      return 'rows' in r ? {host, rows: r.rows as Row[]} : {host, error: replayError(r.error)}
    })
  }
}
