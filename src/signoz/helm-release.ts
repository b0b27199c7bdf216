import {gunzipSync, gzipSync} from 'node:zlib'
import type {KubeItem} from '../gateways/kube.js'

/** A Helm release record as Helm 3/4 store it (a Secret `sh.helm.release.v1.<name>.v<N>`). */
export interface HelmReleaseRecord {
  name: string
  namespace: string
  version: number
  status: string
  description: string
  lastDeployed?: string
  chart: {name: string; version: string; appVersion?: string}
  /** The user-supplied values of this revision (helm get values). */
  config: Record<string, unknown>
  /** The chart's own defaults. */
  chartValues: Record<string, unknown>
}

const GZIP_MAGIC = [0x1f, 0x8b]

const decoded = new WeakMap<KubeItem, HelmReleaseRecord | undefined>()

/** Decodes one release Secret (once per run: a record is gzipped JSON of the whole chart). */
export function decodeReleaseSecret(secret: KubeItem): HelmReleaseRecord | undefined {
  if (!decoded.has(secret)) decoded.set(secret, decodeRecord(secret))
  return decoded.get(secret)
}

/**
 * The whole record as Helm wrote it (name, info, chart, config, manifest, hooks), or undefined
 * when the Secret holds none. data.release is base64 (the Secret) of base64 of gzipped JSON.
 */
export function releaseRecordJson(secret: KubeItem): Record<string, unknown> | undefined {
  const data = (secret.data as Record<string, string> | undefined)?.release
  if (!data) return undefined
  try {
    let bytes = Buffer.from(Buffer.from(data, 'base64').toString('utf8'), 'base64')
    if (bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1]) bytes = gunzipSync(bytes)
    return JSON.parse(bytes.toString('utf8')) as Record<string, unknown>
  } catch {
    return undefined
  }
}

/** A record back into a Secret's data.release, as Helm stores it. */
export const encodeReleaseRecord = (record: Record<string, unknown>): string =>
  Buffer.from(gzipSync(Buffer.from(JSON.stringify(record))).toString('base64')).toString('base64')

function decodeRecord(secret: KubeItem): HelmReleaseRecord | undefined {
  const json = releaseRecordJson(secret)
  if (!json) return undefined
  try {
    const r = json as {
      name: string
      namespace: string
      version: number
      info?: {status?: string; description?: string; last_deployed?: string}
      chart?: {metadata?: {name?: string; version?: string; appVersion?: string}; values?: Record<string, unknown>}
      config?: Record<string, unknown>
    }
    return {
      name: r.name,
      namespace: r.namespace,
      version: r.version,
      status: r.info?.status ?? 'unknown',
      description: r.info?.description ?? '',
      lastDeployed: r.info?.last_deployed,
      chart: {name: r.chart?.metadata?.name ?? '', version: r.chart?.metadata?.version ?? '', appVersion: r.chart?.metadata?.appVersion},
      config: r.config ?? {},
      chartValues: r.chart?.values ?? {},
    }
  } catch {
    return undefined
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Helm's coalescing: user values over chart defaults, maps merged, everything else replaced. */
export function mergeValues(defaults: Record<string, unknown>, overrides: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {...defaults}
  for (const [key, value] of Object.entries(overrides)) {
    out[key] = isObject(value) && isObject(defaults[key]) ? mergeValues(defaults[key] as Record<string, unknown>, value) : value
  }
  return out
}

/** A value at a dotted path (clickhouse.layout.replicasCount). */
export function valueAt(values: Record<string, unknown>, path: string): unknown {
  let current: unknown = values
  for (const part of path.split('.')) current = isObject(current) ? current[part] : undefined
  return current
}

/**
 * Every release in the Secrets given, latest revision of each, newest first. The revision is read
 * from the labels Helm puts on each record, so only the latest record of a release is decoded.
 */
export function latestReleases(secrets: readonly KubeItem[]): HelmReleaseRecord[] {
  const newest = new Map<string, {version: number; secret: KubeItem}>()
  const unlabelled: KubeItem[] = []
  for (const s of secrets) {
    if (s.type !== 'helm.sh/release.v1') continue
    const labels = s.metadata?.labels ?? {}
    const version = Number(labels.version)
    if (!labels.name || !Number.isFinite(version)) {
      unlabelled.push(s)
      continue
    }
    const key = `${s.metadata?.namespace}/${labels.name}`
    if (!newest.has(key) || newest.get(key)!.version < version) newest.set(key, {version, secret: s})
  }
  const latest = new Map<string, HelmReleaseRecord>()
  for (const r of [...[...newest.values()].map((n) => decodeReleaseSecret(n.secret)), ...unlabelled.map(decodeReleaseSecret)]) {
    if (!r) continue
    const key = `${r.namespace}/${r.name}`
    if (!latest.has(key) || latest.get(key)!.version < r.version) latest.set(key, r)
  }
  return [...latest.values()].sort((a, b) => b.version - a.version)
}

/**
 * The stored revisions of one release (Helm keeps --history-max of them), newest first, each
 * decoded only when the caller gets to it: most callers stop after one or two.
 */
export function* revisionsNewestFirst(secrets: readonly KubeItem[], name: string, namespace: string): Generator<HelmReleaseRecord> {
  const ofRelease = secrets
    .filter((s) => s.type === 'helm.sh/release.v1' && s.metadata?.labels?.name === name)
    .sort((a, b) => Number(b.metadata?.labels?.version ?? 0) - Number(a.metadata?.labels?.version ?? 0))
  for (const s of ofRelease) {
    const r = decodeReleaseSecret(s)
    if (r && r.name === name && r.namespace === namespace) yield r
  }
}
