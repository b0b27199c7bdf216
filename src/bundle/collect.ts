import {parseAllDocuments, stringify} from 'yaml'
import type {Check, Expectations, KubeTarget} from '../core/check.js'
import type {ConfigFile} from '../core/config.js'
import {runDoctor} from '../doctor/run.js'
import {errorMessage} from '../core/errors.js'
import type {Report} from '../core/report.js'
import type {Thresholds} from '../core/thresholds.js'
import type {ClickHouseFleet, HostResult} from '../gateways/clickhouse-fleet.js'
import {isGatewayError} from '../gateways/errors.js'
import {BUNDLE_EXTRA_KINDS, type KubeItem, type ListKind} from '../gateways/kube.js'
import {type NamedQuery} from '../gateways/queries.js'
import {Q} from '../signoz/queries.js'
import {BUNDLE_Q} from './queries.js'
import {RecordingFleet} from '../gateways/recorded-fleet.js'
import {recordError, Tape} from '../gateways/tape.js'
import {renderJson} from '../render/json.js'
import {renderStatus} from '../render/status.js'
import {renderText} from '../render/text.js'
import {runbookOf} from '../../runbooks/index.js'
import {renderDoctorHtml} from '../render/html.js'
import {isSignozRelease} from '../signoz/deployment.js'
import {decodeReleaseSecret, encodeReleaseRecord, releaseRecordJson} from '../signoz/helm-release.js'
import {SIGNOZ_DATABASES} from '../signoz/schema.js'
import {collectStatus} from '../status/collect.js'
import type {StatusView} from '../status/view.js'
import type {ArchiveFile} from './archive.js'
import {Redactor} from './redaction.js'
import {BUNDLE_FORMAT, recordingKubeContext, REPLAY_FILE, type ReplayFile} from './replay.js'
import {Chalk} from 'chalk'

/** What signoz-ha bundle collects, and how much of it. */
export interface BundleOptions {
  sinceSeconds: number
  logsTail: number
  /** Each log is cut to its last this many bytes. */
  logBytes: number
  /** Rows kept per system table and host. */
  tableRows: number
  redactPatterns: readonly string[]
  version: string
  signal: AbortSignal
}

export interface BundleDoctor {
  checks: readonly Check[]
  expect: Expectations
  thresholds: Thresholds
  policy?: Pick<ConfigFile, 'severity' | 'exempt'>
  concurrency: number
  checkTimeoutMs: number
}

/** A part the bundle could not collect, and why (a 403, a host down, a table the server lacks). */
export interface BundleGap {
  what: string
  why: string
  /** The server's version lacks the table (folded into notOnThisVersion). */
  unsupported?: boolean
}

/** A system table a host's ClickHouse version does not have: not a gap in access, said once per table. */
export interface BundleUnsupported {
  table: string
  versions: string[]
}

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT
  tool: {name: 'signoz-ha'; version: string}
  collectedAt: string
  target: {context: string | null; namespace: string | null; release: string | null; clickhouseHosts: number}
  options: {sinceSeconds: number; logsTail: number; logBytes: number; tableRows: number; extraRedactPatterns: number}
  doctor: {status: Report['status']; summary: Report['summary']}
  files: {path: string; bytes: number}[]
  gaps: BundleGap[]
  /** System tables some hosts' version lacks (18.16 has no system.disks, system.errors…). */
  notOnThisVersion: BundleUnsupported[]
  redaction: string
}

export interface CollectedBundle {
  /** Paths relative to the bundle's top directory. */
  files: ArchiveFile[]
  manifest: BundleManifest
  report: Report
  status: StatusView
}

/** The system tables kept of each host: file name, query, parameters. */
const HOST_TABLES = (rows: number): {file: string; query: NamedQuery<unknown, unknown>; params: unknown}[] =>
  [
    {file: 'server', query: Q.serverInfo, params: undefined},
    {file: 'clusters', query: BUNDLE_Q.bundleClusters, params: undefined},
    {file: 'macros', query: BUNDLE_Q.bundleMacros, params: undefined},
    {file: 'replicas', query: BUNDLE_Q.bundleReplicas, params: undefined},
    {file: 'replication_queue', query: BUNDLE_Q.bundleReplicationQueue, params: {limit: rows}},
    {file: 'mutations', query: BUNDLE_Q.bundleMutations, params: {limit: rows}},
    {file: 'parts_summary', query: BUNDLE_Q.bundleParts, params: {limit: rows}},
    {file: 'disks', query: BUNDLE_Q.bundleDisks, params: undefined},
    {file: 'errors', query: BUNDLE_Q.bundleErrors, params: undefined},
    {file: 'distributed_ddl_queue', query: BUNDLE_Q.bundleDdlQueue, params: {limit: rows}},
    {file: 'distribution_queue', query: BUNDLE_Q.bundleDistributionQueue, params: undefined},
    {file: 'settings_changed', query: BUNDLE_Q.bundleSettingsChanged, params: undefined},
    {file: 'server_settings_changed', query: BUNDLE_Q.bundleServerSettingsChanged, params: undefined},
  ] as {file: string; query: NamedQuery<unknown, unknown>; params: unknown}[]

/** At most limit calls at once (log reads: one request each, many pods). */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  await Promise.all(
    Array.from({length: Math.min(limit, items.length)}, async () => {
      while (next < items.length) {
        const i = next++
        out[i] = await fn(items[i]!)
      }
    }),
  )
  return out
}

const ndjson = (rows: readonly unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '')
const safeName = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_')

type Container = {name: string}
type ContainerStatus = {name: string; restartCount?: number}

/**
 * Collects a support bundle of one release at one moment: doctor and status run once over a
 * recording of every gateway call (the replay file), alongside the objects, Helm release, logs and
 * system tables a person reads. Everything passes the redactor before it is kept.
 */
export async function collectBundle(
  live: {kube?: KubeTarget; fleet: ClickHouseFleet; secrets: readonly (string | undefined)[]},
  doctor: BundleDoctor,
  options: BundleOptions,
): Promise<CollectedBundle> {
  const collectedAt = Date.now()
  const gaps: BundleGap[] = []
  const redactor = new Redactor(options.redactPatterns)
  for (const s of live.secrets) redactor.addSecret(s)
  const tape = new Tape()
  const fleet = new RecordingFleet(live.fleet, tape)
  const kube = live.kube
  const reachableKube = kube && !kube.unavailable ? kube : undefined
  const recordedKube = kube ? {context: recordingKubeContext(kube.context, tape), contextName: kube.contextName, unavailable: kube.unavailable} : undefined
  const d = reachableKube?.context.deployment
  const namespace = d?.namespace

  if (kube?.unavailable) gaps.push({what: 'kubernetes', why: kube.unavailable})
  for (const [kind, e] of Object.entries(d?.snapshot.errors ?? {})) gaps.push({what: `kubernetes/${kind}`, why: e.message})
  for (const h of live.fleet.hosts) if (!h.reachable) gaps.push({what: `clickhouse/${h.name}`, why: h.error?.message ?? 'did not answer'})

  const [report, status, extra, logs, tables, keeperNodes] = await Promise.all([
    runDoctor(fleet, {...doctor, signal: options.signal, version: options.version, now: collectedAt, kube: recordedKube}),
    collectStatus({fleet, kube: recordedKube, now: collectedAt, version: options.version, signal: options.signal, thresholds: doctor.thresholds}),
    listExtra(reachableKube, namespace, gaps),
    collectLogs(reachableKube, options, gaps),
    collectTables(live.fleet, options, gaps),
    collectKeeperNodes(live.fleet, options, gaps),
  ])

  // Every secret is learnt before any text is kept: a password found in a ConfigMap is scrubbed from the logs too.
  const snapshotItems = d?.snapshot.items ?? {}
  for (const item of [...(extra.secrets ?? []).map(asSecret), ...Object.values(snapshotItems).flat(), ...Object.values(extra).flat()]) redactor.learn(item)
  const releaseSecrets = (snapshotItems.secrets ?? []).filter((s) => s.type === 'helm.sh/release.v1')
  const records = releaseSecrets.map((s) => ({secret: s, json: releaseRecordJson(s)}))
  for (const r of records) redactor.learn(r.json)

  const files: ArchiveFile[] = []
  const add = (path: string, content: string) => files.push({path, content})
  const c = new Chalk({level: 0})
  add('doctor.json', renderJson(redactor.object(report)))
  add('doctor.txt', `${redactor.text(renderText(report, {chalk: c, verbose: true}))}\n`)
  add('status.json', `${redactor.json(status)}\n`)
  add('status.txt', `${redactor.text(renderStatus(status, c))}\n`)
  // The page a person opens first: the report of that moment, redacted like the rest.
  add('report.html', renderDoctorHtml(redactor.object(report), {runbookOf}))

  // Kubernetes: each kind as listed (Secrets as names and keys only).
  for (const [kind, items] of Object.entries({...snapshotItems, ...extra}) as [ListKind | 'secrets', KubeItem[]][]) {
    const list = kind === 'secrets' ? (extra.secrets ?? items) : items
    add(`kubernetes/${kind}.json`, redactor.json({kind: 'List', items: kind === 'secrets' ? list.map(secretKeysOnly) : list}))
  }

  // Helm: every revision's summary; the latest record's values, manifest and hooks, redacted.
  const signoz = records.filter((r) => r.json && decodeReleaseSecret(r.secret) && isSignozRelease(decodeReleaseSecret(r.secret)!))
  const byRelease = Map.groupBy(signoz, (r) => decodeReleaseSecret(r.secret)!.name)
  for (const [name, revisions] of byRelease) {
    const sorted = [...revisions].sort((a, b) => decodeReleaseSecret(b.secret)!.version - decodeReleaseSecret(a.secret)!.version)
    add(
      `helm/${safeName(name)}/history.json`,
      redactor.json(
        sorted.map((r) => {
          const rec = decodeReleaseSecret(r.secret)!
          return {
            revision: rec.version,
            status: rec.status,
            chart: `${rec.chart.name}-${rec.chart.version}`,
            appVersion: rec.chart.appVersion ?? null,
            updated: rec.lastDeployed ?? null,
            description: rec.description,
          }
        }),
      ),
    )
    const latest = sorted[0]!.json!
    add(`helm/${safeName(name)}/values.yaml`, stringify(redactor.object(latest.config ?? {})))
    add(`helm/${safeName(name)}/manifest.yaml`, redactedYaml(String(latest.manifest ?? ''), redactor))
    const hooks = (latest.hooks as {name?: string; kind?: string; path?: string; manifest?: string; events?: string[]; last_run?: unknown}[] | undefined) ?? []
    add(
      `helm/${safeName(name)}/hooks.yaml`,
      hooks.map((h) => `# Source: ${h.path ?? h.name} (${(h.events ?? []).join(', ')})\n${redactedYaml(h.manifest ?? '', redactor)}`).join('---\n'),
    )
  }

  for (const l of logs) add(`logs/${safeName(l.pod)}/${safeName(l.container)}${l.previous ? '.previous' : ''}.log`, redactor.text(l.text))
  for (const t of tables) add(`clickhouse/${safeName(t.host)}/${t.file}.ndjson`, ndjson(redactor.object(t.rows)))
  for (const k of keeperNodes) add(`clickhouse/${safeName(k.host)}/keeper_nodes.ndjson`, ndjson(redactor.object(k.rows)))

  // The replay file: the snapshot as doctor read it (release records redacted inside, then re-encoded), the probes, the tape.
  const replaySecrets = (snapshotItems.secrets ?? []).map((s) => {
    const json = records.find((r) => r.secret === s)?.json
    if (!json) return asSecret(s)
    const {templates: _t, files: _f, ...chart} = (json.chart ?? {}) as Record<string, unknown>
    const slim = redactor.object({...json, chart, manifest: '', hooks: []})
    return {...s, data: {release: encodeReleaseRecord(slim)}}
  })
  const replay: ReplayFile = {
    format: BUNDLE_FORMAT,
    tool: options.version,
    collectedAt: new Date(collectedAt).toISOString(),
    ...(kube
      ? {
          kube: {
            contextName: kube.contextName,
            namespace: d?.namespace ?? kube.context.deployment.namespace,
            ...(d?.release ? {release: d.release.name} : {}),
            ...(kube.unavailable ? {unavailable: kube.unavailable} : {}),
            snapshot: {
              items: {...redactor.object({...snapshotItems, secrets: undefined}), ...(snapshotItems.secrets ? {secrets: replaySecrets} : {})},
              errors: Object.fromEntries(Object.entries(d?.snapshot.errors ?? {}).map(([k, e]) => [k, recordError(e)])),
            },
          },
        }
      : {}),
    clickhouse: {hosts: fleet.recordedHosts()},
    expect: doctor.expect,
    thresholds: doctor.thresholds,
    tape: redactor.object(tape.takes),
  }
  add(REPLAY_FILE, `${JSON.stringify(replay)}\n`)

  const folded = foldUnsupported(gaps)
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    tool: {name: 'signoz-ha', version: options.version},
    collectedAt: replay.collectedAt,
    target: {context: kube?.contextName ?? null, namespace: namespace ?? null, release: d?.release?.name ?? null, clickhouseHosts: live.fleet.hosts.length},
    options: {
      sinceSeconds: options.sinceSeconds,
      logsTail: options.logsTail,
      logBytes: options.logBytes,
      tableRows: options.tableRows,
      extraRedactPatterns: options.redactPatterns.length,
    },
    doctor: {status: report.status, summary: report.summary},
    files: files.map((f) => ({path: f.path, bytes: Buffer.byteLength(f.content)})).sort((a, b) => a.path.localeCompare(b.path)),
    gaps: folded.gaps,
    notOnThisVersion: folded.unsupported,
    redaction:
      "Secret data, values under keys that name a secret (password, token, secret, credential, private key), env entries so named, passwords in URLs, <password> elements, IDENTIFIED BY '…', every value so hidden wherever else it appears, the ClickHouse password and the kubeconfig's credentials of the run, and each --redact pattern. The chart's published default password is public and kept (it is a finding).",
  }
  files.unshift({path: 'manifest.json', content: `${JSON.stringify(manifest, null, 2)}\n`})
  return {files, manifest, report, status}
}

/** Items of a LIST carry no kind: marked, a Secret's data is hidden by the redactor. */
const asSecret = (s: KubeItem): KubeItem => ({kind: 'Secret', apiVersion: 'v1', ...s})

/** A Secret as names and keys only: which keys it has, none of their values. */
const secretKeysOnly = (s: KubeItem): KubeItem => {
  const {data, stringData, ...rest} = s as KubeItem & {data?: Record<string, string>; stringData?: Record<string, string>}
  return {kind: 'Secret', apiVersion: 'v1', ...rest, keys: [...Object.keys(data ?? {}), ...Object.keys(stringData ?? {})].sort()}
}

function redactedYaml(text: string, redactor: Redactor): string {
  if (!text.trim()) return ''
  try {
    return parseAllDocuments(text)
      .map((doc) => {
        const value = (doc as {toJS(): unknown}).toJS()
        return value === null || value === undefined ? '' : stringify(redactor.object(value))
      })
      .filter(Boolean)
      .join('---\n')
  } catch {
    return redactor.text(text)
  }
}

/** The namespace's other kinds (whole), and every Secret (kept as names and keys). */
async function listExtra(kube: KubeTarget | undefined, namespace: string | undefined, gaps: BundleGap[]): Promise<Partial<Record<ListKind, KubeItem[]>>> {
  if (!kube || !namespace) return {}
  const out: Partial<Record<ListKind, KubeItem[]>> = {}
  await Promise.all(
    [...BUNDLE_EXTRA_KINDS, 'secrets' as const].map(async (kind) => {
      try {
        out[kind] = await kube.gateway.list(kind, namespace)
      } catch (error) {
        if (!isGatewayError(error)) throw error
        gaps.push({what: `kubernetes/${kind}`, why: error.message})
      }
    }),
  )
  return out
}

interface CollectedLog {
  pod: string
  container: string
  previous: boolean
  text: string
}

/** Every container's log of every pod of the namespace: the current run, and the one before where it restarted. */
async function collectLogs(kube: KubeTarget | undefined, options: BundleOptions, gaps: BundleGap[]): Promise<CollectedLog[]> {
  const d = kube?.context.deployment
  if (!kube || !d) return []
  const wanted: Omit<CollectedLog, 'text'>[] = []
  for (const pod of d.snapshot.items.pods ?? []) {
    const name = pod.metadata?.name ?? ''
    const spec = (pod.spec ?? {}) as {containers?: Container[]; initContainers?: Container[]}
    const statuses = [
      ...((pod.status?.containerStatuses as ContainerStatus[] | undefined) ?? []),
      ...((pod.status?.initContainerStatuses as ContainerStatus[] | undefined) ?? []),
    ]
    for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
      wanted.push({pod: name, container: c.name, previous: false})
      if ((statuses.find((s) => s.name === c.name)?.restartCount ?? 0) > 0) wanted.push({pod: name, container: c.name, previous: true})
    }
  }
  const read = await mapLimit(wanted, 8, async (w) => {
    try {
      const text = await kube.gateway.podLog(d.namespace, w.pod, options.logsTail, w.container, {
        previous: w.previous,
        sinceSeconds: options.sinceSeconds,
        limitBytes: options.logBytes,
      })
      return {...w, text}
    } catch (error) {
      gaps.push({what: `logs/${w.pod}/${w.container}${w.previous ? ' (previous)' : ''}`, why: errorMessage(error)})
      return undefined
    }
  })
  return read.filter((l): l is CollectedLog => l !== undefined)
}

interface CollectedTable {
  host: string
  file: string
  rows: unknown[]
}

const gapOf = (r: HostResult<unknown>, file: string, gaps: BundleGap[]) => {
  if (r.error) gaps.push({what: `clickhouse/${r.host.name}/${file}`, why: r.error.message, ...(r.error.kind === 'unsupported' ? {unsupported: true} : {})})
}

/** Unsupported-table gaps folded into one entry per table, with the versions that lack it. */
function foldUnsupported(gaps: BundleGap[]): {gaps: BundleGap[]; unsupported: BundleUnsupported[]} {
  const byTable = new Map<string, Set<string>>()
  const rest: BundleGap[] = []
  for (const g of gaps) {
    const m = g.unsupported ? /^ClickHouse (\S+) has no (.+)$/.exec(g.why) : null
    if (!m) {
      rest.push(g)
      continue
    }
    for (const table of m[2]!.split(', ')) byTable.set(table, (byTable.get(table) ?? new Set()).add(m[1]!))
  }
  return {
    gaps: rest,
    unsupported: [...byTable].map(([table, versions]) => ({table, versions: [...versions].sort()})).sort((a, b) => a.table.localeCompare(b.table)),
  }
}

async function collectTables(fleet: ClickHouseFleet, options: BundleOptions, gaps: BundleGap[]): Promise<CollectedTable[]> {
  const results = await Promise.all(HOST_TABLES(options.tableRows).map(async (t) => ({t, results: await fleet.queryEach(t.query, t.params, options.signal)})))
  const out: CollectedTable[] = []
  for (const {t, results: rs} of results) {
    for (const r of rs) {
      if (r.rows) out.push({host: r.host.name, file: t.file, rows: r.rows})
      else gapOf(r, t.file, gaps)
    }
  }
  return out
}

/** Keeper znodes under each SigNoz table's root and its replicas, from every host. */
async function collectKeeperNodes(fleet: ClickHouseFleet, options: BundleOptions, gaps: BundleGap[]): Promise<CollectedTable[]> {
  const paths = await fleet.queryEach(Q.replicaPaths, {databases: SIGNOZ_DATABASES}, options.signal)
  const out: CollectedTable[] = []
  await Promise.all(
    paths.map(async (p) => {
      if (!p.rows) return gapOf(p, 'keeper_nodes', gaps)
      const roots = [...new Set(p.rows.map((r) => r.zookeeper_path))].flatMap((root) => [root, `${root}/replicas`])
      if (roots.length === 0) return
      const [r] = await fleet.queryHosts([p.host], BUNDLE_Q.bundleKeeperNodes, {paths: roots}, options.signal)
      if (r?.rows) out.push({host: p.host.name, file: 'keeper_nodes', rows: r.rows})
      else if (r) gapOf(r, 'keeper_nodes', gaps)
    }),
  )
  return out
}
