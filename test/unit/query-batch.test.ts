import {describe, expect, test} from 'vitest'
import {whenAllAborted} from '../../src/gateways/clickhouse-fleet.js'
import {batchSql, splitBatch, tupleElements, type BatchItem} from '../../src/gateways/query-batch.js'

const items: BatchItem[] = [
  {sql: 'SELECT name FROM system.databases ORDER BY name', columns: {name: 'string'}},
  {sql: "SELECT 'logs' AS signal, count() AS rows, NULL AS age FROM system.one", columns: {signal: 'string', rows: 'number', age: 'nullable-number'}},
]

describe('queries to one host as one statement', () => {
  test("each query's select list written into the batch's tuple (index, values as one text), its own FROM, ORDER BY and aliases kept", () => {
    const sql = batchSql(items)
    expect(sql.split(' UNION ALL ')).toEqual([
      'SELECT toUInt16(0) AS _batch_q, toString(tuple((name))) AS _batch_v FROM system.databases ORDER BY name',
      "SELECT toUInt16(1) AS _batch_q, toString(tuple(('logs' AS signal), (count() AS rows), (NULL AS age))) AS _batch_v FROM system.one",
    ])
  })

  test('a UNION ALL becomes branches of the same index; DISTINCT stays; commas and keywords inside quotes, calls and arrays do not split', () => {
    const sql = batchSql([
      {
        sql: "SELECT DISTINCT concat('a, b', x) AS s, [1, 2][1] AS n FROM t WHERE y = ' FROM ' UNION ALL SELECT 'UNION ALL' AS s, f(1, (2, 3)) AS n FROM u",
        columns: {s: 'string', n: 'number'},
      },
    ])
    expect(sql.split(' UNION ALL SELECT ')).toEqual([
      "SELECT DISTINCT toUInt16(0) AS _batch_q, toString(tuple((concat('a, b', x) AS s), ([1, 2][1] AS n))) AS _batch_v FROM t WHERE y = ' FROM '",
      "toUInt16(0) AS _batch_q, toString(tuple(('UNION ALL' AS s), (f(1, (2, 3)) AS n))) AS _batch_v FROM u",
    ])
  })

  test('a query taken apart once is written with the index of its place in each batch (every host is sent the same SQL)', () => {
    const [a, b] = items
    expect(batchSql([a!, b!]).split(' UNION ALL ')[1]).toMatch(/^SELECT toUInt16\(1\) AS _batch_q, /)
    expect(batchSql([b!]).split(' UNION ALL ')[0]).toMatch(/^SELECT toUInt16\(0\) AS _batch_q, /)
    const union = {sql: 'SELECT 1 AS n FROM t UNION ALL SELECT 2 AS n FROM u', columns: {n: 'number' as const}}
    expect(batchSql([a!, a!, union])).toBe(
      `${batchSql([a!])} UNION ALL ${batchSql([a!]).replace('toUInt16(0)', 'toUInt16(1)')} UNION ALL SELECT toUInt16(2) AS _batch_q, toString(tuple((1 AS n))) AS _batch_v FROM t UNION ALL SELECT toUInt16(2) AS _batch_q, toString(tuple((2 AS n))) AS _batch_v FROM u`,
    )
  })

  test('SQL that is not a plain SELECT of the declared columns goes in a subquery, identifiers quoted', () => {
    expect(batchSql([{sql: 'SELECT * FROM system.one', columns: {dummy: 'number'}}])).toBe(
      'SELECT toUInt16(0) AS _batch_q, toString(tuple(`dummy`)) AS _batch_v FROM (SELECT * FROM system.one)',
    )
    expect(batchSql([{sql: 'SELECT 1 AS a LIMIT 1', columns: {a: 'number'}}])).toBe(
      'SELECT toUInt16(0) AS _batch_q, toString(tuple(`a`)) AS _batch_v FROM (SELECT 1 AS a LIMIT 1)',
    )
    // Without FROM and without clauses: written in too.
    expect(batchSql([{sql: 'SELECT version() AS v, 1 AS a', columns: {v: 'string', a: 'number'}}])).toBe(
      'SELECT toUInt16(0) AS _batch_q, toString(tuple((version() AS v), (1 AS a))) AS _batch_v',
    )
    expect(batchSql([{sql: 'WITH 1 AS x SELECT x AS a FROM system.one', columns: {a: 'number'}}])).toMatch(
      /FROM \(WITH 1 AS x SELECT x AS a FROM system\.one\)$/,
    )
  })

  test('rows go back to their query, in the order they came, numbers as numbers, NULL as null, Bool as 0/1', () => {
    const split = splitBatch(items, [
      {_batch_q: 0, _batch_v: "('default')"},
      {_batch_q: 1, _batch_v: "('logs',12,NULL)"},
      {_batch_q: 0, _batch_v: "('system')"},
      {_batch_q: 1, _batch_v: "('traces',true,3)"},
      {_batch_q: 7, _batch_v: "('from nowhere')"},
    ])
    expect(split).toEqual([
      [{name: 'default'}, {name: 'system'}],
      [
        {signal: 'logs', rows: 12, age: null},
        {signal: 'traces', rows: 1, age: 3},
      ],
    ])
  })

  test('a query that answered no row answers an empty list', () => {
    expect(splitBatch(items, [{_batch_q: 0, _batch_v: "('default')"}])).toEqual([[{name: 'default'}], []])
  })

  test('a tuple as ClickHouse prints it: escapes, quotes and commas inside strings, NULL, nested values, special numbers', () => {
    // Printed by 18.16 and by chdb's 26.7 alike for these values.
    expect(tupleElements("('a\\'b\\n\\t\\\\\\0\u0001\\b\\f\\ré\"')")).toEqual(['a\'b\n\t\\\0\u0001\b\f\ré"'])
    expect(tupleElements("('x')")).toEqual(['x'])
    expect(tupleElements("('',' , ',NULL,1.5,nan,-inf,18446744073709551615,'2026-01-01 00:00:00',[1,2],(1,'a,)'),true)")).toEqual([
      '',
      ' , ',
      null,
      '1.5',
      'nan',
      '-inf',
      '18446744073709551615',
      '2026-01-01 00:00:00',
      '[1,2]',
      "(1,'a,)')",
      'true',
    ])
    expect(tupleElements("('\\x41')")).toEqual(['A'])
    expect(tupleElements("('\\\\','it\\'s',NULL,'\\'')")).toEqual(['\\', "it's", null, "'"])
    expect(() => tupleElements("('unterminated)")).toThrow(/not a tuple/)
    expect(() => tupleElements('[1,2]')).toThrow(/not a tuple/)
  })

  test('NULL where a column is not nullable reads as it did through the casts: empty text, zero', () => {
    const [row] = splitBatch([{sql: '', columns: {s: 'string', n: 'number', m: 'nullable-number'}}], [{_batch_q: 0, _batch_v: '(NULL,NULL,NULL)'}])
    expect(row).toEqual([{s: '', n: 0, m: null}])
  })
})

describe('a batch serving several checks', () => {
  test('is aborted only when every check has given up', () => {
    const [a, b] = [new AbortController(), new AbortController()]
    const both = whenAllAborted([a.signal, b.signal])!
    a.abort()
    expect(both.aborted).toBe(false)
    b.abort()
    expect(both.aborted).toBe(true)
    expect(whenAllAborted([a.signal, undefined])).toBeUndefined()
    expect(whenAllAborted([a.signal])!.aborted).toBe(true)
  })
})
