import {ident, quote} from './sql.js'

/**
 * A statement that changes a ClickHouse host (remediation). Like NamedQuery, every one lives
 * here, so they can be read in one place and a test proves each parses on a modern server.
 */
export interface NamedStatement<Params = void> {
  readonly name: string
  sql(params: Params): string
}

const defineStatement = <Params = void>(s: NamedStatement<Params>): NamedStatement<Params> => s

/** `db.table` with each part quoted as an identifier. */
export const tableRef = (table: string): string => {
  const dot = table.indexOf('.')
  return dot < 0 ? ident(table) : `${ident(table.slice(0, dot))}.${ident(table.slice(dot + 1))}`
}

export const S = {
  /** Part fetches from other replicas resume (they were stopped by hand or by a tool). */
  startFetches: defineStatement({name: 'startFetches', sql: () => 'SYSTEM START FETCHES'}),
  /** Replication queues resume executing their entries (stopped by hand or a tool: nothing is fetched, merged or mutated). */
  startReplicationQueues: defineStatement({name: 'startReplicationQueues', sql: () => 'SYSTEM START REPLICATION QUEUES'}),
  /** Background merges resume on one table, or on the whole host. */
  startMerges: defineStatement<{table?: string}>({
    name: 'startMerges',
    sql: (p) => (p.table ? `SYSTEM START MERGES ${tableRef(p.table)}` : 'SYSTEM START MERGES'),
  }),
  /** Re-initialises a replicated table's Keeper session and state. */
  restartReplica: defineStatement<{table: string}>({name: 'restartReplica', sql: (p) => `SYSTEM RESTART REPLICA ${tableRef(p.table)}`}),
  /** Stale addresses of peers are forgotten (pods that moved, catalogue #22). */
  dropDnsCache: defineStatement({name: 'dropDnsCache', sql: () => 'SYSTEM DROP DNS CACHE'}),
  /** Merges one partition now (heavy IO; run on the shard's leader replica). */
  optimizePartition: defineStatement<{table: string; partitionId: string}>({
    name: 'optimizePartition',
    sql: (p) => `OPTIMIZE TABLE ${tableRef(p.table)} PARTITION ID ${quote(p.partitionId)}`,
  }),
  /** Deletes one partition on every replica of the cluster (a day of data): shown as a suggestion, never run. */
  dropPartition: defineStatement<{table: string; cluster: string; partition: string}>({
    name: 'dropPartition',
    // system.parts shows a Date partition bare (2026-12-02) and a tuple in parentheses.
    sql: (p) =>
      `ALTER TABLE ${tableRef(p.table)} ON CLUSTER ${ident(p.cluster)} DROP PARTITION ${/^\d{4}-\d{2}-\d{2}$/.test(p.partition) ? quote(p.partition) : p.partition}`,
  }),
  /** Cancels a mutation that can never finish. */
  killMutation: defineStatement<{database: string; table: string; mutationId: string}>({
    name: 'killMutation',
    sql: (p) => `KILL MUTATION WHERE database = ${quote(p.database)} AND table = ${quote(p.table)} AND mutation_id = ${quote(p.mutationId)}`,
  }),
}

/** Every statement with sample parameters: what the contract test parses on chdb. */
export const STATEMENT_SAMPLES: readonly {statement: NamedStatement<never>; params: unknown}[] = [
  {statement: S.startFetches as NamedStatement<never>, params: undefined},
  {statement: S.startReplicationQueues as NamedStatement<never>, params: undefined},
  {statement: S.startMerges as NamedStatement<never>, params: {table: 'signoz_logs.logs_v2'}},
  {statement: S.startMerges as NamedStatement<never>, params: {}},
  {statement: S.restartReplica as NamedStatement<never>, params: {table: 'signoz_logs.logs_v2'}},
  {statement: S.dropDnsCache as NamedStatement<never>, params: undefined},
  {statement: S.optimizePartition as NamedStatement<never>, params: {table: 'signoz_logs.logs_v2', partitionId: '20261202'}},
  {statement: S.dropPartition as NamedStatement<never>, params: {table: 'signoz_logs.logs_v2', cluster: 'cluster', partition: '2026-12-01'}},
  {statement: S.killMutation as NamedStatement<never>, params: {database: 'signoz_logs', table: 'logs_v2', mutationId: "0000000001'"}},
]
