import {describe, expect, test} from 'vitest'
import {whenAllAborted} from '../../src/gateways/clickhouse-fleet.js'
import {batchSql, splitBatch, type BatchItem} from '../../src/gateways/query-batch.js'

const items: BatchItem[] = [
  {sql: 'SELECT name FROM system.databases ORDER BY name', columns: {name: 'string'}},
  {sql: "SELECT 'logs' AS signal, count() AS rows, NULL AS age FROM system.one", columns: {signal: 'string', rows: 'number', age: 'nullable-number'}},
]

describe('queries to one host as one statement', () => {
  test('each query a branch of its own, answering (index, row number, values as text); identifiers quoted', () => {
    const sql = batchSql(items)
    expect(sql.split(' UNION ALL ')).toEqual([
      'SELECT toUInt16(0) AS q, toUInt64(rowNumberInAllBlocks()) AS n, [CAST(`name` AS String)] AS v FROM (SELECT name FROM system.databases ORDER BY name)',
      "SELECT toUInt16(1) AS q, toUInt64(rowNumberInAllBlocks()) AS n, [CAST(`signal` AS String), toString(`rows`), ifNull(toString(`age`), '')] AS v FROM (SELECT 'logs' AS signal, count() AS rows, NULL AS age FROM system.one)",
    ])
  })

  test("rows go back to their query, in the query's order, numbers as numbers, NULL as null, Bool as 0/1", () => {
    const split = splitBatch(items, [
      {q: 0, n: 1, v: ['system']},
      {q: 1, n: 0, v: ['logs', '12', '']},
      {q: 0, n: 0, v: ['default']},
      {q: 1, n: 1, v: ['traces', 'true', '3']},
      {q: 7, n: 0, v: ['from nowhere']},
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
    expect(splitBatch(items, [{q: 0, n: 0, v: ['default']}])).toEqual([[{name: 'default'}], []])
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
