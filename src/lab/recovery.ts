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

/**
 * Waits for every host's replicas to be writable again; a host that does not recover by
 * itself within graceMs is restarted, as an operator would (18.x keeps some sessions expired
 * after a long stall).
 */
export async function recoverHosts(state: LabState, hosts: LabHost[] = state.clickhouse, graceMs = 20_000, maxDelaySeconds = 60): Promise<void> {
  await Promise.all(
    hosts.map(async (host) => {
      try {
        await waitFor(`${host.pod} to become writable`, () => hostWritable(state, host, maxDelaySeconds), graceMs, 500)
      } catch {
        await stopHost(host)
        startHost(state, host)
        writeState(state)
        await waitHost(host)
        await waitFor(`${host.pod} to become writable after a restart`, () => hostWritable(state, host), 60_000, 500)
      }
    }),
  )
}
