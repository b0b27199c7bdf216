import type {CheckContext, Finding, KubeContext} from '../../src/core/check.js'
import {DEFAULT_THRESHOLDS, type Thresholds} from '../../src/core/thresholds.js'
import type {ClickHouseFleet, HostProbe, HostResult} from '../../src/gateways/clickhouse-fleet.js'
import {GatewayError} from '../../src/gateways/errors.js'
import type {KubeItem, SnapshotKind} from '../../src/gateways/kube.js'
import type {NamedQuery} from '../../src/gateways/queries.js'
import {readDeployment} from '../../src/signoz/deployment.js'
import {encodeReleaseRecord} from '../../src/signoz/helm-release.js'

/**
 * Fixtures for a check's unit test: a fleet that answers each named query from rows given per
 * host, and the context a check runs with. A query the check sends that has no answer is an error
 * (the test names it), and a stubbed query the check never sent is reported by unused(), so a
 * fixture cannot silently stop exercising what it claims to.
 */

/** A host of the fixture cluster: chi-…-SHARD-REPLICA, with its shard and replica macros. */
export function fixtureHost(shard: number, replica: number, extra: Partial<HostProbe> = {}): HostProbe {
  const name = `chi-signoz-clickhouse-cluster-${shard}-${replica}`
  return {
    name,
    target: `${name}-0`,
    reachable: true,
    version: '25.8.1.1',
    macros: {shard: String(shard), replica: name, cluster: 'cluster'},
    latencyMs: 1,
    ...extra,
  }
}

/** A cluster of shards × replicas fixture hosts. */
export const fixtureHosts = (shards: number, replicas: number): HostProbe[] =>
  Array.from({length: shards}, (_, s) => Array.from({length: replicas}, (_, r) => fixtureHost(s, r))).flat()

/** What a host answers to one query: rows, or a GatewayError (a timeout, a refused table…). */
export type Answer = Record<string, unknown>[] | GatewayError
/** Answers of one named query: the same for every host, or per host name (a host left out answers no rows). */
export type Stub = Answer | ((host: HostProbe, params: unknown) => Answer)

export interface FixtureFleet extends ClickHouseFleet {
  /** Names of stubbed queries the check never sent. */
  unused(): string[]
  /** Names of queries sent, in order. */
  readonly sent: string[]
}

export const timeoutOn = (host: string) => new GatewayError('timeout', `${host}: timed out after 5000 ms`, host)
export const unsupportedOn = (host: string, what = 'system.errors') => new GatewayError('unsupported', `${what} is not known to this server`, host)

export function fixtureFleet(hosts: readonly HostProbe[], stubs: Record<string, Stub>): FixtureFleet {
  const used = new Set<string>()
  const sent: string[] = []
  const answer = <Row, P>(host: HostProbe, query: NamedQuery<Row, P>, params: P): HostResult<Row> => {
    const stub = stubs[query.name]
    if (stub === undefined) throw new Error(`fixture fleet: the check sent query "${query.name}", which the test does not stub`)
    used.add(query.name)
    const a = typeof stub === 'function' ? stub(host, params) : stub
    return a instanceof GatewayError ? {host, error: a} : {host, rows: a as Row[]}
  }
  const run = async <Row, P>(on: readonly HostProbe[], query: NamedQuery<Row, P>, params: P): Promise<HostResult<Row>[]> => {
    sent.push(query.name)
    return on.filter((h) => h.reachable).map((h) => answer(h, query, params))
  }
  return {
    hosts,
    sent,
    reachable: () => hosts.filter((h) => h.reachable),
    queryEach: (query, params) => run(hosts, query, params),
    queryPerShard: (query, params) => {
      const seen = new Set<string>()
      return run(
        hosts.filter((h) => h.reachable && !seen.has(h.macros.shard ?? h.name) && seen.add(h.macros.shard ?? h.name)),
        query,
        params,
      )
    },
    queryHosts: (on, query, params) => run(on, query, params),
    queryCount: () => sent.length,
    unused: () => Object.keys(stubs).filter((name) => !used.has(name)),
  }
}

/** The context a check runs with, on fixtures: defaults for everything not given. */
export function fixtureContext(o: {
  fleet?: ClickHouseFleet
  kube?: KubeContext
  thresholds?: Partial<Thresholds>
  now?: number
  shards?: number
  replicasPerShard?: number
}): CheckContext {
  return {
    now: o.now ?? Date.parse('2026-12-01T12:00:00Z'),
    clickhouse: o.fleet ?? fixtureFleet([], {}),
    kube: o.kube,
    expect: {cluster: 'cluster', shards: o.shards, replicasPerShard: o.replicasPerShard},
    thresholds: {...DEFAULT_THRESHOLDS, ...o.thresholds},
    signal: new AbortController().signal,
  }
}

/** The failing findings, as subject → message, for compact assertions. */
export const failures = (findings: readonly Finding[]): Record<string, string> =>
  Object.fromEntries(findings.filter((f) => !f.ok).map((f) => [f.subject, f.message]))

/** What the probe found on a server: its version and the columns of the system tables named. */
export function capabilities(version: string, tables: Record<string, readonly string[]>): NonNullable<HostProbe['capabilities']> {
  const [major = 0, minor = 0] = version.split('.').map(Number)
  return {version, major, minor, columns: new Map(Object.entries(tables).map(([t, cols]) => [t, new Set(cols)]))}
}

/**
 * A Kubernetes side built from objects, as doctor reads it from one snapshot (readDeployment):
 * pass the lists by kind (pods, clickhouseinstallations, secrets for Helm releases…), and an error
 * per kind the API refused; logs answer from a map of "pod/container" → text.
 */
export function fixtureKube(
  items: Partial<Record<SnapshotKind, KubeItem[]>>,
  o: {namespace?: string; release?: string; errors?: Partial<Record<SnapshotKind, GatewayError>>; logs?: Record<string, string>} = {},
): KubeContext {
  const deployment = readDeployment({namespace: o.namespace ?? 'platform', items, errors: o.errors ?? {}}, o.release)
  return {deployment, podLog: async (_ns, pod, _tail, opts) => o.logs?.[`${pod}/${opts?.container ?? ''}${opts?.previous ? '/previous' : ''}`] ?? ''}
}

/** A Helm release record as Helm stores it (a Secret, base64 of gzipped JSON), for the Kubernetes fixtures. */
export function helmReleaseSecret(r: {
  name?: string
  revision?: number
  status?: string
  chart?: string
  chartVersion?: string
  appVersion?: string
  config?: Record<string, unknown>
  chartValues?: Record<string, unknown>
  description?: string
}): KubeItem {
  const name = r.name ?? 'signoz'
  const revision = r.revision ?? 1
  const status = r.status ?? 'deployed'
  const record = {
    name,
    namespace: 'platform',
    version: revision,
    info: {status, description: r.description ?? 'Upgrade complete', last_deployed: '2026-12-01T10:00:00Z'},
    chart: {metadata: {name: r.chart ?? 'signoz', version: r.chartVersion ?? '0.113.0', appVersion: r.appVersion ?? 'v0.113.0'}, values: r.chartValues ?? {}},
    config: r.config ?? {},
    manifest: '',
  }
  return {
    metadata: {name: `sh.helm.release.v1.${name}.v${revision}`, namespace: 'platform', labels: {owner: 'helm', name, status, version: String(revision)}},
    type: 'helm.sh/release.v1',
    data: {release: encodeReleaseRecord(record)},
  }
}

/** A ClickHouseInstallation and its host pods as the operator makes them (labels, ready state, the node each runs on). */
export function fixtureInstallation(
  name: string,
  shards: number,
  replicas: number,
  o: {ready?: (shard: number, replica: number) => boolean; node?: (shard: number, replica: number) => string | undefined; release?: string} = {},
): {chi: KubeItem; pods: KubeItem[]} {
  const chi: KubeItem = {
    metadata: {name, namespace: 'platform', annotations: o.release ? {'meta.helm.sh/release-name': o.release} : {}},
    spec: {configuration: {clusters: [{name: 'cluster', layout: {shardsCount: shards, replicasCount: replicas}}]}},
    status: {status: 'Completed'},
  }
  const pods = Array.from({length: shards}, (_, s) =>
    Array.from({length: replicas}, (_, r): KubeItem => {
      const ready = o.ready?.(s, r) ?? true
      return {
        metadata: {
          name: `chi-${name}-cluster-${s}-${r}-0`,
          namespace: 'platform',
          labels: {'clickhouse.altinity.com/chi': name, 'clickhouse.altinity.com/shard': String(s), 'clickhouse.altinity.com/replica': String(r)},
        },
        spec: {nodeName: o.node?.(s, r) ?? `node-${s}-${r}`},
        status: {phase: 'Running', conditions: [{type: 'Ready', status: ready ? 'True' : 'False'}]},
      }
    }),
  ).flat()
  return {chi, pods}
}

/** A workload whose container carries CLICKHOUSE_HOST (and the other variables given): a collector or SigNoz itself. */
export const clickhouseClient = (name: string, env: Record<string, string>, component = 'otel-collector'): KubeItem => ({
  metadata: {name, namespace: 'platform', labels: {'app.kubernetes.io/component': component}},
  spec: {
    replicas: 1,
    template: {
      spec: {
        containers: [{name: 'collector', image: 'signoz/signoz-otel-collector:v0.111.5', env: Object.entries(env).map(([n, value]) => ({name: n, value}))}],
      },
    },
  },
  status: {readyReplicas: 1},
})
