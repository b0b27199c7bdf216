import {randomBytes} from 'node:crypto'
import {copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {get as httpsGet} from 'node:https'
import {join, resolve} from 'node:path'
import {UsageError} from '../core/errors.js'
import {chopPodName} from './operator-names.js'
import {SIGNAL_TABLES} from '../signoz/schema.js'
import {labConnection, withLabMigrator} from './connections.js'
import {chdbEngine, detectEngine, hasZookeeper} from './engine.js'
import {hostPing, startHost, stopHost, waitHost} from './hosts.js'
import {heartbeatPath, type IngestionHeartbeat} from './ingest.js'
import {keeperHealthy, startKeeper, stopKeeper, waitKeeper} from './keeper.js'
import {recoverHosts} from './recovery.js'
import {installRelease, readChart, releaseChartPath, userValuesPath, waitReleaseSettled} from './release.js'
import {labHelmBinary} from './helm-binary.js'
import {resolveExecutable} from '../util/executables.js'
import {labAgentScript} from './package-root.js'
import {freePorts} from './ports.js'
import {labProcesses, processExited, ownsProcess, processState, signal, spawnDetached, terminate, waitFor} from './processes.js'
import {servingCertificate} from './kube/certificate.js'
import {writeKubeconfig} from './kube/kubeconfig.js'
import {hostState, hostUrl, keeperState, kubeCertPaths, kubeconfigPath, labExists, readState, writeState, type LabState} from './state.js'

export interface UpOptions {
  dir: string
  shards: number
  replicas: number
  cluster: string
  replication: boolean
  /** A values file (e.g. from signoz-ha generate) the release is installed with, over the lab's own. */
  values?: string
  /** The installation name (clickhouse.fullnameOverride of those values), else the chart's. */
  chi?: string
  /** A SigNoz chart (.tgz or directory) to install instead of the lab's stand-in, as Helm reads it. */
  chart?: string
  /** --set values for the release, as Helm takes them. */
  set?: string[]
  /** The ClickHouse engine: modern (26.x from the chdb package: shards × 1, no replication), debian (Debian's 18.16, replicated). */
  clickhouse?: 'modern' | 'debian'
  log?: (line: string) => void
}

const secret = () => randomBytes(18).toString('base64url')

/** The ClickHouse installation name the lab gives its release (clickhouse.fullnameOverride in its values). */
export const LAB_INSTALLATION = 'signoz-clickhouse'

/**
 * Brings the lab up and returns once every part is healthy: Keeper, every ClickHouse host,
 * the SigNoz schema, and ingestion. A lab already in dir is resumed (dead parts restarted).
 * On failure everything started is stopped again, so nothing is left running.
 */
export async function labUp(options: UpOptions): Promise<LabState> {
  const log = options.log ?? (() => undefined)
  if (options.shards < 1 || options.replicas < 1 || options.shards * options.replicas > 64) {
    throw new UsageError('--shards and --replicas must be at least 1, and at most 64 hosts in all')
  }
  if (!/^[a-zA-Z0-9_-]{1,63}$/.test(options.cluster)) throw new UsageError(`invalid cluster name "${options.cluster}"`)
  if (labExists(options.dir)) return resumeLab(readState(options.dir), options, log)

  const engine = options.clickhouse === 'modern' ? chdbEngine() : detectEngine()
  if (!engine && options.clickhouse === 'modern')
    throw new UsageError(
      'no modern ClickHouse engine: it needs the chdb package (ClickHouse 26.x) and python3',
      'npm install chdb (signoz-ha installs it as a development dependency), and apt-get install -y python3',
    )
  if (!engine) throw new UsageError('no ClickHouse server found', 'install it: apt-get install -y clickhouse-server')
  if (engine.chdb && options.replicas > 1)
    throw new UsageError(
      `--clickhouse modern serves no replication: every shard has one replica (not --replicas ${options.replicas})`,
      'lab up --clickhouse modern --shards N --replicas 1, or --clickhouse debian for a replicated lab',
    )
  if (engine.chdb) options.replication = false
  const keeperKind = engine.keeper ? 'keeper' : 'zookeeper'
  if (keeperKind === 'zookeeper' && !hasZookeeper()) throw new UsageError('no ZooKeeper found', 'install it: apt-get install -y zookeeper')

  const hostCount = options.shards * options.replicas
  const ports = await freePorts(4 + hostCount * 3)
  // The installation name the lab pins in its values (clickhouse.fullnameOverride), unless the user's values name one.
  const chi = options.chi ?? LAB_INSTALLATION
  const state: LabState = {
    version: 1,
    dir: options.dir,
    namespace: 'platform',
    release: 'signoz',
    chi,
    cluster: options.cluster,
    shards: options.shards,
    replicasPerShard: options.replicas,
    replication: options.replication,
    user: 'admin',
    password: secret(),
    defaultPassword: secret(),
    engine: {kind: engine.kind, binary: engine.binary, args: engine.args, ...(engine.chdb ? {chdb: true} : {})},
    keeper: {kind: keeperKind, dir: join(options.dir, keeperKind), port: ports[0]!, ...(keeperKind === 'keeper' ? {raftPort: ports[1]} : {})},
    clickhouse: [],
    ingestion: {enabled: true, log: join(options.dir, 'ingestion.log'), otlpPort: ports[3 + hostCount * 3]!},
    kubeApi: {port: ports[2 + hostCount * 3]!, adminToken: secret(), readOnlyToken: secret(), restrictedToken: secret()},
    faults: [],
    createdAt: new Date().toISOString(),
  }
  for (let s = 0; s < options.shards; s++) {
    for (let r = 0; r < options.replicas; r++) {
      const i = 2 + (s * options.replicas + r) * 3
      const pod = chopPodName(chi, options.cluster, s, r)
      state.clickhouse.push({
        shard: s,
        replica: r,
        pod,
        dir: join(options.dir, 'clickhouse', pod),
        httpPort: ports[i]!,
        tcpPort: ports[i + 1]!,
        interserverPort: ports[i + 2]!,
      })
    }
  }
  if (options.chart) {
    const helm = labHelmBinary(3) ?? resolveExecutable(process.env.SIGNOZ_HA_HELM ?? 'helm')
    if (!helm) throw new UsageError('lab up --chart needs Helm: no helm on PATH', 'install Helm 3 or 4, or point SIGNOZ_HA_HELM at it')
    state.chart = await readChart(resolve(options.chart), {binary: helm, namespace: state.namespace})
  }
  if (options.set?.length) {
    for (const s of options.set) if (!/^[^=]+=/.test(s)) throw new UsageError(`--set ${s}: not KEY=VALUE`)
    state.helmSet = options.set
  }
  if (options.values) {
    // The lab keeps its copy: later upgrades (faults, runbooks) reuse what was installed.
    mkdirSync(options.dir, {recursive: true})
    copyFileSync(options.values, userValuesPath(options.dir))
    state.userValues = true
  }
  writeState(state)
  try {
    log('starting the Kubernetes API simulator')
    await startKubeApi(state)
    log(`starting ${keeperKind}`)
    startKeeper(state)
    writeState(state)
    await waitKeeper(state)
    log(`starting ${hostCount} ClickHouse hosts (${options.shards} shards × ${options.replicas} replicas)`)
    for (const host of state.clickhouse) startHost(state, host)
    writeState(state)
    await Promise.all(state.clickhouse.map((h) => waitHost(h)))
    log('creating the SigNoz schema ON CLUSTER')
    await migrateWithRetry(state, log)
    log(`installing the SigNoz release "${state.release}" in ${state.namespace} with Helm`)
    await installRelease(state)
    log('starting ingestion')
    await startIngestion(state)
    return state
  } catch (error) {
    // SIGNOZ_HA_LAB_KEEP_FAILED=1 leaves a failed lab running for a post-mortem (lab down ends it).
    if (!process.env.SIGNOZ_HA_LAB_KEEP_FAILED) await stopAll(state)
    throw error
  }
}

/**
 * The migration, retried after restarting any host that died under it: Debian's 18.16 can
 * crash on the first ON CLUSTER statement while its DDL worker is still starting.
 */
async function migrateWithRetry(state: LabState, log: (line: string) => void, attempts = 3): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrate(state, log)
    } catch (error) {
      const dead = state.clickhouse.filter((h) => hostState(h) === 'dead')
      if (attempt >= attempts || dead.length === 0) throw error
      log(`restarting ${dead.map((h) => h.pod).join(', ')} after it exited during the migration`)
      for (const h of dead) startHost(state, h)
      writeState(state)
      await Promise.all(dead.map((h) => waitHost(h)))
    }
  }
}

async function migrate(state: LabState, log: (line: string) => void): Promise<void> {
  await withLabMigrator(
    state,
    async (migrator) => {
      await migrator.bootstrap()
      const outcomes = await migrator.up()
      const failed = outcomes.find((o) => o.status === 'failed')
      if (failed) throw new Error(`lab migration ${failed.database} ${failed.id} failed: ${failed.error}`)
    },
    log,
  )
}

async function resumeLab(state: LabState, options: UpOptions, log: (line: string) => void): Promise<LabState> {
  if (state.shards !== options.shards || state.replicasPerShard !== options.replicas || state.cluster !== options.cluster) {
    throw new UsageError(
      `a ${state.shards}×${state.replicasPerShard} lab (cluster ${state.cluster}) already exists in ${state.dir}`,
      'run signoz-ha lab down first, or use another --dir',
    )
  }
  return restoreLab(state, {log, resumeStopped: false})
}

/**
 * Brings every part of an existing lab back to running and healthy, whatever happened to it:
 * the simulator, Keeper and every ClickHouse host restarted when dead (or crash-looping), and
 * with resumeStopped processes stopped by a signal resumed too (`lab heal` does; `lab up` leaves
 * a host a hang fault stopped as it is); then the replicas writable, the release settled,
 * ingestion running.
 */
export async function restoreLab(state: LabState, options: {log?: (line: string) => void; resumeStopped: boolean}): Promise<LabState> {
  const log = options.log ?? (() => undefined)
  if (options.resumeStopped) {
    for (const pid of [state.kubeApi?.pid, state.keeper.pid, state.ingestion.pid, ...state.clickhouse.map((h) => h.pid)]) {
      if (pid && processState(pid) === 'stopped' && ownsProcess(pid, state.dir)) signal(pid, 'SIGCONT')
    }
  }
  if (state.kubeApi && !(await kubeApiHealthy(state))) {
    log('restarting the Kubernetes API simulator')
    if (state.kubeApi.pid && ownsProcess(state.kubeApi.pid, state.dir)) await terminate(state.kubeApi.pid)
    await startKubeApi(state)
  }
  if (state.keeper.crashLoop || !(await keeperHealthy(state))) {
    log(`restarting ${state.keeper.kind}`)
    state.keeper.crashLoop = undefined
    await stopKeeper(state)
    startKeeper(state)
    writeState(state)
    await waitKeeper(state)
  }
  const restarted = []
  for (const host of state.clickhouse) {
    if (hostState(host) === 'stopped') continue // a hang fault the user injected stays until healed
    if (host.crashLoop || !(await hostPing(host))) {
      log(`restarting ${host.pod}`)
      host.crashLoop = undefined
      await stopHost(host)
      startHost(state, host)
      restarted.push(host)
    }
  }
  writeState(state)
  await Promise.all(state.clickhouse.filter((h) => hostState(h) !== 'stopped').map((h) => waitHost(h)))
  if (restarted.length || options.resumeStopped)
    await recoverHosts(
      state,
      state.clickhouse.filter((h) => hostState(h) !== 'stopped'),
    )
  if (state.kubeApi && state.faults.length === 0) await waitReleaseSettled(state)
  if (state.ingestion.enabled && processState(state.ingestion.pid) !== 'running') await startIngestion(state)
  return state
}

/** Starts the API simulator (seeded on first start), writes the kubeconfig, waits until it answers. */
async function startKubeApi(state: LabState): Promise<void> {
  const api = state.kubeApi!
  const paths = kubeCertPaths(state.dir)
  if (!existsSync(paths.cert)) {
    const {cert, key} = await servingCertificate()
    writeFileSync(paths.cert, cert)
    writeFileSync(paths.key, key, {mode: 0o600})
  }
  const agent = labAgentScript()
  api.pid = spawnDetached(process.execPath, [agent, '--dir', state.dir, '--role', 'kube-api'], {cwd: state.dir, log: join(state.dir, 'kube-api.log')})
  writeState(state)
  writeKubeconfig(kubeconfigPath(state.dir), api, state.namespace, readFileSync(paths.cert, 'utf8'))
  await waitFor(
    'the Kubernetes API simulator',
    async () => {
      if (processState(api.pid) === 'dead') throw processExited('the Kubernetes API simulator', [{file: join(state.dir, 'kube-api.log')}])
      return kubeApiHealthy(state)
    },
    30_000,
    100,
  )
}

export async function kubeApiHealthy(state: LabState): Promise<boolean> {
  if (!state.kubeApi || processState(state.kubeApi.pid) !== 'running') return false
  try {
    return await new Promise<boolean>((resolve) => {
      // The lab's own self-signed certificate; the request never leaves loopback.
      const req = httpsGet({host: '127.0.0.1', port: state.kubeApi!.port, path: '/healthz', rejectUnauthorized: false, timeout: 1000}, (res) => {
        res.resume()
        resolve(res.statusCode === 200)
      })
      req.on('timeout', () => req.destroy())
      req.on('error', () => resolve(false))
    })
  } catch {
    return false
  }
}

/** Starts the ingestion agent and waits for its first delivered batch. */
export async function startIngestion(state: LabState): Promise<void> {
  const agent = labAgentScript()
  if (!existsSync(agent)) throw new Error(`${agent} is missing; run npm run build`)
  rmSync(heartbeatPath(state.dir), {force: true})
  // A lab made before the collectors received OTLP gets its port now.
  state.ingestion.otlpPort ??= (await freePorts(1))[0]
  state.ingestion.pid = spawnDetached(process.execPath, [agent, '--dir', state.dir], {cwd: state.dir, log: state.ingestion.log})
  state.ingestion.enabled = true
  writeState(state)
  await waitFor(
    'the first ingested batch',
    async () => {
      if (processState(state.ingestion.pid) === 'dead') throw processExited('the ingestion agent', [{file: state.ingestion.log}])
      return Boolean(readHeartbeat(state.dir)?.lastSuccessAt)
    },
    30_000,
    200,
  )
  // Rows of the last 2 s: a doctor run right after, with a window of a few seconds, finds them still fresh.
  await waitFreshRowsOnEveryShard(state, 2)
}

/** Every shard has received rows of every signal in the last few seconds: until then doctor would see it stale. */
export async function waitFreshRowsOnEveryShard(state: LabState, withinSeconds = 5): Promise<void> {
  const firstOfShard = [
    ...new Map(
      state.clickhouse
        .filter((h) => hostState(h) === 'running')
        .reverse()
        .map((h) => [h.shard, h]),
    ).values(),
  ]
  const since = `(toUInt32(toUnixTimestamp(now())) - ${withinSeconds})`
  await Promise.all(
    firstOfShard.map(async (h) => {
      const conn = labConnection(state, h, 3000)
      try {
        await waitFor(
          `fresh rows of every signal on shard ${h.shard}`,
          async () => {
            const rows = await conn.query<{n: number}>(
              SIGNAL_TABLES.map((t) => `SELECT count() AS n FROM ${t.database}.${t.table} WHERE ${t.since(since)}`).join(' UNION ALL '),
            )
            return rows.length === SIGNAL_TABLES.length && rows.every((r) => Number(r.n) > 0)
          },
          60_000,
          250,
        )
      } finally {
        await conn.close()
      }
    }),
  )
}

export async function stopIngestion(state: LabState): Promise<void> {
  if (state.ingestion.pid && ownsProcess(state.ingestion.pid, state.dir)) await terminate(state.ingestion.pid)
  state.ingestion.enabled = false
  writeState(state)
}

export function readHeartbeat(dir: string): IngestionHeartbeat | undefined {
  try {
    return JSON.parse(readFileSync(heartbeatPath(dir), 'utf8')) as IngestionHeartbeat
  } catch {
    return undefined
  }
}

/** Ends every process the lab started, only those whose command line names this lab. */
async function stopAll(state: LabState): Promise<void> {
  const pids = [state.ingestion.pid, state.kubeApi?.pid, state.keeper.pid, ...state.clickhouse.map((h) => h.pid)].filter(
    (pid): pid is number => pid !== undefined && ownsProcess(pid, state.dir),
  )
  // The simulator first, so its kubelet starts nothing while the rest stop.
  if (state.kubeApi?.pid && pids.includes(state.kubeApi.pid)) await terminate(state.kubeApi.pid)
  await Promise.all(pids.map((pid) => terminate(pid)))
  // Anything of this lab the state file no longer names (a pid replaced mid-write).
  await Promise.all(labProcesses(state.dir).map((pid) => terminate(pid)))
}

/** Stops the lab; the directory is removed unless keep is set. Safe to run twice. */
export async function labDown(dir: string, keep = false): Promise<{stopped: boolean}> {
  if (!labExists(dir)) return {stopped: false}
  const state = readState(dir)
  await stopAll(state)
  if (!keep) rmSync(dir, {recursive: true, force: true})
  return {stopped: true}
}

/** The `lab status` document (CONTRACT.md): what the state file says, probed live. */
export interface LabStatus extends Pick<
  LabState,
  'dir' | 'namespace' | 'release' | 'cluster' | 'shards' | 'replicasPerShard' | 'replication' | 'user' | 'password'
> {
  kubeconfig?: string
  /** The chart the release was installed from (lab up --chart, else the lab's own). */
  chart?: string
  /** Its name and version (signoz-0.131.0), or "the lab chart". */
  chartName?: string
  /** The ClickHouse image the chart asks for; beside each host's running version. */
  chartClickHouseImage?: string
  kubeApi?: {url: string; pid: number | null; healthy: boolean; state: string}
  keeper: {kind: string; pid: number | null; port: number; healthy: boolean; state: string}
  clickhouse: {
    shard: number
    replica: number
    pod: string
    pid: number | null
    url: string
    httpPort: number
    tcpPort: number
    healthy: boolean
    state: string
    version: string | null
  }[]
  ingestion: {pid: number | null; enabled: boolean; healthy: boolean; rows: number; lastSuccessAt: string | null; lastError: string | null}
  /** The collectors' OTLP/HTTP receiver (what OTEL_EXPORTER_OTLP_ENDPOINT points at), and what it took in. */
  otlp: {url: string | null; requests: number; metricPoints: number; logRecords: number; lastAt: string | null}
  faults: {id: string; target?: string; since: string}[]
  healthy: boolean
}

/** The version the host's server reports, or null when it does not answer within a second. */
async function serverVersion(state: LabState, host: LabState['clickhouse'][number]): Promise<string | null> {
  if (hostState(host) !== 'running') return null
  try {
    const response = await fetch(`${hostUrl(host)}/?query=${encodeURIComponent('SELECT version()')}`, {
      headers: {authorization: `Basic ${Buffer.from(`${state.user}:${state.password}`).toString('base64')}`},
      signal: AbortSignal.timeout(1000),
    })
    return response.ok ? (await response.text()).trim() : null
  } catch {
    return null
  }
}

/** What is really running, probed now; a pid killed or stopped by hand shows unhealthy. */
export async function labStatus(dir: string): Promise<LabStatus> {
  const state = readState(dir)
  const [keeperOk, hostsOk, kubeOk, versions] = await Promise.all([
    keeperHealthy(state),
    Promise.all(state.clickhouse.map((h) => hostPing(h))),
    kubeApiHealthy(state),
    Promise.all(state.clickhouse.map((h) => serverVersion(state, h))),
  ])
  const beat = readHeartbeat(dir)
  const ingestionRunning = processState(state.ingestion.pid) === 'running' && ownsProcess(state.ingestion.pid, state.dir)
  const recent = beat?.lastSuccessAt ? Date.now() - Date.parse(beat.lastSuccessAt) < 10_000 : false
  const status: LabStatus = {
    dir: state.dir,
    ...(state.kubeApi
      ? {
          kubeconfig: kubeconfigPath(state.dir),
          chart: releaseChartPath(state),
          chartName: state.chart ? `${state.chart.name}-${state.chart.version}` : 'the lab chart',
          ...(state.chart?.clickhouseImage ? {chartClickHouseImage: state.chart.clickhouseImage} : {}),
        }
      : {}),
    namespace: state.namespace,
    release: state.release,
    cluster: state.cluster,
    shards: state.shards,
    replicasPerShard: state.replicasPerShard,
    replication: state.replication,
    user: state.user,
    password: state.password,
    ...(state.kubeApi
      ? {kubeApi: {url: `https://127.0.0.1:${state.kubeApi.port}`, pid: state.kubeApi.pid ?? null, healthy: kubeOk, state: processState(state.kubeApi.pid)}}
      : {}),
    keeper: {kind: state.keeper.kind, pid: state.keeper.pid ?? null, port: state.keeper.port, healthy: keeperOk, state: keeperState(state)},
    clickhouse: state.clickhouse.map((h, i) => ({
      shard: h.shard,
      replica: h.replica,
      pod: h.pod,
      pid: h.pid ?? null,
      url: hostUrl(h),
      httpPort: h.httpPort,
      tcpPort: h.tcpPort,
      healthy: hostsOk[i]!,
      state: hostState(h),
      version: versions[i]!,
    })),
    ingestion: {
      pid: state.ingestion.pid ?? null,
      enabled: state.ingestion.enabled,
      healthy: ingestionRunning && recent,
      rows: beat?.rows ?? 0,
      lastSuccessAt: beat?.lastSuccessAt ?? null,
      lastError: beat?.lastError ?? null,
    },
    otlp: {
      url: state.ingestion.otlpPort ? `http://127.0.0.1:${state.ingestion.otlpPort}` : null,
      requests: beat?.otlp?.requests ?? 0,
      metricPoints: beat?.otlp?.metricPoints ?? 0,
      logRecords: beat?.otlp?.logRecords ?? 0,
      lastAt: beat?.otlp?.lastAt ?? null,
    },
    faults: state.faults.map(({id, target, since}) => ({id, target, since})),
    healthy: false,
  }
  status.healthy = keeperOk && hostsOk.every(Boolean) && (!state.ingestion.enabled || status.ingestion.healthy) && (!state.kubeApi || kubeOk)
  return status
}
