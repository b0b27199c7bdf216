import {Session} from 'chdb'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {STATEMENT_SAMPLES, S} from '../../src/gateways/statements.js'

/**
 * Every statement remediation sends parses on a modern ClickHouse (chdb, 26.x in-process), and
 * runs there when it can without Keeper; the lab's 18.16 runs each for real in the runbook drills.
 */
let session: Session
beforeAll(() => {
  session = new Session()
  session.query('CREATE DATABASE IF NOT EXISTS signoz_logs')
  session.query(
    'CREATE TABLE signoz_logs.logs_v2 (timestamp UInt64, body String) ENGINE = MergeTree PARTITION BY toDate(intDiv(timestamp, 1000000000)) ORDER BY timestamp',
  )
})
afterAll(() => session?.cleanup())

/** Statements that need a replicated table or a cluster (no Keeper, no remote_servers in chdb): parsed only. */
const PARSE_ONLY = new Set([S.restartReplica.name, S.dropPartition.name])

describe('remediation statements on modern ClickHouse (chdb)', () => {
  test('every statement has a sample', () => {
    expect(new Set(STATEMENT_SAMPLES.map((s) => s.statement.name))).toEqual(new Set(Object.values(S).map((s) => s.name)))
  })
  for (const {statement, params} of STATEMENT_SAMPLES) {
    const sql = statement.sql(params as never)
    test(`${statement.name}: ${sql}`, () => {
      expect(() => session.query(`EXPLAIN AST ${sql}`, 'TSV')).not.toThrow()
      if (!PARSE_ONLY.has(statement.name)) expect(() => session.query(sql, 'TSV')).not.toThrow()
    })
  }
  test('a broken statement is caught', () => {
    expect(() => session.query('EXPLAIN AST SYSTEM STRT MERGES', 'TSV')).toThrow(/Syntax error/)
  })
})
