import {existsSync, mkdirSync, openSync, closeSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {UsageError} from '../core/errors.js'
import {ownedState, processState, type ProcessState} from './processes.js'

export const DEFAULT_LAB_DIR = '.signoz-ha-lab'

export interface LabHost {
  /** A disk reserve set by a fault (disk-nearly-full): keep_free_space_bytes of the default disk. */
  keepFreeBytes?: number
  /** A query limit set by a fault (clickhouse-busy): max_concurrent_queries of the server. */
  maxConcurrentQueries?: number
  shard: number
  replica: number
  pod: string
  dir: string
  pid?: number
  httpPort: number
  tcpPort: number
  interserverPort: number
  /** Set by the readonly-table fault: the host runs without a Keeper section. */
  withoutKeeper?: boolean
  /** Set by migrator-ddl-timeout: the host's DDL worker watches another queue path, so ON CLUSTER tasks wait for it in vain. */
  ddlQueueElsewhere?: boolean
  /** Set by the host-down faults: the server exits at every start (its configuration does not parse) until this pod (uid) is replaced, or for good without one. */
  crashLoop?: CrashLoop
}

/** A container that fails at each start, for real: its process exits with the error. */
export interface CrashLoop {
  reason: string
  /** Only while the container belongs to one of these pods (uids): a recreated pod starts clean. */
  pods?: string[]
}

export interface LabKeeper {
  kind: 'zookeeper' | 'keeper'
  dir: string
  pid?: number
  port: number
  /** Set by stop-keeper: the coordination service exits at every start (its configuration is invalid). */
  crashLoop?: CrashLoop
}

/** The lab's Kubernetes API simulator: a detached process serving the SigNoz world's objects. */
export interface LabKubeApi {
  port: number
  pid?: number
  /** Bearer tokens: full access, and read-only (403 on writes) for RBAC drills. */
  adminToken: string
  readOnlyToken: string
  /** Everything but Secrets (403 there), for partial-access drills. */
  restrictedToken?: string
}

export interface ActiveFault {
  id: string
  target?: string
  since: string
  /** What heal needs to undo it (a stopped pid, a saved znode tree, …). */
  undo: Record<string, unknown>
}

export interface LabChart {
  /** The .tgz or directory Helm installs. */
  path: string
  name: string
  version: string
  appVersion?: string
  /** The ClickHouse image the chart asks for by default (the lab's servers run what they are). */
  clickhouseImage?: string
}

export interface LabState {
  version: 1
  dir: string
  namespace: string
  release: string
  chi: string
  cluster: string
  shards: number
  replicasPerShard: number
  replication: boolean
  user: string
  password: string
  /** Password of the built-in `default` user; the lab never leaves it open. */
  defaultPassword: string
  /** chdb: the chdb package's ClickHouse 26.x (no replication, Keeper or ON CLUSTER: every shard one replica). */
  engine: {kind: 'legacy' | 'modern'; binary: string; args: string[]; chdb?: boolean}
  keeper: LabKeeper
  clickhouse: LabHost[]
  /** The simulated collectors; otlpPort: where their OTLP/HTTP receiver listens (the collector Service's 4318). */
  ingestion: {pid?: number; enabled: boolean; log: string; otlpPort?: number}
  kubeApi?: LabKubeApi
  faults: ActiveFault[]
  /** The release was installed with a user's values file (kept in the lab directory) over the lab's own. */
  userValues?: boolean
  /** The chart the release runs (lab up --chart: a public SigNoz chart; absent: the lab's stand-in chart), as Helm reads it. */
  chart?: LabChart
  /** --set values given to lab up, applied on every install of the release. */
  helmSet?: string[]
  createdAt: string
}

export const resolveLabDir = (dir?: string): string => resolve(dir ?? process.env.SIGNOZ_HA_LAB_DIR ?? DEFAULT_LAB_DIR)

const statePath = (dir: string): string => join(dir, 'state.json')

export function labExists(dir: string): boolean {
  return existsSync(statePath(dir))
}

export function readState(dir: string): LabState {
  const path = statePath(dir)
  if (!existsSync(path)) throw new UsageError(`no lab in ${dir}`, 'start one with: signoz-ha lab up')
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LabState
  } catch {
    throw new UsageError(`the lab state file ${path} is unreadable`, 'remove the directory and run signoz-ha lab up again')
  }
}

/** What identifies a host's server on its command line: its config file. */
export const hostMarker = (host: LabHost): string => `--config-file=${join(host.dir, 'config.xml')}`

/** What identifies the lab's coordination service on its command line. */
export const keeperMarker = (state: LabState): string =>
  state.keeper.kind === 'zookeeper' ? `-Dsignoz.ha.lab=${state.dir}` : `--config-file=${join(state.keeper.dir, 'keeper.xml')}`

/** The host's recorded server as the kernel sees it; dead when that pid now runs something else. */
export const hostState = (host: LabHost): ProcessState => ownedState(host.pid, hostMarker(host))

/** The recorded coordination service as the kernel sees it; dead when that pid now runs something else. */
export const keeperState = (state: LabState): ProcessState => ownedState(state.keeper.pid, keeperMarker(state))

/**
 * Two writers share the file: the CLI (faults, heal, up) and the simulator's kubelet, which
 * restarts a process when its pod is recreated. A writer holding a pid that is dead while the
 * file names a live process of this lab for the same host keeps the live one.
 */
function keepLivePids(state: LabState): void {
  let current: LabState
  try {
    current = JSON.parse(readFileSync(statePath(state.dir), 'utf8')) as LabState
  } catch {
    return
  }
  // Each pid judged by its own process's marker: a dead pid the kernel gave to another process
  // (another host's server, even) is not this host's, and never outlives the live one.
  const live = (mine: number | undefined, theirs: number | undefined, marker: string) =>
    theirs !== undefined && theirs !== mine && ownedState(mine, marker) === 'dead' && ownedState(theirs, marker) !== 'dead' ? theirs : mine
  for (const host of state.clickhouse) host.pid = live(host.pid, current.clickhouse?.find((h) => h.pod === host.pod)?.pid, hostMarker(host))
  state.keeper.pid = live(state.keeper.pid, current.keeper?.pid, keeperMarker(state))
}

/**
 * The writers' lock: a read-modify-write of the state file by one writer never interleaves with
 * another's write (the kubelet restarting a host while a fault is recorded). A lock whose holder
 * has died is taken over.
 */
function withStateLock<T>(dir: string, fn: () => T): T {
  mkdirSync(dir, {recursive: true})
  const lock = join(dir, 'state.lock')
  const deadline = Date.now() + 5000
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'))
      writeFileSync(lock, String(process.pid))
      break
    } catch {
      const holder = Number(readFileSafe(lock))
      if ((holder && processState(holder) === 'dead') || Date.now() > deadline) rmSync(lock, {force: true})
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2)
    }
  }
  try {
    return fn()
  } finally {
    rmSync(lock, {force: true})
  }
}

const readFileSafe = (path: string): string => {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}

function writeRaw(state: LabState): void {
  const tmp = `${statePath(state.dir)}.${process.pid}.tmp`
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, {mode: 0o600})
  renameSync(tmp, statePath(state.dir))
}

/** Written atomically: a crash mid-write never leaves a half state file. */
export function writeState(state: LabState): void {
  withStateLock(state.dir, () => {
    keepLivePids(state)
    writeRaw(state)
  })
}

/** Changes the state file as it is now (read, mutate, write under the lock): for a writer that owns only part of it. */
export function updateState(dir: string, mutate: (state: LabState) => void): LabState {
  return withStateLock(dir, () => {
    const state = readState(dir)
    mutate(state)
    writeRaw(state)
    return state
  })
}

export const hostUrl = (host: LabHost): string => `http://127.0.0.1:${host.httpPort}`

export const kubeconfigPath = (dir: string): string => join(dir, 'kubeconfig')
export const kubeStatePath = (dir: string): string => join(dir, 'kube-api.json')
/** The wire faults the lab's API server injects now (lab break api-throttle, api-errors); absent: none. */
export const wireFaultsPath = (dir: string): string => join(dir, 'kube-api-faults.json')
export const kubeCertPaths = (dir: string) => ({cert: join(dir, 'kube-api.crt'), key: join(dir, 'kube-api.key')})
