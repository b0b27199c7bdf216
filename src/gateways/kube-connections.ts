import {mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'

/**
 * How many port-forward sessions the last run against each API server opened, kept between runs
 * as kubectl keeps its discovery cache. Each session's upgrade needs an API connection of its
 * own; a run that knows how many it will need opens them at its start, alongside the snapshot's
 * LISTs, instead of paying a TCP and a TLS round trip when it reaches the pods. Best effort: a
 * cache that cannot be read or written costs latency, nothing else. It holds API server URLs and
 * counts, no credential. SIGNOZ_HA_CACHE_DIR moves it; SIGNOZ_HA_CACHE_DIR=off turns it off.
 */
const FILE = 'api-connections.json'
/** The servers remembered, most recent first; the rest are forgotten. */
const MAX_SERVERS = 32
/** No run opens more sessions than this at once from a remembered count. */
const MAX_SESSIONS = 256

type Memory = Record<string, {sessions: number; at: string}>

function cacheDir(): string | undefined {
  const dir = process.env.SIGNOZ_HA_CACHE_DIR
  if (dir === 'off') return undefined
  if (dir) return dir
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'signoz-ha')
}

function readMemory(dir: string): Memory {
  try {
    const memory = JSON.parse(readFileSync(join(dir, FILE), 'utf8')) as unknown
    return memory && typeof memory === 'object' && !Array.isArray(memory) ? (memory as Memory) : {}
  } catch {
    return {}
  }
}

/** The port-forward sessions the last run against this API server opened; 0 when unknown. */
export function rememberedSessions(server: string): number {
  const dir = cacheDir()
  if (!dir) return 0
  const sessions = readMemory(dir)[server]?.sessions
  return typeof sessions === 'number' && Number.isInteger(sessions) && sessions > 0 ? Math.min(sessions, MAX_SESSIONS) : 0
}

/** Records this run's port-forward sessions for the next run (only when it opened some and the count changed). */
export function rememberSessions(server: string, sessions: number): void {
  const dir = cacheDir()
  if (!dir || !server || sessions <= 0) return
  try {
    const memory = readMemory(dir)
    if (memory[server]?.sessions === sessions) return
    memory[server] = {sessions, at: new Date().toISOString()}
    const kept = Object.fromEntries(
      Object.entries(memory)
        .filter(([, v]) => typeof v?.at === 'string')
        .sort(([, a], [, b]) => b.at.localeCompare(a.at))
        .slice(0, MAX_SERVERS),
    )
    mkdirSync(dir, {recursive: true, mode: 0o700})
    const tmp = join(dir, `${FILE}.${process.pid}.tmp`)
    writeFileSync(tmp, `${JSON.stringify(kept)}\n`, {mode: 0o600})
    renameSync(tmp, join(dir, FILE))
  } catch {
    // A read-only home (a pod's), a full disk: the next run pays the round trips, nothing else.
  }
}
