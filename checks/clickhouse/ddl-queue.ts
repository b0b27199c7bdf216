import {SkipCheck, defineCheck, fail, pass, type Finding} from '../../src/core/check.js'
import {Q} from '../../src/signoz/queries.js'
import type {ClickHouseFleet, HostProbe} from '../../src/gateways/clickhouse-fleet.js'
import {ddlQueuePath} from '../../src/signoz/naming.js'

/** The hosts an ON CLUSTER task names (its Keeper node: "hosts: ['host:port',…]"). */
const taskHosts = (value: string) => [...(/hosts: \[([^\]]*)\]/.exec(value)?.[1] ?? '').matchAll(/'([^']+)'/g)].map((m) => decodeURIComponent(m[1]!))

/**
 * Every ON CLUSTER task finished on every host.
 * Why: a host that cannot run the DDL queue (down, cannot resolve a peer, a blocked task ahead)
 * leaves SigNoz migrations hanging with code 159 and schemas diverging (catalogue #1, #26).
 * Fails if: a task is unfinished on some host after ddlTaskStuckSeconds — from
 * system.distributed_ddl_queue (21.x+), else from the queue's Keeper nodes.
 */
export default defineCheck({
  id: 'clickhouse/ddl-queue',
  title: 'ON CLUSTER tasks finish on every host',
  severity: 'critical',
  requires: ['clickhouse'],
  runbook: 'ddl-queue-stuck',
  scenarios: [1, 26],
  async run({clickhouse, thresholds, signal}) {
    // The queue lives in Keeper, shared by all hosts: one host answers for the cluster.
    const host = clickhouse.reachable()[0]
    if (!host) throw new SkipCheck('no ClickHouse host answered')
    const olderThanSeconds = thresholds.ddlTaskStuckSeconds
    const [modern] = await clickhouse.queryHosts([host], Q.ddlQueueUnfinished, {olderThanSeconds}, signal)
    if (modern!.rows) {
      const findings = modern!.rows.map((r) =>
        fail(`${r.entry}@${r.target_host || '?'}`, `${r.state} after ${Number(r.age_seconds)}s: ${r.query_text.slice(0, 160)}`, {
          entry: r.entry,
          host: r.target_host,
          state: r.state,
          ageSeconds: Number(r.age_seconds),
        }),
      )
      return findings.length ? findings : [pass('ddl queue', `no ON CLUSTER task older than ${olderThanSeconds}s is unfinished`)]
    }
    if (modern!.error.kind !== 'unsupported') throw new SkipCheck(`cannot read system.distributed_ddl_queue: ${modern!.error.message}`)
    const path = ddlQueuePath(host.macros.installation ?? '').replace('/clickhouse//', '/clickhouse/')
    const [tasks] = await clickhouse.queryHosts([host], Q.ddlTasksInKeeper, {path, olderThanSeconds}, signal)
    if (!tasks!.rows) {
      if (tasks!.error.kind === 'unsupported') throw new SkipCheck(`no system.distributed_ddl_queue and no Keeper on ${host.name}`)
      // Keeper down is keeper/reachable's finding; the queue cannot be read meanwhile.
      throw new SkipCheck(`cannot read the ON CLUSTER queue in Keeper (${path}): ${tasks!.error.message}`)
    }
    const findings: Finding[] = []
    // Every task's finished hosts in one statement: one query per task, a remote cluster pays a round trip each.
    const finishedOf = await finishedHosts(
      clickhouse,
      host,
      tasks!.rows.map((t) => ({task: t.name, path: `${path}/${t.name}/finished`})),
      signal,
    )
    for (const task of tasks!.rows) {
      const finished = finishedOf.get(task.name)
      // A task removed meanwhile (queue cleanup) has nothing left to finish.
      if (!finished) continue
      const done = new Set(finished.map((name) => decodeURIComponent(name)))
      const missing = taskHosts(task.value).filter((h) => !done.has(h))
      if (missing.length) {
        const query = /query: (.*)/.exec(task.value)?.[1] ?? ''
        findings.push(
          fail(task.name, `unfinished on ${missing.join(', ')} after ${Number(task.age_seconds)}s: ${query.slice(0, 160)}`, {
            task: task.name,
            pendingHosts: missing,
            ageSeconds: Number(task.age_seconds),
            keeperPath: `${path}/${task.name}`,
          }),
        )
      }
    }
    return findings.length ? findings : [pass('ddl queue', `${tasks!.rows.length} task(s) older than ${olderThanSeconds}s, all finished (${path})`)]
  },
})

/**
 * The hosts that finished each task, by task; a task whose node is gone maps to nothing. One
 * statement for all; if one node is gone the statement fails, and each task is asked alone.
 */
async function finishedHosts(
  clickhouse: ClickHouseFleet,
  host: HostProbe,
  tasks: {task: string; path: string}[],
  signal: AbortSignal,
): Promise<Map<string, string[] | undefined>> {
  const byTask = new Map<string, string[] | undefined>()
  if (tasks.length === 0) return byTask
  const [all] = await clickhouse.queryHosts([host], Q.ddlTasksFinished, {tasks}, signal)
  if (all!.rows) {
    for (const t of tasks)
      byTask.set(
        t.task,
        all!.rows.filter((r) => r.task === t.task).map((r) => r.name),
      )
    return byTask
  }
  const alone = await Promise.all(tasks.map((t) => clickhouse.queryHosts([host], Q.ddlTasksFinished, {tasks: [t]}, signal)))
  for (const [i, t] of tasks.entries())
    byTask.set(
      t.task,
      alone[i]![0]!.rows?.map((r) => r.name),
    )
  return byTask
}
