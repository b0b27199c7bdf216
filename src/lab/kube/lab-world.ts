import {spawn} from 'node:child_process'
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {createInterface} from 'node:readline'
import {join} from 'node:path'
import {ClickHouseConnection} from '../../gateways/clickhouse.js'
import {parseDuration} from '../../core/duration.js'
import {errorMessage} from '../../core/errors.js'
import {imageTagOf, isClickHouseServerImage, isKeeperImage} from '../images.js'
import {hostPing, startHost, stopHost} from '../hosts.js'
import {keeperHealthy, startKeeper} from '../keeper.js'
import {FIXED_MIGRATION, Migrator, migrationsOf} from '../migrator.js'
import {findProcess, ownedState, terminate} from '../processes.js'
import {hostMarker, hostState, hostUrl, keeperMarker, keeperState, readState, updateState, type LabHost, type LabState} from '../state.js'
import {containerHeldByOther, containerRuns, holdMark} from '../container.js'
import type {ContainerState, LabWorld, PodBackend} from './controllers/kubelet.js'
import {ContainerExit, type ContainerSpec} from './controllers/task-pods.js'
import {chartTask} from './chart-tasks.js'
import {kindOf, mustKind, type EnvVar, type Pod} from './controllers/objects.js'
import type {ObjectStore} from './store.js'
import {serviceAccountToken} from './rbac.js'
import {packageRoot} from '../package-root.js'
import {kubeCertPaths} from '../state.js'

/** The key of the one coordination-service process every member pod shares. */
const KEEPER = 'keeper'

/** The chart's migrator containers run `signoz-otel-collector migrate …`. */
const isMigrate = (c: {args?: string[]}) => (c.args ?? [])[0] === 'migrate'

/**
 * The real lab behind the simulated cluster: ClickHouse pods named as the lab's hosts are
 * backed by those clickhouse-server processes, ZooKeeper pods by the lab's ZooKeeper, and
 * migrator containers run the lab migrator with the container's own env, against the hosts
 * the Service in their DSN really routes to.
 */
export class RealLabWorld implements LabWorld {
  private state: LabState
  private hostHealth = new Map<string, boolean>()
  private keeperOk = false
  /** Pod name → the uid of the pod incarnation whose container last started (persisted). */
  private readonly incarnations: Record<string, string>
  private readonly starting = new Set<string>()
  /** A new pod's container start waiting for the start under way to finish. */
  private readonly startNext = new Map<string, () => Promise<void>>()

  constructor(
    private readonly dir: string,
    private readonly store: ObjectStore,
  ) {
    this.state = readState(dir)
    this.incarnations = existsSync(this.incarnationsPath) ? (JSON.parse(readFileSync(this.incarnationsPath, 'utf8')) as Record<string, string>) : {}
  }

  private get incarnationsPath(): string {
    return join(this.dir, 'pod-incarnations.json')
  }

  get logDir(): string {
    return this.dir
  }

  async refresh(): Promise<void> {
    // Faults and restarts change pids: read the state afresh each tick.
    this.state = readState(this.dir)
    this.adoptLiveProcesses()
    const [keeper, ...hosts] = await Promise.all([keeperHealthy(this.state), ...this.state.clickhouse.map((h) => hostPing(h, 800))])
    this.keeperOk = keeper
    this.hostHealth = new Map(this.state.clickhouse.map((h, i) => [h.pod, hosts[i]!]))
  }

  backend(pod: Pod): PodBackend | undefined {
    const containers = [...(pod.spec.initContainers ?? []), ...pod.spec.containers]
    if (containers.some((c) => chartTask(c))) return {kind: 'task', run: (container, log) => this.runChartContainer(pod, container, log)}
    // signoz-ha's own image (generate monitor's CronJob): the real CLI, run to completion.
    if (/(^|\/)signoz-ha(:|@|$)/.test(pod.spec.containers[0]?.image ?? '')) {
      if (pod.spec.restartPolicy === 'Never' || pod.spec.restartPolicy === 'OnFailure')
        return {kind: 'task', run: (container, log) => this.runSignozHa(pod, container, log)}
      // Not pretended: a long-running signoz-ha (serve) has no process behind it in the lab.
      return {kind: 'unavailable', reason: 'the lab runs signoz-ha pods that run to completion (generate monitor --mode cronjob); run serve outside the lab'}
    }
    const inLab = pod.metadata.namespace === this.state.namespace
    if (pod.spec.containers.some((c) => isClickHouseServerImage(c.image ?? ''))) {
      // The host the operator made this pod for, by the installation, shard and replica it labels it with.
      const labels = pod.metadata.labels ?? {}
      const host =
        inLab && labels['clickhouse.altinity.com/chi'] === this.state.chi
          ? this.state.clickhouse.find(
              (h) => String(h.shard) === labels['clickhouse.altinity.com/shard'] && String(h.replica) === labels['clickhouse.altinity.com/replica'],
            )
          : undefined
      if (!host) return {kind: 'unavailable', reason: 'the lab runs no ClickHouse server for this pod'}
      this.noticeIncarnation(pod, () => this.restartHost(host.pod, pod.metadata.uid!))
      return {
        kind: 'process',
        healthy: this.hostHealth.get(host.pod) ?? false,
        forwardPorts: {8123: host.httpPort, 9000: host.tcpPort, 9009: host.interserverPort},
        logFile: join(host.dir, 'log', 'clickhouse-server.log'),
        container: this.containerState(host.dir, host.pid, host.pod, hostMarker(host)),
        start: () => this.startOnce(host.pod, () => this.restartHost(host.pod)),
      }
    }
    if (pod.spec.containers.some((c) => isKeeperImage(c.image ?? ''))) {
      // The lab runs one real ZooKeeper; every member pod of the release's ensemble is backed by it.
      if (!inLab || !this.ofRelease(pod)) return {kind: 'unavailable', reason: 'the lab runs no ZooKeeper for this pod'}
      this.noticeIncarnation(pod, () => this.startKeeperIfDown(pod.metadata.uid!))
      const k = this.state.keeper
      return {
        kind: 'process',
        healthy: this.keeperOk,
        forwardPorts: {2181: k.port},
        logFile: join(k.dir, `${k.kind}.log`),
        container: this.containerState(k.dir, k.pid, KEEPER, keeperMarker(this.state)),
        // Every member pod's kubelet may ask; the one process starts once.
        start: () => this.startOnce(KEEPER, () => this.startKeeperIfDown()),
      }
    }
    return undefined
  }

  /** A pod of the lab's release (the instance label charts put on what they render), or one without that label. */
  private ofRelease(pod: Pod): boolean {
    const instance = pod.metadata.labels?.['app.kubernetes.io/instance']
    return instance === undefined || instance === this.state.release
  }

  /**
   * The runtime's view of a container: is its process alive, its current and previous runs, is a
   * restart under way. The pid this tick read can be stale (the CLI restarted the server since):
   * a dead pid counts as dead only when no live process carries the container's marker.
   */
  private containerState(dir: string, recorded: number | undefined, key: string, marker: string): ContainerState {
    // A start under way (a new pod's container, or a restart): the process of before is not this container's.
    if (this.starting.has(key)) return {alive: false, busy: true}
    // Read before the process: a restart by the CLI that starts or ends while this looks (the old
    // process gone, the new one not yet seen) changes the mark, and the container is left alone
    // this tick; restarting it too would kill the CLI's new server.
    const markBefore = holdMark(dir)
    const pid = ownedState(recorded, marker) === 'dead' ? (findProcess(marker, {stoppedToo: true}) ?? recorded) : recorded
    const runs = containerRuns(dir)
    const index = runs.findLastIndex((r) => r.pid === pid)
    const current = index >= 0 ? index : runs.length - 1
    const alive = ownedState(pid, marker) !== 'dead'
    // Read again after the process.
    const mark = holdMark(dir)
    return {
      alive,
      run: runs[current],
      previous: current > 0 ? runs[current - 1] : undefined,
      busy: mark !== markBefore || containerHeldByOther(dir, mark),
    }
  }

  /** Runs start unless one for this key is under way; with then, a start that must happen runs after the current one. */
  private startOnce(key: string, start: () => Promise<void>, then = false): void {
    if (this.starting.has(key)) {
      if (then) this.startNext.set(key, start)
      return
    }
    this.starting.add(key)
    void start()
      .catch((error: unknown) => console.error(`lab kubelet: starting ${key}: ${errorMessage(error)}`))
      .finally(() => {
        const next = this.startNext.get(key)
        this.startNext.delete(key)
        // The next start follows at once: the container stays "being created" in between.
        if (next) {
          void next()
            .catch((error: unknown) => console.error(`lab kubelet: starting ${key}: ${errorMessage(error)}`))
            .finally(() => this.starting.delete(key))
        } else this.starting.delete(key)
      })
  }

  /**
   * A host whose recorded pid is gone but whose server runs (a pid lost between the two writers
   * of the state file) is recorded again, so its pod's readiness follows what really runs.
   */
  private adoptLiveProcesses(): void {
    const lost = this.state.clickhouse.filter((h) => hostState(h) === 'dead' && !this.starting.has(h.pod))
    if (lost.length === 0) return
    const found = lost.map((h) => [h.pod, findProcess(hostMarker(h))] as const).filter(([, pid]) => pid !== undefined)
    if (found.length === 0) return
    this.state = updateState(this.dir, (state) => {
      for (const [pod, pid] of found) {
        const host = state.clickhouse.find((h) => h.pod === pod)
        if (host && hostState(host) === 'dead') host.pid = pid
      }
    })
  }

  /**
   * A new pod for a lab process (the old one was deleted, or it waited Pending for a node or a
   * claim) starts its container afresh, as a kubelet would: the process is (re)started. The
   * first pod ever seen for a name is the one `lab up` started the process for.
   */
  private noticeIncarnation(pod: Pod, start: () => Promise<void>): void {
    const name = pod.metadata.name!
    const uid = pod.metadata.uid!
    const known = this.incarnations[name]
    if (known === uid) return
    this.incarnations[name] = uid
    writeFileSync(this.incarnationsPath, JSON.stringify(this.incarnations))
    if (known === undefined) return
    // A new pod's container must start even when a restart of the old one is under way.
    this.startOnce(pod.spec.containers.some((c) => isKeeperImage(c.image ?? '')) ? KEEPER : name, start, true)
  }

  /**
   * The container of a ClickHouse pod starts again: the old process (stopped, hung or running)
   * ends, a new one starts. A new pod (newPod: its uid) gets the operator's configuration afresh
   * (Keeper included) and leaves a crash loop of the pod it replaces behind; a restart of the
   * same pod's container keeps what that pod had. Only this host's pid changes in the state
   * file, read afresh just before it is written.
   */
  private async restartHost(pod: string, newPod?: string): Promise<void> {
    // The old server ends, and whatever else serves this host (a pid the state file lost).
    const old = readState(this.dir).clickhouse.find((h) => h.pod === pod)
    if (old) await stopHost(old)
    const state = readState(this.dir)
    const host = state.clickhouse.find((h) => h.pod === pod)
    if (!host) return
    if (newPod) {
      host.withoutKeeper = undefined
      if (host.crashLoop?.pods && !host.crashLoop.pods.includes(newPod)) host.crashLoop = undefined
    }
    startHost(state, host)
    // Only this host's fields change in the file as it is now; the kubelet's next sync sees the new process at once.
    this.state = updateState(this.dir, (current) => {
      const h = current.clickhouse.find((x) => x.pod === pod)
      if (h) Object.assign(h, {pid: host.pid, withoutKeeper: host.withoutKeeper, crashLoop: host.crashLoop})
    })
  }

  /**
   * One real ZooKeeper backs every member pod: a member's container starts it only if it is down.
   * A new member pod (newPod: its uid) ends a crash loop of the pods it replaces.
   */
  private async startKeeperIfDown(newPod?: string): Promise<void> {
    const state = readState(this.dir)
    const endsCrashLoop = Boolean(newPod && state.keeper.crashLoop?.pods && !state.keeper.crashLoop.pods.includes(newPod))
    if (endsCrashLoop) state.keeper.crashLoop = undefined
    if (keeperState(state) === 'running' && !endsCrashLoop) return
    if (keeperState(state) !== 'dead') await terminate(state.keeper.pid!)
    startKeeper(state)
    this.state = updateState(this.dir, (current) => {
      current.keeper.pid = state.keeper.pid
      current.keeper.crashLoop = state.keeper.crashLoop
    })
  }

  /**
   * One container of a chart's pod with run-to-completion steps (chart-tasks.ts). A container the
   * lab has no task for runs until its pod goes: the collector's own (the ingestion agent writes
   * what it would), or an init container of an image the lab does not run, which then never
   * finishes, as it would not in a cluster that cannot run it.
   */
  private async runChartContainer(pod: Pod, container: ContainerSpec, log: (line: string) => void): Promise<void> {
    const task = chartTask(container)
    const namespace = pod.metadata.namespace!
    const env = () => this.environment(namespace, container.env ?? [])
    switch (task?.kind) {
      case 'migrate':
        return this.migrate(pod, container, log)
      case 'schema-migrator': {
        const zap = (level: 'info' | 'error', msg: string, fields: Record<string, unknown> = {}) =>
          log(JSON.stringify({level, timestamp: new Date().toISOString(), msg, ...fields}))
        try {
          return await this.migrateStep(pod, container, task.step === 'sync' ? 'migrate sync up' : 'migrate async up', zap, {
            dsn: task.dsn,
            cluster: task.cluster,
            replication: (container.args ?? []).includes('--replication') ? true : undefined,
          })
        } catch (error) {
          log(`Error: ${errorMessage(error)}`)
          throw new ContainerExit(1)
        }
      }
      case 'wait-http':
        return this.waitHttp(namespace, task.target, task.user, env(), log)
      case 'clickhouse-ready-script':
        return this.clickhouseReadyScript(namespace, env(), log)
      case 'wait-for-job':
        return this.waitForJob(namespace, task.job, log)
      default:
        if ((pod.spec.initContainers ?? []).includes(container)) log(`the lab runs nothing for image ${container.image}: this init container does not finish`)
        return new Promise<void>(() => undefined)
    }
  }

  /** busybox `until wget --spider URL; do …; sleep 5; done`: the URL's Service routes to a host that answers it. */
  private async waitHttp(namespace: string, target: string, user: string | undefined, env: Record<string, string>, log: (line: string) => void): Promise<void> {
    const m = /^(?:https?:\/\/)?([^/:]+):(\d+)(\/.*)?$/.exec(target)
    if (!m) throw new ContainerExit(1, `wget: bad address '${target}'`)
    // $(VAR) as the kubelet expands it in a command, ${VAR} as the container's shell does.
    const credentials = user?.replace(/\$[({]([A-Za-z_][A-Za-z0-9_]*)[)}]/g, (whole, name: string) => env[name] ?? whole)
    for (;;) {
      try {
        const host = this.route(m[1]!, namespace, Number(m[2]))
        const response = await fetch(`${hostUrl(host)}${m[3] ?? '/'}`, {
          method: 'HEAD',
          headers: credentials ? {authorization: `Basic ${Buffer.from(credentials).toString('base64')}`} : {},
          signal: AbortSignal.timeout(5000),
        })
        if (response.ok) break
      } catch {
        // not yet
      }
      log('waiting for clickhouseDB')
      await new Promise((resolve) => setTimeout(resolve, 5000))
    }
    log('clickhouse ready, starting schema migrator now')
  }

  /**
   * The charts' ClickHouse ready check (a clickhouse-server image running `clickhouse client`):
   * until the Service's host runs the expected version and the cluster has the expected shards and
   * replicas, with the script's own words.
   */
  private async clickhouseReadyScript(namespace: string, env: Record<string, string>, log: (line: string) => void): Promise<void> {
    log('Running clickhouse ready check')
    const cluster = env.CLICKHOUSE_CLUSTER ?? 'cluster'
    for (;;) {
      const answer = await (async () => {
        const host = this.route(env.CLICKHOUSE_HOST ?? '', namespace, Number(env.CLICKHOUSE_PORT ?? 9000))
        const conn = new ClickHouseConnection(
          {url: hostUrl(host), user: env.CLICKHOUSE_USER ?? 'default', password: env.CLICKHOUSE_PASSWORD ?? ''},
          {requestTimeoutMs: 5000},
        )
        try {
          const [v] = await conn.query<{v: string}>('SELECT version() AS v')
          const [c] = await conn.query<{shards: number; replicas: number}>(
            `SELECT count(DISTINCT shard_num) AS shards, count(DISTINCT replica_num) AS replicas FROM system.clusters WHERE cluster = '${cluster.replace(/'/g, "\\'")}'`,
          )
          return {version: v?.v ?? '', shards: Number(c?.shards ?? 0), replicas: Number(c?.replicas ?? 0)}
        } finally {
          await conn.close()
        }
      })().catch(() => undefined)
      if (!answer?.version) log('waiting for clickhouse to be ready')
      else if (env.CLICKHOUSE_VERSION && !answer.version.includes(env.CLICKHOUSE_VERSION))
        log(`expected version: ${env.CLICKHOUSE_VERSION}, current version: ${answer.version}\nwaiting for clickhouse with correct version`)
      else if (env.CLICKHOUSE_SHARDS && answer.shards !== Number(env.CLICKHOUSE_SHARDS))
        log(`expected shard count: ${env.CLICKHOUSE_SHARDS}, current shard count: ${answer.shards}\nwaiting for clickhouse with correct shard count`)
      else if (env.CLICKHOUSE_REPLICAS && answer.replicas !== Number(env.CLICKHOUSE_REPLICAS))
        log(`expected replica count: ${env.CLICKHOUSE_REPLICAS}, current replica count: ${answer.replicas}\nwaiting for clickhouse with correct replica count`)
      else break
      await new Promise((resolve) => setTimeout(resolve, 5000))
    }
    log('clickhouse ready, starting schema migrator now')
  }

  /** groundnuty/k8s-wait-for `job NAME`: until the Job is complete. */
  private async waitForJob(namespace: string, job: string, log: (line: string) => void): Promise<void> {
    const jobs = mustKind(this.store, 'Job')
    for (let said = false; ; said = true) {
      const current = this.store.tryGet(jobs, namespace, job) as {status?: {conditions?: {type: string; status: string}[]}} | undefined
      if (current?.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True')) break
      if (!said) log(`[${new Date().toISOString()}] Waiting for job ${job}...`)
      await new Promise((resolve) => setTimeout(resolve, 2000))
    }
    log(`[${new Date().toISOString()}] job ${job} is complete`)
  }

  /**
   * One container of the migrator Job: the step its args name (`migrate ready`, `bootstrap`,
   * `sync up`, `sync check`, `async up`), with its own env, against the host the Service in its
   * DSN routes to. It logs as the collector does (zap JSON lines) and ends as it does: a failing
   * step prints "Error: …" and exits 1.
   */
  private async migrate(pod: Pod, container: ContainerSpec, log: (line: string) => void): Promise<void> {
    const zap = (level: 'info' | 'error', msg: string, fields: Record<string, unknown> = {}) =>
      log(JSON.stringify({level, timestamp: new Date().toISOString(), msg, ...fields}))
    const command = (container.args ?? []).join(' ')
    // The collector's own container beside its `migrate sync check` init container: it runs until
    // its pod goes (the lab's ingestion agent writes what a collector writes, through the Service its env names).
    if (!isMigrate(container)) return new Promise<void>(() => undefined)
    try {
      await this.migrateStep(pod, container, command, zap)
    } catch (error) {
      log(`Error: ${errorMessage(error)}`)
      throw new ContainerExit(1)
    }
  }

  private async migrateStep(
    pod: Pod,
    container: ContainerSpec,
    command: string,
    zap: (level: 'info' | 'error', msg: string, fields?: Record<string, unknown>) => void,
    given: {dsn?: string; cluster?: string; replication?: boolean} = {},
  ): Promise<void> {
    const env = this.environment(pod.metadata.namespace!, container.env ?? [])
    const substitute = (v: string | undefined) => v?.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => env[name] ?? whole)
    const dsn = substitute(given.dsn) ?? env.SIGNOZ_OTEL_COLLECTOR_CLICKHOUSE_DSN
    if (!dsn) throw new Error('SIGNOZ_OTEL_COLLECTOR_CLICKHOUSE_DSN is not set')
    const url = new URL(dsn)
    const cluster = substitute(given.cluster) ?? env.SIGNOZ_OTEL_COLLECTOR_CLICKHOUSE_CLUSTER ?? 'cluster'
    const replication = given.replication ?? env.SIGNOZ_OTEL_COLLECTOR_CLICKHOUSE_REPLICATION === 'true'
    const timeoutMs = parseDuration(env.SIGNOZ_OTEL_COLLECTOR_TIMEOUT ?? '10m', 'SIGNOZ_OTEL_COLLECTOR_TIMEOUT')
    const deadline = Date.now() + timeoutMs
    const port = Number(url.port || 9000)
    // The Service in the DSN must route to a host; until then the connection is refused (retried within the timeout).
    let host: LabHost | undefined
    for (;;) {
      try {
        host = this.route(url.hostname, pod.metadata.namespace!, port)
        break
      } catch (error) {
        if (Date.now() + 500 > deadline) throw new Error(`store not ready due to non-retryable error: ${errorMessage(error)}`)
        zap('info', 'Waiting for store to be in ready state', {error: errorMessage(error)})
        await new Promise((resolve) => setTimeout(resolve, 500))
      }
    }
    const conn = new ClickHouseConnection(
      {url: hostUrl(host), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password)},
      {requestTimeoutMs: Math.max(1, timeoutMs)},
    )
    const signal = AbortSignal.timeout(Math.max(1, timeoutMs))
    const step = async <T>(failure: string, work: () => Promise<T>): Promise<T> => {
      if (Date.now() > deadline) throw new Error(`${failure}: context deadline exceeded`)
      try {
        return await Promise.race([work(), aborted(signal)])
      } catch (error) {
        throw new Error(signal.aborted || Date.now() > deadline ? `${failure}: context deadline exceeded` : `${failure}: ${errorMessage(error)}`)
      }
    }
    // Without a DDL queue (the chdb engine) the migrator's DDL goes to each host in turn.
    const everyHost = this.state.engine.chdb
      ? this.state.clickhouse.map(
          (h) =>
            new ClickHouseConnection(
              {url: hostUrl(h), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password)},
              {requestTimeoutMs: Math.max(1, timeoutMs)},
            ),
        )
      : undefined
    try {
      const migrator = new Migrator(conn, {cluster, replication, modern: this.state.engine.kind === 'modern', ...(everyHost ? {everyHost} : {})}, (line) =>
        zap('info', line),
      )
      if (command === 'migrate ready') {
        await step('store not ready due to non-retryable error', async () => {
          const rows = await conn.query<{n: number}>(`SELECT count() AS n FROM system.clusters WHERE cluster = '${cluster.replace(/'/g, "\\'")}'`, signal)
          if (Number(rows[0]?.n ?? 0) === 0) throw new Error(`cluster ${cluster} not found in system.clusters`)
        })
        zap('info', 'clickhouse is ready', {host: url.hostname, port})
        // CheckKeeper: the real step reads system.zookeeper_connection (22.x+); on the lab's server,
        // which lacks it, the same question is a read of Keeper's root through system.zookeeper.
        // Its answer is the server's own: code 999 when Keeper cannot be reached.
        await step('store not ready due to non-retryable error', async () => {
          // (The chdb engine has no Keeper: its servers run no replicated table.)
          if (this.state.engine.chdb) return
          await conn.query("SELECT count() AS n FROM system.zookeeper WHERE path = '/'", signal)
        })
        zap('info', 'keeper is ready')
      } else if (command === 'migrate bootstrap') {
        await step('failed to bootstrap store for migrations', () => migrator.bootstrap({onlyMissing: true}))
      } else if (command === 'migrate sync up') {
        zap('info', 'running sync migrations')
        const outcomes = await step('failed to run migrations up sync', () =>
          migrator
            .up(migrationsOf(imageTagOf(container.image ?? '')))
            .then(async (o) => (o.some((x) => x.status === 'failed') ? o : [...o, ...(await migrator.retryFailed([FIXED_MIGRATION]))])),
        )
        const failed = outcomes.find((o) => o.status === 'failed')
        if (failed) {
          zap('error', 'Error occurred while running operation', {error: failed.error})
          throw new Error(`failed to run migrations up sync: ${failed.error}`)
        }
        zap('info', 'sync migrations done', {
          applied: outcomes.filter((o) => o.status === 'finished').length,
          alreadyFinished: outcomes.filter((o) => o.status === 'skipped').length,
        })
      } else if (command === 'migrate sync check') {
        const unfinished = await step('timed out waiting for sync migrations to complete within the configured timeout', () =>
          migrator.unfinished(migrationsOf(imageTagOf(container.image ?? ''))),
        )
        if (unfinished) throw new Error(`migration with ID ${unfinished.id} for database '${unfinished.database}' has not been completed`)
      } else if (command === 'migrate async up') {
        zap('info', 'no async migrations pending')
      }
    } finally {
      await Promise.all([conn, ...(everyHost ?? [])].map((c) => c.close()))
    }
  }

  /** The lab host a connection to service:port lands on: a ready endpoint of the Service, in turn. */
  private route(hostname: string, namespace: string, port: number): LabHost {
    const [service, ns = namespace] = hostname.split('.')
    const svcKind = mustKind(this.store, 'Service')
    const svc = this.store.tryGet(svcKind, ns, service!)
    if (!svc) throw new Error(`dial tcp: lookup ${hostname}: no such host`)
    const endpoints = this.store.tryGet(mustKind(this.store, 'Endpoints'), ns, service!) as
      {subsets?: {addresses?: {targetRef?: {name?: string}}[]}[]} | undefined
    const ready = (endpoints?.subsets ?? [])
      .flatMap((s) => s.addresses ?? [])
      .map((a) => this.state.clickhouse.find((h) => h.pod === a.targetRef?.name))
      .filter((h): h is LabHost => Boolean(h))
    if (ready.length === 0) throw new Error(`dial tcp ${(svc.spec as {clusterIP?: string}).clusterIP ?? hostname}:${port}: connect: connection refused`)
    return ready[Math.floor(Math.random() * ready.length)]!
  }

  /** A container's env as the kubelet resolves it: values with $(VAR) references, and secretKeyRef. */
  /**
   * A signoz-ha container as a kubelet runs it: the real CLI with the container's args and env,
   * the API's Service in KUBERNETES_SERVICE_HOST/PORT, and the pod's service-account token, CA
   * and namespace projected under its own root (SIGNOZ_HA_IN_CLUSTER_ROOT stands for the mount
   * at /var/run/secrets). Emptydir mounts are directories of the pod; cluster DNS names of the
   * collector Service resolve to the lab's OTLP receiver. The exit code is the container's.
   */
  private async runSignozHa(pod: Pod, container: ContainerSpec, log: (line: string) => void): Promise<void> {
    const api = this.state.kubeApi
    if (!api) throw new Error('the lab has no Kubernetes API')
    const namespace = pod.metadata.namespace!
    const root = join(this.dir, 'pods', `${namespace}_${pod.metadata.name}_${pod.metadata.uid}`)
    const account = join(root, 'var', 'run', 'secrets', 'kubernetes.io', 'serviceaccount')
    mkdirSync(account, {recursive: true})
    const serviceAccount = (pod.spec as {serviceAccountName?: string}).serviceAccountName ?? 'default'
    if ((pod.spec as {automountServiceAccountToken?: boolean}).automountServiceAccountToken !== false) {
      writeFileSync(join(account, 'token'), serviceAccountToken(api.adminToken, {namespace, name: serviceAccount}), {mode: 0o600})
      writeFileSync(join(account, 'ca.crt'), readFileSync(kubeCertPaths(this.dir).cert))
      writeFileSync(join(account, 'namespace'), namespace)
    }
    const mounts = ((container as {volumeMounts?: {mountPath: string}[]}).volumeMounts ?? []).map((m) => m.mountPath)
    const inPod = (value: string) => {
      const mount = mounts.find((m) => value === m || value.startsWith(`${m}/`))
      return mount ? join(root, value) : value
    }
    for (const m of mounts) mkdirSync(join(root, m), {recursive: true})
    const env: Record<string, string> = {}
    for (const [name, value] of Object.entries(this.environment(namespace, container.env ?? []))) env[name] = this.clusterDns(namespace, inPod(value))
    const child = spawn(process.execPath, [join(packageRoot(), 'bin', 'run.js'), ...(container.command ?? []).slice(1), ...(container.args ?? [])], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: root,
        ...env,
        KUBERNETES_SERVICE_HOST: '127.0.0.1',
        KUBERNETES_SERVICE_PORT: String(api.port),
        SIGNOZ_HA_IN_CLUSTER_ROOT: root,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    for (const stream of [child.stdout, child.stderr]) createInterface({input: stream}).on('line', log)
    const code = await new Promise<number>((resolve) => child.on('close', (c, signal) => resolve(c ?? (signal ? 128 + 9 : 1))))
    if (code !== 0) throw new ContainerExit(code)
  }

  /**
   * The lab's cluster DNS for what a container is configured to reach: the OTel collector
   * Service's OTLP/HTTP port (svc, svc.ns, svc.ns.svc[.cluster.local]) is the lab's receiver.
   */
  private clusterDns(namespace: string, value: string): string {
    return value.replace(
      /^(https?:\/\/)([a-z0-9-]+)(?:\.([a-z0-9-]+))?(?:\.svc(?:\.cluster\.local)?)?:4318\b/,
      (whole, scheme: string, service: string, ns: string | undefined) => {
        const services = kindOf(this.store, 'Service')
        const exists = services && this.store.tryGet(services, ns ?? namespace, service)
        const port = this.state.ingestion.otlpPort
        return exists && port && service.endsWith('otel-collector') ? `${scheme}127.0.0.1:${port}` : whole
      },
    )
  }

  private environment(namespace: string, vars: EnvVar[]): Record<string, string> {
    const env: Record<string, string> = {}
    const secrets = kindOf(this.store, 'Secret')!
    for (const v of vars) {
      if (v.value !== undefined) env[v.name] = v.value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => env[name] ?? whole)
      else if (v.valueFrom?.secretKeyRef) {
        const secret = this.store.tryGet(secrets, namespace, v.valueFrom.secretKeyRef.name) as
          {data?: Record<string, string>; stringData?: Record<string, string>} | undefined
        const raw = secret?.data?.[v.valueFrom.secretKeyRef.key]
        if (raw === undefined) throw new Error(`secret "${v.valueFrom.secretKeyRef.name}" has no key "${v.valueFrom.secretKeyRef.key}"`)
        env[v.name] = Buffer.from(raw, 'base64').toString('utf8')
      }
    }
    return env
  }
}

const aborted = (signal: AbortSignal): Promise<never> =>
  new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('context deadline exceeded')), {once: true}))
