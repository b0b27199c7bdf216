import {closeSync, existsSync, linkSync, mkdirSync, openSync, rmSync, writeSync} from 'node:fs'
import {dirname, resolve} from 'node:path'
import {writeArchive} from '../bundle/archive.js'
import {collectBundle, type CollectedBundle} from '../bundle/collect.js'
import {parseDuration} from '../core/duration.js'
import {UsageError} from '../core/errors.js'
import {EXIT} from '../core/exit-codes.js'
import {doctorSetup, expectationsFor, type DoctorFlags} from './doctor-command.js'
import {withSession} from './session.js'

export interface BundleFlags extends Pick<
  DoctorFlags,
  'kubeconfig' | 'context' | 'in-cluster' | 'namespace' | 'release' | 'clickhouse-url' | 'clickhouse-user' | 'cluster' | 'config' | 'timeout' | 'host-timeout'
> {
  output?: string
  since: string
  'logs-tail': number
  'log-bytes': number
  'table-rows': number
  redact?: string[]
}

const stamp = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')

/** Writes the archive without ever replacing a file: a bundle already there is someone's evidence. */
function writeNew(path: string, bytes: Buffer): void {
  const target = resolve(path)
  if (existsSync(target)) throw new UsageError(`${path} already exists`, 'give another -o FILE (a bundle is never overwritten)')
  const tmp = `${target}.${process.pid}.tmp`
  try {
    mkdirSync(dirname(target), {recursive: true})
    // Owner-only: a bundle is redacted, but it is still the cluster's inner workings.
    const fd = openSync(tmp, 'wx', 0o600)
    try {
      writeSync(fd, bytes)
    } finally {
      closeSync(fd)
    }
    // link() fails if the target appeared meanwhile: never a silent replace.
    linkSync(tmp, target)
  } catch (error) {
    throw new UsageError(`cannot write the bundle to ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  } finally {
    rmSync(tmp, {force: true})
  }
}

export interface BundleResult {
  path: string
  bytes: number
  bundle: CollectedBundle
  durationMs: number
  exitCode: number
}

/** signoz-ha bundle: one moment of one release, collected, redacted and written as a .tar.gz. */
export async function bundleCommand(flags: BundleFlags, version: string): Promise<BundleResult> {
  const started = performance.now()
  const sinceSeconds = Math.round(parseDuration(flags.since, '--since') / 1000)
  if (flags['logs-tail'] < 1) throw new UsageError('--logs-tail must be at least 1')
  const setup = doctorSetup({...flags, concurrency: 64, verbose: false})
  if (flags.output && !/\.(tar\.gz|tgz)$/.test(flags.output)) throw new UsageError(`-o ${flags.output}: a bundle is a .tar.gz`, 'name it FILE.tar.gz')
  if (flags.output && existsSync(flags.output)) throw new UsageError(`${flags.output} already exists`, 'give another -o FILE (a bundle is never overwritten)')
  return withSession(flags, async (session) => {
    const {kube, signal} = session
    const [fleet, credentials] = await Promise.all([session.fleet(), session.credentials()])
    const bundle = await collectBundle(
      {kube, fleet, secrets: [credentials.password, process.env.SIGNOZ_HA_CLICKHOUSE_PASSWORD, ...(kube?.gateway.credentialValues() ?? [])]},
      {
        checks: setup.checks,
        expect: expectationsFor(flags, kube),
        thresholds: setup.thresholds,
        policy: setup.config,
        concurrency: 64,
        checkTimeoutMs: setup.checkTimeoutMs,
      },
      {
        sinceSeconds,
        logsTail: flags['logs-tail'],
        logBytes: flags['log-bytes'],
        tableRows: flags['table-rows'],
        redactPatterns: flags.redact ?? [],
        version,
        signal,
      },
    )
    const collectedAt = Date.parse(bundle.manifest.collectedAt)
    const top = `signoz-ha-bundle-${bundle.manifest.target.namespace ?? 'clickhouse'}-${stamp(collectedAt)}`
    const archive = writeArchive(
      bundle.files.map((f) => ({path: `${top}/${f.path}`, content: f.content})),
      collectedAt,
    )
    const path = flags.output ?? `${top}.tar.gz`
    writeNew(path, archive)
    // Nothing of the deployment could be read: the bundle says why, and the run is incomplete.
    const nothing = (!kube || kube.unavailable) && fleet.reachable().length === 0
    return {path, bytes: archive.length, bundle, durationMs: Math.round(performance.now() - started), exitCode: nothing ? EXIT.incomplete : EXIT.ok}
  })
}

const size = (bytes: number) =>
  bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`

/** What bundle prints: where, how big, what doctor saw, what could not be collected, what to do next. */
export function renderBundleResult(r: BundleResult): string {
  const m = r.bundle.manifest
  const s = m.doctor.summary
  const lines = [
    `bundle ${r.path}: ${size(r.bytes)}, ${m.files.length} files, collected ${m.collectedAt} in ${(r.durationMs / 1000).toFixed(1)}s`,
    `  target: ${[m.target.context && `context ${m.target.context}`, m.target.namespace && `namespace ${m.target.namespace}`, m.target.release && `release ${m.target.release}`].filter(Boolean).join(', ') || 'ClickHouse only'}, ${m.target.clickhouseHosts} ClickHouse hosts`,
    `  doctor: ${m.doctor.status} (${s.critical} critical, ${s.warning} warning, ${s.passed} passed, ${s.skipped} skipped, ${s.errored} errored); status: ${r.bundle.status.problems.length} problem(s)`,
  ]
  if (m.gaps.length > 0) {
    lines.push(`  not collected (${m.gaps.length}):`)
    for (const g of m.gaps.slice(0, 20)) lines.push(`    ${g.what}: ${g.why}`)
    if (m.gaps.length > 20) lines.push(`    … ${m.gaps.length - 20} more in manifest.json`)
  }
  if (m.notOnThisVersion.length > 0)
    lines.push(`  not on this ClickHouse version: ${m.notOnThisVersion.map((u) => `${u.table} (${u.versions.join(', ')})`).join(', ')}`)
  lines.push(
    '  redacted: secrets, tokens, passwords and credentials in URLs (manifest.json says what exactly)',
    `  offline: signoz-ha doctor --from-bundle ${r.path}`,
  )
  return lines.join('\n')
}
