import {UsageError} from '../core/errors.js'
import {IncompleteError, SignozHaError, errorMessage} from '../core/errors.js'
import {hostByPod, hostPing, restartWithConfig, startHost, stopHost, waitHost} from './hosts.js'
import {startKeeper, stopKeeper, waitKeeper} from './keeper.js'
import {BROKEN_MIGRATION, FIXED_MIGRATION, MIGRATIONS} from './migrator.js'
import {signal, waitFor} from './processes.js'
import {hostState, readState, writeState, type ActiveFault, type LabHost, type LabState} from './state.js'
import {LabKubeClient} from './kube/admin-client.js'
import {isKeeperImage} from './images.js'
import {restoreLab, startIngestion, stopIngestion} from './world.js'
import {helmUpgrade, helmUpgradeMustFail, waitReleaseSettled} from './release.js'
import {hostWritable, recoverHosts} from './recovery.js'
import {labConnection, onLabHost, withLabMigrator} from './connections.js'
import {ident, quote, type ClickHouseConnection} from '../gateways/clickhouse.js'
import {labHost, type Fault} from './fault.js'
import {KUBE_FAULTS} from './kube-faults.js'
import {WIRE_FAULTS} from './wire-faults.js'
import {TABLE_FAULTS} from './table-faults.js'

/** The uids of the pods whose names match, when the lab has its Kubernetes half (a crash loop is scoped to them). */
type PodRef = {metadata: {name?: string; uid?: string}; spec?: {containers?: {image?: string}[]}}

async function podUids(state: LabState, matches: (name: string, pod: PodRef) => boolean): Promise<string[] | undefined> {
  if (!state.kubeApi) return undefined
  const list = await new LabKubeClient(state).get<{items?: PodRef[]}>(`/api/v1/namespaces/${state.namespace}/pods`)
  const uids = (list?.items ?? [])
    .filter((p) => matches(p.metadata.name ?? '', p))
    .map((p) => p.metadata.uid)
    .filter((uid): uid is string => Boolean(uid))
  return uids.length ? uids : undefined
}

/** The release's Keeper member pods: those whose image the lab backs with its ZooKeeper/Keeper (by image, not name). */
const keeperMember = (_name: string, pod: PodRef) => (pod.spec?.containers ?? []).some((c) => isKeeperImage(c.image ?? ''))

/**
 * Hosts go down for good, as on a real cluster where the kubelet restarts whatever exits: each
 * server is killed and every restart exits at once (its configuration does not parse), so its pod
 * crash-loops with the real back-off until it is recreated or the fault healed.
 */
async function crashLoopHosts(state: LabState, hosts: LabHost[]): Promise<void> {
  for (const h of hosts) h.crashLoop = {reason: 'its configuration does not parse', pods: await podUids(state, (name) => name === h.pod)}
  writeState(state)
  for (const h of hosts) if (hostState(h) !== 'dead') signal(h.pid!, 'SIGKILL')
  await waitFor(`${hosts.map((h) => h.pod).join(', ')} to exit`, async () => hosts.every((h) => hostState(h) === 'dead'), 5000, 50)
  // The fault is in place once the cluster shows it, as a real kubelet's PLEG reports an exit within a second.
  if (state.kubeApi) {
    await waitFor(
      `${hosts.map((h) => h.pod).join(', ')} to show as not ready`,
      async () => (await Promise.all(hosts.map((h) => podReady(state, h.pod)))).every((r) => r !== true),
      10_000,
      100,
    )
    // Meanwhile the kubelet may have restarted a container (into the crash loop): the state this
    // fault writes back must name that run's pid, not the one killed here.
    const current = readState(state.dir)
    for (const h of hosts) h.pid = hostByPod(current, h.pod)?.pid ?? h.pid
  }
}

async function podReady(state: LabState, pod: string): Promise<boolean | undefined> {
  const obj = await new LabKubeClient(state).get<{status?: {containerStatuses?: {ready?: boolean}[]}}>(`/api/v1/namespaces/${state.namespace}/pods/${pod}`)
  const statuses = obj?.status?.containerStatuses
  return statuses ? statuses.every((c) => c.ready === true) : undefined
}

/**
 * Ends a crash loop as an operator does once the cause is fixed: the good configuration again,
 * and the pod recreated (its restart count starts over) so its container starts at once,
 * whatever the kubelet's back-off. Without the Kubernetes half, the server is restarted.
 */
async function restoreHosts(state: LabState, hosts: LabHost[]): Promise<void> {
  for (const host of hosts) host.crashLoop = undefined
  writeState(state)
  if (!state.kubeApi) {
    for (const host of hosts) {
      await stopHost(host)
      startHost(state, host)
    }
    writeState(state)
    await Promise.all(hosts.map((h) => waitHost(h)))
    return
  }
  await recreatePods(
    state,
    hosts.map((h) => h.pod),
  )
  await waitFor(
    `${hosts.map((h) => h.pod).join(', ')} to start on new pods`,
    async () => {
      const current = readState(state.dir)
      for (const host of hosts) host.pid = hostByPod(current, host.pod)?.pid
      return (await Promise.all(hosts.map((h) => hostPing(h)))).every(Boolean)
    },
    90_000,
    200,
  )
  await waitReleaseSettled(state)
}

/** Deletes pods so their controller recreates them (kubectl delete pod). */
async function recreatePods(state: LabState, pods: readonly string[]): Promise<void> {
  const kube = new LabKubeClient(state)
  for (const pod of pods) await kube.delete(`/api/v1/namespaces/${state.namespace}/pods/${pod}`)
}

/** Keeper down for good (its own fault, and the start of migrator-keeper-lost). */
const STOP_KEEPER: Fault = {
  id: 'stop-keeper',
  summary:
    'ZooKeeper/Keeper down: it exits at every start (an invalid configuration), its member pods crash-loop until recreated; replicated tables go read-only, ON CLUSTER DDL stops (catalogue #3)',
  async inject(state) {
    state.keeper.crashLoop = {reason: 'its configuration is invalid', pods: await podUids(state, keeperMember)}
    writeState(state)
    await stopKeeper(state)
    return {}
  },
  async heal(state) {
    const current = readState(state.dir)
    state.keeper.pid = current.keeper.pid
    state.keeper.crashLoop = undefined
    writeState(state)
    await stopKeeper(state)
    startKeeper(state)
    writeState(state)
    await waitKeeper(state)
    // The member pods start over too (their restart counts with them), as after the operator's fix.
    if (state.kubeApi) {
      const members = ((await new LabKubeClient(state).get<{items?: PodRef[]}>(`/api/v1/namespaces/${state.namespace}/pods`))?.items ?? [])
        .filter((p) => keeperMember('', p))
        .map((p) => p.metadata.name ?? '')
      await recreatePods(state, members)
      await waitReleaseSettled(state)
    }
    await recoverHosts(state)
  },
}

/**
 * Waits until every Distributed send queue is empty: the inserts queued while a shard was down
 * reached it. The send back-off may have grown while the shard was down: each queue is flushed
 * now, as an operator does (servers with system.distribution_queue; 18.x sends on its own poll).
 */
async function drainDistributionQueues(state: LabState): Promise<void> {
  await waitFor(
    'the distributed send queues to drain',
    async () => {
      const counts = await Promise.all(
        state.clickhouse.map(async (h) => {
          const conn = labConnection(state, h, 10_000)
          try {
            if (state.engine.kind === 'modern') {
              const queued = await conn.query<{db: string; t: string}>('SELECT database AS db, table AS t FROM system.distribution_queue WHERE data_files > 0')
              for (const q of queued) await conn.command(`SYSTEM FLUSH DISTRIBUTED ${ident(q.db)}.${ident(q.t)}`).catch(() => undefined)
              return queued.length
            }
            return Number(
              (await conn.query<{n: number}>("SELECT toUInt64(value) AS n FROM system.metrics WHERE metric = 'DistributedFilesToInsert'"))[0]?.n ?? 0,
            )
          } catch {
            return 1
          } finally {
            await conn.close()
          }
        }),
      )
      return counts.every((n) => n === 0)
    },
    60_000,
    500,
  )
}

/** A migration recorded failed (its own fault, and what migrator-ddl-timeout's migrator retries). */
const FAIL_MIGRATION: Fault = {
  id: 'fail-migration',
  summary: 'run a schema migration that fails on every host (UNKNOWN_FUNCTION) and is recorded as failed (catalogue #1, #9)',
  async inject(state) {
    return withLabMigrator(state, async (migrator) => {
      const outcome = await migrator.run(BROKEN_MIGRATION, {force: true})
      if (outcome.status !== 'failed') throw new Error('the broken migration unexpectedly succeeded')
      return {database: BROKEN_MIGRATION.database, migration: BROKEN_MIGRATION.id, error: outcome.error ?? ''}
    })
  },
  async heal(state) {
    return withLabMigrator(state, async (migrator) => {
      const outcome = await migrator.run(FIXED_MIGRATION, {force: true})
      if (outcome.status === 'failed') throw new Error(`the corrected migration failed: ${outcome.error}`)
    })
  },
}

/**
 * The failure the tool exists for (catalogue #1), as it happens: an upgrade's migrator runs an
 * ON CLUSTER statement while one host does not work through the DDL queue (here its DDL worker
 * watches another path, as a host a config rollout left behind; in the field also a host that
 * cannot resolve the others or a blocked queue, #26). The initiator waits for it until
 * distributed_ddl_task_timeout and the server answers code 159 for real; the hook's sync step
 * exits 1 and the Job retries it (OnFailure), Helm's wait times out. The statement is the retry
 * of a migration recorded failed (fail-migration), which the chart's migrator runs at every sync.
 */
const MIGRATOR_DDL_TIMEOUT: Fault = {
  id: 'migrator-ddl-timeout',
  summary:
    "one host off the DDL queue while an upgrade's migrator retries a failed migration: its ON CLUSTER statement waits for that host until distributed_ddl_task_timeout and the server answers code 159; the hook's sync step crash-loops, Helm's wait times out (catalogue #1, #26)",
  target: {description: 'pod name or SHARD-REPLICA', default: (s) => s.clickhouse[s.clickhouse.length - 1]!.pod},
  async inject(state, target) {
    if (state.engine.chdb || !state.kubeApi || state.clickhouse.length < 2)
      throw new UsageError('migrator-ddl-timeout needs ON CLUSTER DDL, the Kubernetes half and two hosts (a lab up without --engine chdb)')
    const host = labHost(state, target)
    const failed = await FAIL_MIGRATION.inject(state, undefined)
    host.ddlQueueElsewhere = true
    await restartWithConfig(state, host)
    await helmUpgradeMustFail(state, ['--reuse-values'], `with ${host.pod} off the DDL queue`)
    return {pod: host.pod, ...failed}
  },
  async heal(state, fault) {
    const host = labHost(state, fault.undo.pod as string)
    host.ddlQueueElsewhere = undefined
    // Back on the queue, the host works through the tasks it missed.
    await restartWithConfig(state, host)
    await recoverHosts(state, [host])
    await FAIL_MIGRATION.heal(state, fault)
    await helmUpgrade(state, ['--reuse-values'])
    await waitReleaseSettled(state)
  },
}

/**
 * Schema drift meets a migration (catalogue #25): one host holds signoz_traces.span_costs without
 * its trace_id column (a table made by hand, or a migration half-applied there), and the upgrade's
 * migrator retries the failed migration 1015 (fail-migration). Its CREATE of the local table is a
 * no-op on that host (IF NOT EXISTS); its Distributed table, sharded by cityHash64(trace_id), is
 * refused there by the server itself: code 47. The sync step crash-loops, Helm's wait times out.
 */
const MIGRATOR_UNKNOWN_COLUMN: Fault = {
  id: 'migrator-unknown-column',
  summary:
    "one host's signoz_traces.span_costs lacks trace_id (schema drift) while an upgrade's migrator retries migration 1015: the server refuses its Distributed table sharded by trace_id with code 47 on that host; the hook's sync step crash-loops, Helm's wait times out (catalogue #25)",
  target: {description: 'pod name or SHARD-REPLICA', default: (s) => s.clickhouse[s.clickhouse.length - 1]!.pod},
  async inject(state, target) {
    if (!state.kubeApi) throw new UsageError('migrator-unknown-column needs the Kubernetes half (the chart runs the migrator)')
    const host = labHost(state, target)
    const failed = await FAIL_MIGRATION.inject(state, undefined)
    await onLabHost(state, host, async (conn) => {
      await conn.command('DROP TABLE IF EXISTS signoz_traces.distributed_span_costs')
      await conn.command('DROP TABLE IF EXISTS signoz_traces.span_costs')
      await conn.command('CREATE TABLE signoz_traces.span_costs (timestamp DateTime, cost UInt64) ENGINE = MergeTree ORDER BY timestamp')
    })
    await helmUpgradeMustFail(state, ['--reuse-values'], `with span_costs drifted on ${host.pod}`)
    return {pod: host.pod, ...failed}
  },
  async heal(state, fault) {
    const host = labHost(state, fault.undo.pod as string)
    // The drifted table goes; the migration then makes it as everywhere else.
    await onLabHost(state, host, (conn) => conn.command('DROP TABLE IF EXISTS signoz_traces.span_costs'))
    await FAIL_MIGRATION.heal(state, fault)
    await helmUpgrade(state, ['--reuse-values'])
    await waitReleaseSettled(state)
  },
}

const PROCESS_FAULTS: readonly Fault[] = [
  {
    id: 'kill-replica',
    summary:
      'one ClickHouse host down: killed, and every restart exits at once (its pod crash-loops until recreated) (catalogue #35: a replica or a whole shard down)',
    target: {description: 'pod name or SHARD-REPLICA', default: (s) => s.clickhouse[s.clickhouse.length - 1]!.pod},
    async inject(state, target) {
      const host = labHost(state, target)
      await crashLoopHosts(state, [host])
      return {pod: host.pod}
    },
    async heal(state, fault) {
      const host = labHost(state, fault.undo.pod as string)
      await restoreHosts(state, [host])
      await recoverHosts(state, [host])
      // With one replica per shard the host was its whole shard: inserts for it queued meanwhile.
      await drainDistributionQueues(state)
    },
  },
  {
    id: 'shard-down',
    summary: 'every replica of one shard down, crash-looping (catalogue #35): inserts for it queue up on the other shards (catalogue #15)',
    target: {description: 'shard number', default: (s) => String(s.shards - 1)},
    async inject(state, target) {
      const shard = Number(target ?? state.shards - 1)
      const hosts = state.clickhouse.filter((h) => h.shard === shard)
      if (hosts.length === 0 || state.shards < 2) throw new UsageError(`shard-down needs a lab with at least two shards and a shard ${target}`)
      await crashLoopHosts(state, hosts)
      return {shard, pods: hosts.map((h) => h.pod)}
    },
    async heal(state, fault) {
      const hosts = (fault.undo.pods as string[]).map((p) => labHost(state, p))
      await restoreHosts(state, hosts)
      await recoverHosts(state, hosts)
      await drainDistributionQueues(state)
    },
  },
  {
    id: 'hang-replica',
    summary: 'SIGSTOP one ClickHouse host: it accepts connections and never answers',
    target: {description: 'pod name or SHARD-REPLICA', default: (s) => s.clickhouse[s.clickhouse.length - 1]!.pod},
    async inject(state, target) {
      const host = labHost(state, target)
      if (hostState(host) === 'dead' || !signal(host.pid!, 'SIGSTOP')) throw new Error(`${host.pod} is not running`)
      return {pod: host.pod}
    },
    async heal(state, fault) {
      const host = labHost(state, fault.undo.pod as string)
      if (hostState(host) === 'stopped') signal(host.pid!, 'SIGCONT')
      await recoverHosts(state, [host])
    },
  },
  STOP_KEEPER,
  {
    id: 'migrator-keeper-lost',
    summary:
      "Keeper down while an upgrade runs its migrator: the hook's ready step fails on the server's own code 999 and crash-loops (signoz-otel-collector#589), Helm's wait times out (release failed)",
    async inject(state) {
      await STOP_KEEPER.inject(state, undefined)
      await helmUpgradeMustFail(state, ['--reuse-values'], 'with Keeper down')
      return {}
    },
    async heal(state, fault) {
      await STOP_KEEPER.heal(state, fault)
      await helmUpgrade(state, ['--reuse-values'])
      await waitReleaseSettled(state)
    },
  },
  {
    id: 'stop-ingestion',
    summary: 'stop the simulated collectors: no new rows arrive (catalogue #8)',
    async inject(state) {
      await stopIngestion(state)
      return {}
    },
    async heal(state) {
      await startIngestion(state)
    },
  },
  FAIL_MIGRATION,
  MIGRATOR_DDL_TIMEOUT,
  MIGRATOR_UNKNOWN_COLUMN,
  {
    id: 'stale-migration-row',
    summary:
      'leave a migration recorded in-progress by a migrator that stopped mid-way, then finish a later one after it: the stale row of signoz-otel-collector#681',
    async inject(state) {
      return withLabMigrator(state, async (migrator) => {
        const first = MIGRATIONS.find((m) => m.database === FIXED_MIGRATION.database)!
        await migrator.abandon(first)
        // A later migration of the same database finishes after the abandoned one.
        const later = await migrator.run(FIXED_MIGRATION, {force: true})
        if (later.status !== 'finished') throw new Error(`the later migration did not finish: ${later.error}`)
        return {database: first.database, migration: first.id}
      })
    },
    async heal(state) {
      // What re-running the migrator does: the migration applied again (idempotent) and recorded finished.
      return withLabMigrator(state, async (migrator) => {
        const outcome = await migrator.run(MIGRATIONS.find((m) => m.database === FIXED_MIGRATION.database)!)
        if (outcome.status === 'failed') throw new Error(`re-running the migration failed: ${outcome.error}`)
      })
    },
  },
  {
    id: 'lag-replica',
    summary:
      'stop part fetches and the replication queue on one replica (SYSTEM STOP FETCHES, STOP REPLICATION QUEUES): its queue only grows and it falls behind (catalogue #24)',
    target: {description: 'pod name or SHARD-REPLICA', default: (s) => s.clickhouse[s.clickhouse.length - 1]!.pod},
    async inject(state, target) {
      const host = labHost(state, target)
      if (state.replicasPerShard < 2 || !state.replication) throw new UsageError('lag-replica needs a lab with replication and at least 2 replicas per shard')
      // The queue stopped too: no entry is executed or superseded, so the lag grows steadily instead of flapping.
      await onLabHost(state, host, async (conn) => {
        await conn.command('SYSTEM STOP FETCHES')
        await conn.command('SYSTEM STOP REPLICATION QUEUES')
      })
      return {pod: host.pod}
    },
    async heal(state, fault) {
      const host = labHost(state, fault.undo.pod as string)
      await onLabHost(state, host, async (conn) => {
        await conn.command('SYSTEM START FETCHES')
        await conn.command('SYSTEM START REPLICATION QUEUES')
      })
      // Healed means caught up, not only fetching again.
      await recoverHosts(state, [host], 30_000, 1)
    },
  },
  {
    id: 'missing-database',
    summary: 'drop a SigNoz database on one host only, like a host added without schema (catalogue #16)',
    target: {description: 'POD[:DATABASE]', default: (s) => `${s.clickhouse[s.clickhouse.length - 1]!.pod}:signoz_meter`},
    async inject(state, target) {
      const [podPart, database = 'signoz_meter'] = (target ?? '').split(':')
      const host = labHost(state, podPart || undefined)
      if (!/^signoz_[a-z]+$/.test(database)) throw new UsageError(`"${database}" is not a SigNoz database`)
      await onLabHost(state, host, (conn) => conn.command(`DROP DATABASE IF EXISTS ${database}`))
      return {pod: host.pod, database}
    },
    async heal(state, fault) {
      // The migrator's statements are idempotent and ON CLUSTER: they recreate what one host lacks,
      // and its replicated tables fetch their data back from their peers.
      await withLabMigrator(state, async (migrator) => {
        await migrator.bootstrap()
        for (const m of MIGRATIONS) await migrator.apply(m)
      })
      await recoverHosts(state, [labHost(state, fault.undo.pod as string)], 30_000, 1)
    },
  },
  {
    id: 'distributed-wrong-cluster',
    summary: "re-create one host's distributed_logs_v2 on another cluster, as after a cluster rename (catalogue #19)",
    target: {description: 'pod name or SHARD-REPLICA', default: (s) => s.clickhouse[0]!.pod},
    async inject(state, target) {
      const host = labHost(state, target ?? state.clickhouse[0]!.pod)
      await onLabHost(state, host, (conn) => recreateDistributedLogs(conn, 'all-sharded'))
      return {pod: host.pod}
    },
    async heal(state, fault) {
      await onLabHost(state, labHost(state, fault.undo.pod as string), (conn) => recreateDistributedLogs(conn, state.cluster))
    },
  },
  {
    id: 'readonly-table',
    summary: 'restart a host that lost its Keeper configuration: every replicated table on it is read-only (catalogue #4, #37)',
    target: {description: 'pod name or SHARD-REPLICA', default: (s) => s.clickhouse[0]!.pod},
    async inject(state, target) {
      const host = labHost(state, target ?? state.clickhouse[0]!.pod)
      if (!state.replication) throw new UsageError('readonly-table needs a lab with replication (not --no-replication)')
      // Without a Keeper section the server attaches every replicated table read-only at once
      // ("No ZooKeeper: table will be in readonly mode"), as after a bad config rollout.
      await restartHost(state, host, {withoutKeeper: true})
      await waitFor(`${host.pod} tables to be read-only`, async () => (await hostPing(host)) && !(await hostWritable(state, host)), 30_000, 300)
      return {pod: host.pod}
    },
    async heal(state, fault) {
      const host = labHost(state, fault.undo.pod as string)
      await restartHost(state, host, {})
      await recoverHosts(state, [host])
    },
  },
]

/** Every fault `lab break` knows: the ClickHouse/Keeper processes', then the Kubernetes half's. */
export const FAULTS: readonly Fault[] = [...PROCESS_FAULTS, ...TABLE_FAULTS, ...KUBE_FAULTS, ...WIRE_FAULTS]

/** Local DDL on one host: its distributed_logs_v2 now routes to the named cluster. */
async function recreateDistributedLogs(conn: ClickHouseConnection, cluster: string): Promise<void> {
  await conn.command('DROP TABLE IF EXISTS signoz_logs.distributed_logs_v2')
  await conn.command(
    `CREATE TABLE signoz_logs.distributed_logs_v2 AS signoz_logs.logs_v2 ENGINE = Distributed(${quote(cluster)}, 'signoz_logs', 'logs_v2', cityHash64(id))`,
  )
}

/** Restarts one host, optionally without its Keeper configuration. */
async function restartHost(state: LabState, host: LabHost, override: {withoutKeeper?: boolean}): Promise<void> {
  await stopHost(host)
  host.withoutKeeper = override.withoutKeeper
  startHost(state, host)
  writeState(state)
  await waitHost(host)
}

export function findFault(id: string): Fault {
  const fault = FAULTS.find((f) => f.id === id)
  if (!fault) throw new UsageError(`unknown fault "${id}"`, `faults: ${FAULTS.map((f) => f.id).join(', ')}`)
  return fault
}

/** Injects a fault and records it, so `lab heal` can undo it later. */
export async function breakLab(state: LabState, id: string, target?: string): Promise<ActiveFault> {
  const fault = findFault(id)
  if (state.faults.some((f) => f.id === id && (f.target ?? '') === (target ?? ''))) {
    throw new UsageError(`fault ${id} is already active`, `undo it with: signoz-ha lab heal ${id}`)
  }
  const undo = await fault.inject(state, target).catch((error: unknown) => {
    // A fault that could not be made is a lab error (exit 3) in the cause's own words.
    if (error instanceof SignozHaError) throw error
    throw new IncompleteError(`breaking ${id} failed: ${errorMessage(error)}`)
  })
  const active: ActiveFault = {id, target, since: new Date().toISOString(), undo}
  state.faults.push(active)
  writeState(state)
  return active
}

/** Undoes one fault (or all, newest first); each healed fault leaves the state file at once. */
export async function healLab(state: LabState, id?: string): Promise<string[]> {
  if (id) findFault(id)
  const healed: string[] = []
  for (const active of [...state.faults].reverse()) {
    if (id && active.id !== id) continue
    try {
      await findFault(active.id).heal(state, active)
    } catch (error) {
      // A lab error (exit 3) that says what could not be healed, with the cause's own words and hint.
      throw new IncompleteError(`healing ${active.id} failed: ${errorMessage(error)}`, error instanceof SignozHaError ? error.hint : undefined)
    }
    state.faults = state.faults.filter((f) => f !== active)
    writeState(state)
    healed.push(active.id)
  }
  if (id && healed.length === 0) throw new UsageError(`fault ${id} is not active`)
  // Without a fault named: back to healthy whatever else happened (processes killed or stopped by hand).
  if (!id) await restoreLab(readState(state.dir), {resumeStopped: true})
  return healed
}
