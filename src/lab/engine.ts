import {execFileSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {createRequire} from 'node:module'
import {delimiter, dirname, join} from 'node:path'
import {packageRoot} from './package-root.js'

/** Finds an executable on PATH (plus the sbin dirs Debian installs servers into). */
export function which(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin']
  for (const dir of dirs) {
    if (!dir) continue
    const candidate = join(dir, name)
    if (existsSync(candidate)) return candidate
  }
  return undefined
}

export interface ServerEngine {
  /** legacy: Debian's clickhouse-server 18.16; modern: 22.x+ (a single `clickhouse` binary, or the chdb package's engine). */
  kind: 'legacy' | 'modern'
  binary: string
  /** Arguments before --config-file. */
  args: string[]
  /** ClickHouse Keeper is available (modern binary only). */
  keeper: boolean
  /**
   * The chdb package's engine served by src/lab/chdb-server.py: ClickHouse 26.x, but clickhouse-local
   * underneath: no interserver port (no replication), no Keeper, no ON CLUSTER.
   */
  chdb?: boolean
}

/**
 * The chdb package's ClickHouse (libchdb.so) run as a server through the lab's python3 launcher,
 * when both are there.
 */
export function chdbEngine(): ServerEngine | undefined {
  let library: string
  try {
    library = join(dirname(createRequire(import.meta.url).resolve('@chdb/lib-linux-x64-gnu/package.json')), 'libchdb.so')
  } catch {
    return undefined
  }
  const python = which('python3')
  const launcher = join(packageRoot(), 'src', 'lab', 'chdb-server.py')
  if (!python || !existsSync(library) || !existsSync(launcher)) return undefined
  return {kind: 'modern', binary: python, args: [launcher, library], keeper: false, chdb: true}
}

/** Prefers a modern single `clickhouse` binary when present, else Debian's clickhouse-server. */
export function detectEngine(): ServerEngine | undefined {
  const modern = which('clickhouse')
  if (modern && process.env.SIGNOZ_HA_LAB_ENGINE !== 'legacy') {
    try {
      const help = execFileSync(modern, ['keeper', '--help'], {stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000}).toString()
      return {kind: 'modern', binary: modern, args: ['server'], keeper: /keeper/i.test(help)}
    } catch {
      // Not a multi-tool binary with keeper; fall through to the server-only path.
    }
  }
  const legacy = which('clickhouse-server')
  if (legacy) return {kind: 'legacy', binary: legacy, args: [], keeper: false}
  return undefined
}

export const ZOOKEEPER_JAR = '/usr/share/java/zookeeper.jar'
export const hasZookeeper = (): boolean => existsSync(ZOOKEEPER_JAR) && which('java') !== undefined
