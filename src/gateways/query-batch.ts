import {ident} from './sql.js'

/**
 * How a column of a named query comes back: text, a number, or a number that may be NULL.
 * Declared so that several queries can travel in one statement (below) and be read back as
 * the rows each would have answered alone.
 */
export type ColumnKind = 'string' | 'number' | 'nullable-number'

export type Columns = Readonly<Record<string, ColumnKind>>

/** One query of a batch: its SQL for this host and the columns it answers. */
export interface BatchItem {
  sql: string
  columns: Columns
}

/** A row of a batch statement: which item (q), the row's place in that item's answer (n), its values as text (v). */
export interface BatchRow {
  q: number
  n: number
  v: string[]
}

/** NULL travels as this; no column of ours is ever the empty string where it may also be NULL. */
const NULL_TEXT = ''

function asText(column: string, kind: ColumnKind): string {
  const c = ident(column)
  // CAST, not toString: toString keeps LowCardinality, and the branches' arrays must share one type.
  if (kind === 'string') return `CAST(${c} AS String)`
  if (kind === 'number') return `toString(${c})`
  return `ifNull(toString(${c}), ${`'${NULL_TEXT}'`})`
}

/**
 * Several queries to one host as one statement: each query becomes a branch of a UNION ALL that
 * answers (its index, the row's number, its values as an array of text), so every branch has the
 * same shape whatever the query's columns. Each query keeps its own WHERE, ORDER BY and LIMIT
 * inside its subquery. Works on 18.16 and 26.x alike.
 */
export const batchSql = (items: readonly BatchItem[]): string =>
  items
    .map(
      (item, i) =>
        `SELECT toUInt16(${i}) AS q, toUInt64(rowNumberInAllBlocks()) AS n, [${Object.entries(item.columns)
          .map(([column, kind]) => asText(column, kind))
          .join(', ')}] AS v FROM (${item.sql})`,
    )
    .join(' UNION ALL ')

function fromText(text: string, kind: ColumnKind): string | number | null {
  if (kind === 'string') return text
  if (kind === 'nullable-number' && text === NULL_TEXT) return null
  // Bool columns of newer servers print as true/false; JSON would have given booleans, which read the same.
  if (text === 'true') return 1
  if (text === 'false') return 0
  return Number(text)
}

/** The rows each item would have answered alone, in its order. */
export function splitBatch(items: readonly BatchItem[], rows: readonly BatchRow[]): Record<string, unknown>[][] {
  const answers = items.map(() => [] as {n: number; row: Record<string, unknown>}[])
  for (const r of rows) {
    const item = items[r.q]
    if (!item) continue
    const row: Record<string, unknown> = {}
    Object.entries(item.columns).forEach(([column, kind], i) => (row[column] = fromText(r.v[i] ?? NULL_TEXT, kind)))
    answers[r.q]!.push({n: Number(r.n), row})
  }
  return answers.map((a) => a.sort((x, y) => x.n - y.n).map((x) => x.row))
}
