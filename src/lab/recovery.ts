import {IncompleteError} from '../core/errors.js'
import {ident, quote} from '../gateways/sql.js'
import {labConnection} from './connections.js'
import {hostPing, startHost, stopHost, waitHost} from './hosts.js'
import {waitFor} from './processes.js'
import {writeState, type LabHost, type LabState} from './state.js'

/**
 * True when the host answers and none of its replicated tables is read-only, has an expired
 * session or lags (18.x reports an absurd delay for a moment after a restart).
 */
export async function hostWritable(state: LabState, host: LabHost, maxDelaySeconds = 60): Promise<boolean> {
  if (!(await hostPing(host))) return false
  const conn = labConnection(state, host, 3000)
  try {
    const rows = await conn.query<{n: number}>(
      `SELECT count() AS n FROM system.replicas WHERE is_readonly OR is_session_expired OR absolute_delay > ${Math.floor(maxDelaySeconds)}`,
    )
    return Number(rows[0]?.n ?? 1) === 0
  } catch {
    return false
  } finally {
    await conn.close()
  }
}

/** A replicated table whose queue keeps failing on one host while Keeper serves it. */
export interface StuckReplica {
  database: string
  table: string
  error: string
}

/**
 * Tables on this host whose replication queue repeats one failure although the replica is neither
 * read-only nor expired: after Keeper losses, 18.x can leave an entry failing for ever with
 * "Part … intersects previous part … It is a bug" (Code 49), which no restart clears.
 */
export async function stuckReplicas(state: LabState, host: LabHost, minTries = 5): Promise<StuckReplica[]> {
  const conn = labConnection(state, host, 5000)
  try {
    return await conn.query<StuckReplica>(
      `SELECT database, table, any(last_exception) AS error FROM system.replication_queue
       WHERE last_exception != '' AND num_tries >= ${Math.floor(minTries)}
         AND (database, table) IN (SELECT database, table FROM system.replicas WHERE NOT is_readonly AND NOT is_session_expired AND active_replicas > 1)
       GROUP BY database, table`,
    )
  } finally {
    await conn.close()
  }
}

/**
 * Re-clones each stuck replica from its peers, as an operator does when a queue cannot drain:
 * the table is dropped on this host only (its replica leaves Keeper, the peers keep the data)
 * and created again from its own statement, so the new replica copies a peer's parts.
 */
export async function recloneReplicas(state: LabState, host: LabHost, stuck: StuckReplica[]): Promise<void> {
  const conn = labConnection(state, host, 60_000)
  try {
    for (const {database, table} of stuck) {
      const rows = await conn.query<{statement: string}>(
        `SELECT create_table_query AS statement FROM system.tables WHERE database = ${quote(database)} AND name = ${quote(table)}`,
      )
      const statement = rows[0]?.statement
      if (!statement) continue
      // Modern servers drop an Atomic table late, keeping its replica in Keeper until then: SYNC.
      await conn.command(`DROP TABLE ${ident(database)}.${ident(table)}${state.engine.kind === 'modern' ? ' SYNC' : ''}`)
      await conn.command(statement)
    }
  } finally {
    await conn.close()
  }
}

/** Re-clones the host's stuck replicas, if any; true when there were some. */
async function repairStuckReplicas(state: LabState, host: LabHost): Promise<boolean> {
  const stuck = await stuckReplicas(state, host).catch(() => [])
  if (stuck.length === 0) return false
  await recloneReplicas(state, host, stuck)
  return true
}

/**
 * Waits for every host's replicas to be writable again. A host that does not recover by itself
 * within graceMs has its stuck replicas re-cloned, or else is restarted, as an operator would
 * (18.x keeps some sessions expired after a long stall); a restart that leaves a queue stuck is
 * followed by the re-clone.
 */
export async function recoverHosts(state: LabState, hosts: LabHost[] = state.clickhouse, graceMs = 20_000, maxDelaySeconds = 60): Promise<void> {
  await Promise.all(
    hosts.map(async (host) => {
      const writable = () => hostWritable(state, host, maxDelaySeconds)
      try {
        await waitFor(`${host.pod} to become writable`, writable, graceMs, 500)
        return
      } catch {
        if ((await repairStuckReplicas(state, host)) && (await settles(writable, 30_000))) return
      }
      await stopHost(host)
      startHost(state, host)
      writeState(state)
      await waitHost(host)
      if (await settles(() => hostWritable(state, host), 60_000)) return
      if (!(await repairStuckReplicas(state, host))) throw new IncompleteError(`timed out after 60s waiting for ${host.pod} to become writable after a restart`)
      await waitFor(`${host.pod} to become writable after re-cloning its stuck replicas`, () => hostWritable(state, host), 60_000, 500)
    }),
  )
}

const settles = async (condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> =>
  waitFor('', condition, timeoutMs, 500).then(
    () => true,
    () => false,
  )
