import type {ColumnKind} from './query-batch.js'
import {quote} from './sql.js'

/**
 * What a host can answer: its version and which system tables and columns exist. Probed
 * once per host per run; queries adapt to it so one check works on 18.16 and on 26.x.
 */
export interface Capabilities {
  version: string
  major: number
  minor: number
  /** "system.replicas" → its column names. */
  columns: ReadonlyMap<string, ReadonlySet<string>>
  /**
   * Which of the tables the fleet was asked to look for ("database.table") exist on the host;
   * undefined when none were asked (or the answer was recorded without them).
   */
  tables?: ReadonlySet<string>
}

export const hasTable = (caps: Capabilities, table: string): boolean => caps.columns.has(table)
export const hasColumn = (caps: Capabilities, table: string, column: string): boolean => caps.columns.get(table)?.has(column) ?? false

/**
 * Every SQL statement the tool sends is a NamedQuery, defined beside the domain that asks it
 * (src/signoz/queries.ts for checks and status, src/signoz/storage-queries.ts, src/bundle/queries.ts);
 * a contract test runs each against the chdb engine (modern) and the lab (18.16).
 */
export interface NamedQuery<Row, Params = void> {
  readonly name: string
  /** System tables the query needs; a host lacking one answers "unsupported" instead of failing. */
  readonly needs: readonly string[]
  sql(params: Params, caps: Capabilities): string
  /**
   * The columns it answers and how each reads back. A query that declares them may travel to a
   * host in one statement with the others asked of that host at the same moment.
   */
  readonly columns?: {readonly [K in keyof Row & string]: ColumnKind}
  /** Never materialised; keeps Row in the type. */
  readonly _row?: Row
}

export const defineQuery = <Row, Params = void>(q: Omit<NamedQuery<Row, Params>, '_row'>): NamedQuery<Row, Params> => q

/** The system tables whose columns the probe records. */
export const PROBED_TABLES = [
  'clusters',
  'macros',
  'replicas',
  'replication_queue',
  'tables',
  'databases',
  'columns',
  'zookeeper',
  'zookeeper_connection',
  'distributed_ddl_queue',
  'distribution_queue',
  'disks',
  'errors',
  'mutations',
  'parts',
  'metrics',
  'asynchronous_metrics',
  'settings',
  'server_settings',
] as const

/** A list of string literals, for IN (…). */
export const list = (values: readonly string[]) => values.map(quote).join(', ')

/**
 * Everything the probe needs in one round trip: version, macros, the columns of the system
 * tables queries adapt to, and which of the given tables ("database.table") exist, so a query
 * that reads one can go in the first statement instead of waiting for a list of tables. Rows are
 * (kind, a, b); system.macros exists on every version this tool supports.
 */
export const PROBE = defineQuery<{kind: 'version' | 'macro' | 'column' | 'table'; a: string; b: string}, {tables?: readonly string[]} | void>({
  name: 'probe',
  needs: [],
  sql: (params) => {
    const tables = (params && params.tables) || []
    const split = tables.map((t) => [t.slice(0, t.indexOf('.')), t.slice(t.indexOf('.') + 1)] as const)
    return [
      "SELECT 'version' AS kind, version() AS a, hostName() AS b",
      "SELECT 'macro' AS kind, macro AS a, substitution AS b FROM system.macros",
      `SELECT 'column' AS kind, table AS a, name AS b FROM system.columns WHERE database = 'system' AND table IN (${list(PROBED_TABLES)})`,
      // Databases and names apart: 18.x's system.tables filters on database before anything else.
      ...(split.length
        ? [
            `SELECT 'table' AS kind, database AS a, name AS b FROM system.tables WHERE database IN (${list([...new Set(split.map(([d]) => d))])}) AND name IN (${list(
              [...new Set(split.map(([, n]) => n))],
            )})`,
          ]
        : []),
    ].join(' UNION ALL ')
  },
})

/** The "database.table" names of a probe's table rows that were asked for. */
export const probedTables = (rows: readonly {kind: string; a: string; b: string}[], asked: readonly string[]): Set<string> => {
  const wanted = new Set(asked)
  return new Set(rows.filter((r) => r.kind === 'table' && wanted.has(`${r.a}.${r.b}`)).map((r) => `${r.a}.${r.b}`))
}
