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

/** A row of a batch statement: which item (_batch_q), its values as text (_batch_v); rows of an item arrive in its order. */
export interface BatchRow {
  _batch_q: number
  _batch_v: string[]
}

/** NULL travels as this; no column of ours is ever the empty string where it may also be NULL. */
const NULL_TEXT = ''

/** An expression of a column's kind as text. CAST, not toString, for text: toString keeps LowCardinality, and the branches' arrays must share one type. */
function asText(expression: string, kind: ColumnKind): string {
  if (kind === 'string') return `CAST(${expression} AS String)`
  if (kind === 'number') return `toString(${expression})`
  return `ifNull(toString(${expression}), '${NULL_TEXT}')`
}

/**
 * Where sep occurs at the top level of sql: outside quotes ('…', "…", `…`), parentheses and
 * brackets. Our own SQL, so the separators are written as the queries write them.
 */
function topLevel(sql: string, sep: string): number[] {
  const at: number[] = []
  let depth = 0
  let quote = ''
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!
    if (quote) {
      if (c === '\\') i++
      else if (c === quote) quote = ''
      continue
    }
    if (c === "'" || c === '"' || c === '`') quote = c
    else if (c === '(' || c === '[') depth++
    else if (c === ')' || c === ']') depth--
    else if (depth === 0 && sql.startsWith(sep, i)) at.push(i)
  }
  return at
}

function splitTopLevel(sql: string, sep: string): string[] {
  const parts: string[] = []
  let from = 0
  for (const i of topLevel(sql, sep)) {
    parts.push(sql.slice(from, i))
    from = i + sep.length
  }
  return [...parts, sql.slice(from)]
}

/**
 * One query as branches of the batch with its select list written into the batch's array, no
 * subquery: 18.16 analyses a subquery twice, about 0.3 ms per query on every host. Each branch
 * keeps its own FROM, WHERE, GROUP BY, ORDER BY and LIMIT, and the aliases of its list (ClickHouse
 * resolves an alias wherever it is defined). undefined when the SQL is not a plain SELECT (or UNION
 * ALL of them) listing exactly the declared columns: that query goes in a subquery.
 */
function inlined(item: BatchItem, index: number): string | undefined {
  const kinds = Object.values(item.columns)
  const branches: string[] = []
  for (const select of splitTopLevel(item.sql.trim(), ' UNION ALL ')) {
    const head = /^SELECT (DISTINCT )?/.exec(select)
    if (!head) return undefined
    const body = select.slice(head[0].length)
    // Without FROM (system.one), only a bare list: a clause after it would read as part of its last column.
    const from = topLevel(body, ' FROM ')[0] ?? (/ (WHERE|GROUP BY|HAVING|ORDER BY|LIMIT|SETTINGS|FORMAT) /i.test(body) ? undefined : body.length)
    if (from === undefined) return undefined
    const list = splitTopLevel(body.slice(0, from), ',').map((e) => e.trim())
    // An asterisk's columns are not the list's to count.
    if (list.length !== kinds.length || list.some((e) => !e || e === '*' || e.endsWith('.*') || /^COLUMNS\(/i.test(e))) return undefined
    branches.push(
      `SELECT ${head[1] ?? ''}toUInt16(${index}) AS _batch_q, [${list.map((e, k) => asText(`(${e})`, kinds[k]!)).join(', ')}] AS _batch_v${body.slice(from)}`,
    )
  }
  return branches.join(' UNION ALL ')
}

/** One query as a branch reading its answer as a subquery: for SQL that inlined() does not take apart. */
const wrapped = (item: BatchItem, index: number): string =>
  `SELECT toUInt16(${index}) AS _batch_q, [${Object.entries(item.columns)
    .map(([column, kind]) => asText(ident(column), kind))
    .join(', ')}] AS _batch_v FROM (${item.sql})`

/**
 * Several queries to one host as one statement: each query becomes one or more branches of a
 * UNION ALL answering (its index, its values as an array of text), so every branch has the same
 * shape whatever the query's columns. A branch's rows come in the branch's order (the fleet reads
 * on one thread). Works on 18.16 and 26.x alike.
 */
export const batchSql = (items: readonly BatchItem[]): string => items.map((item, i) => inlined(item, i) ?? wrapped(item, i)).join(' UNION ALL ')

function fromText(text: string, kind: ColumnKind): string | number | null {
  if (kind === 'string') return text
  if (kind === 'nullable-number' && text === NULL_TEXT) return null
  // Bool columns of newer servers print as true/false; JSON would have given booleans, which read the same.
  if (text === 'true') return 1
  if (text === 'false') return 0
  return Number(text)
}

/** The rows each item would have answered alone, in the order they came. */
export function splitBatch(items: readonly BatchItem[], rows: readonly BatchRow[]): Record<string, unknown>[][] {
  const answers = items.map(() => [] as Record<string, unknown>[])
  for (const r of rows) {
    const item = items[r._batch_q]
    if (!item) continue
    const row: Record<string, unknown> = {}
    Object.entries(item.columns).forEach(([column, kind], i) => (row[column] = fromText(r._batch_v[i] ?? NULL_TEXT, kind)))
    answers[r._batch_q]!.push(row)
  }
  return answers
}
