import {ClickHouseConnection} from '../gateways/clickhouse.js'
import {hostUrl, type LabHost, type LabState} from './state.js'
import {Migrator} from './migrator.js'

/** A connection to one lab host as the chart's admin user (default: the first host). */
export const labConnection = (state: LabState, host: LabHost = state.clickhouse[0]!, requestTimeoutMs = 120_000): ClickHouseConnection =>
  new ClickHouseConnection({url: hostUrl(host), user: state.user, password: state.password}, {requestTimeoutMs})

/** Runs fn with an admin connection to one host (30 s per request), closed after. */
export async function onLabHost<T>(state: LabState, host: LabHost, fn: (conn: ClickHouseConnection) => Promise<T>): Promise<T> {
  const conn = labConnection(state, host, 30_000)
  try {
    return await fn(conn)
  } finally {
    await conn.close()
  }
}

/**
 * Runs fn with the lab's migrator on its first host: ON CLUSTER where the lab's servers have a DDL
 * queue, else (the chdb engine) every DDL statement sent to each host. Every connection is closed after.
 */
export async function withLabMigrator<T>(state: LabState, fn: (migrator: Migrator) => Promise<T>, log?: (line: string) => void): Promise<T> {
  const conn = labConnection(state)
  const everyHost = state.engine.chdb ? state.clickhouse.map((h) => labConnection(state, h)) : undefined
  try {
    return await fn(
      new Migrator(
        conn,
        {cluster: state.cluster, replication: state.replication, modern: state.engine.kind === 'modern', ...(everyHost ? {everyHost} : {})},
        log,
      ),
    )
  } finally {
    await Promise.all([conn, ...(everyHost ?? [])].map((c) => c.close()))
  }
}
