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

/** A row of a batch statement: which item (_batch_q), its values as one tuple printed as text (_batch_v); rows of an item arrive in its order. */
export interface BatchRow {
  _batch_q: number
  _batch_v: string
}

/**
 * A branch's values as one text: the tuple of its columns printed as ClickHouse prints a tuple
 * ("('a\\'b',12,NULL)", the same on 18.16 and 26.x). One function per row instead of a cast per
 * column: on 18.16 each function of the select list costs analysis on every host, and the
 * conversions made up about 15 % of a batch's server CPU.
 */
const asTuple = (expressions: readonly string[]): string => `toString(tuple(${expressions.join(', ')}))`

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
 * Taking a query apart costs a scan of its SQL; every host of a run is sent the same SQL, so the
 * parts around the branch's index are kept (null: not a plain SELECT, goes in a subquery).
 */
const INLINED = new Map<string, readonly string[] | null>()

/**
 * One query as branches of the batch with its select list written into the batch's tuple, no
 * subquery: 18.16 analyses a subquery twice, about 0.3 ms per query on every host. Each branch
 * keeps its own FROM, WHERE, GROUP BY, ORDER BY and LIMIT, and the aliases of its list (ClickHouse
 * resolves an alias wherever it is defined). undefined when the SQL is not a plain SELECT (or UNION
 * ALL of them) listing exactly the declared columns: that query goes in a subquery.
 */
function inlined(item: BatchItem, index: number): string | undefined {
  const key = `${Object.keys(item.columns).length}:${item.sql}`
  let pieces = INLINED.get(key)
  if (pieces === undefined) {
    pieces = inlinedPieces(item)
    // Named queries' SQL is a small set; params that vary (task names) are few per run.
    if (INLINED.size >= 500) INLINED.clear()
    INLINED.set(key, pieces)
  }
  return pieces?.join(String(index))
}

/** The batch branches of a query, as the text between the places its index goes. */
function inlinedPieces(item: BatchItem): string[] | null {
  const count = Object.keys(item.columns).length
  const pieces: string[] = []
  let after = ''
  for (const select of splitTopLevel(item.sql.trim(), ' UNION ALL ')) {
    const head = /^SELECT (DISTINCT )?/.exec(select)
    if (!head) return null
    const body = select.slice(head[0].length)
    // Without FROM (system.one), only a bare list: a clause after it would read as part of its last column.
    const from = topLevel(body, ' FROM ')[0] ?? (/ (WHERE|GROUP BY|HAVING|ORDER BY|LIMIT|SETTINGS|FORMAT) /i.test(body) ? undefined : body.length)
    if (from === undefined) return null
    const list = splitTopLevel(body.slice(0, from), ',').map((e) => e.trim())
    // An asterisk's columns are not the list's to count.
    if (list.length !== count || list.some((e) => !e || e === '*' || e.endsWith('.*') || /^COLUMNS\(/i.test(e))) return null
    pieces.push(`${after}SELECT ${head[1] ?? ''}toUInt16(`)
    after = `) AS _batch_q, ${asTuple(list.map((e) => `(${e})`))} AS _batch_v${body.slice(from)} UNION ALL `
  }
  pieces.push(after.slice(0, -' UNION ALL '.length))
  return pieces
}

/** One query as a branch reading its answer as a subquery: for SQL that inlined() does not take apart. */
const wrapped = (item: BatchItem, index: number): string =>
  `SELECT toUInt16(${index}) AS _batch_q, ${asTuple(Object.keys(item.columns).map(ident))} AS _batch_v FROM (${item.sql})`

/**
 * Several queries to one host as one statement: each query becomes one or more branches of a
 * UNION ALL answering (its index, its values as one text), so every branch has the same
 * shape whatever the query's columns. A branch's rows come in the branch's order (the fleet reads
 * on one thread). Works on 18.16 and 26.x alike.
 */
export const batchSql = (items: readonly BatchItem[]): string => items.map((item, i) => inlined(item, i) ?? wrapped(item, i)).join(' UNION ALL ')

/** What a backslash escape in ClickHouse's quoted text stands for; any other escaped character stands for itself. */
const ESCAPES: Readonly<Record<string, string>> = {n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '0': '\0', a: '\x07', v: '\v', e: '\x1b'}

/** The end of a bare element (number, NULL, nan, true, or a nested array or tuple): the next comma outside brackets and quotes. */
function bareEnd(text: string, from: number, end: number): number {
  let depth = 0
  for (let i = from; i < end; i++) {
    const c = text[i]
    if (c === "'") {
      for (i++; i < end && text[i] !== "'"; i++) if (text[i] === '\\') i++
    } else if (c === '(' || c === '[') depth++
    else if (c === ')' || c === ']') depth--
    else if (c === ',' && depth === 0) return i
  }
  return end
}

/**
 * The elements of a tuple as ClickHouse prints it: quoted strings unescaped, NULL as null, every
 * other element as its text. Throws on text that is not a tuple.
 */
export function tupleElements(text: string): (string | null)[] {
  const end = text.length - 1
  if (text[0] !== '(' || text[end] !== ')') throw new Error(`not a tuple: ${text.slice(0, 80)}`)
  const out: (string | null)[] = []
  let i = 1
  let backslash = -1
  while (i < end) {
    if (text[i] === "'") {
      // From escape to escape, then to the closing quote (indexOf, not a loop per character).
      let value = ''
      let from = ++i
      for (;;) {
        if (backslash < from) backslash = text.indexOf('\\', from)
        const quote = text.indexOf("'", from)
        if (quote === -1) throw new Error(`not a tuple: ${text.slice(0, 80)}`)
        if (backslash === -1 || backslash > quote) {
          out.push(value + text.slice(from, quote))
          i = quote + 1
          break
        }
        const c = text[backslash + 1] ?? ''
        value += text.slice(from, backslash) + (c === 'x' ? String.fromCharCode(parseInt(text.slice(backslash + 2, backslash + 4), 16)) : (ESCAPES[c] ?? c))
        from = backslash + (c === 'x' ? 4 : 2)
      }
    } else {
      const stop = bareEnd(text, i, end)
      const token = text.slice(i, stop)
      out.push(token === 'NULL' ? null : token)
      i = stop
    }
    if (text[i] === ',') i++
  }
  return out
}

function fromText(text: string | null, kind: ColumnKind): string | number | null {
  if (text === null) return kind === 'nullable-number' ? null : kind === 'string' ? '' : 0
  if (kind === 'string') return text
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
    const values = tupleElements(r._batch_v)
    const row: Record<string, unknown> = {}
    Object.entries(item.columns).forEach(([column, kind], i) => (row[column] = fromText(values[i] ?? null, kind)))
    answers[r._batch_q]!.push(row)
  }
  return answers
}
