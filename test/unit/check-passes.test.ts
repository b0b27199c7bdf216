import {describe, expect, test} from 'vitest'
import type {Report} from '../../src/core/report.js'
import type {CheckResult} from '../../src/core/runner.js'
import {checkPasses, type RemedyContext} from '../../src/remediation/context.js'

/** A remedy context whose doctor answers with one result for the check asked. */
const answering = (result: Partial<CheckResult>) =>
  ({
    doctor: async (only: readonly string[]) =>
      ({results: [{id: only[0]!, title: '', severity: 'warning', status: 'pass', durationMs: 1, runbook: '', findings: [], ...result}]}) as unknown as Report,
  }) as unknown as RemedyContext

const onHost = (host: string) => (subject: string) => subject.split('/')[0] === host
const finding = (subject: string, ok: boolean) => ({subject, ok, message: ok ? 'fine' : 'lags'})

/** A step is done only when its settling check says so: never on silence. */
describe('checkPasses: what proves a remediation step done', () => {
  test('a passing check with a passing finding about the host', async () => {
    expect(
      await checkPasses(answering({findings: [finding('chi-0-1', true), finding('chi-1-1/db.t', false)]}), 'clickhouse/replication-lag', onHost('chi-0-1')),
    ).toBe(true)
  })

  test('a failing finding about the host is not done', async () => {
    expect(await checkPasses(answering({status: 'fail', findings: [finding('chi-0-1/db.t', false)]}), 'clickhouse/replication-lag', onHost('chi-0-1'))).toBe(
      false,
    )
  })

  test('a check skipped (nothing could be read) proves nothing', async () => {
    expect(await checkPasses(answering({status: 'skip', reason: 'no ClickHouse host answered'}), 'clickhouse/replication-lag')).toBe(false)
    expect(await checkPasses(answering({status: 'skip', reason: 'no ClickHouse host answered'}), 'clickhouse/replication-lag', onHost('chi-0-1'))).toBe(false)
  })

  test('a check in error proves nothing', async () => {
    expect(await checkPasses(answering({status: 'error', reason: 'timed out'}), 'clickhouse/replication-lag')).toBe(false)
  })

  test('a host the check said nothing about (not reached) is not proven', async () => {
    expect(await checkPasses(answering({findings: [finding('chi-0-0', true)]}), 'clickhouse/replication-lag', onHost('chi-0-1'))).toBe(false)
  })

  test('without subjects, the check status decides', async () => {
    expect(await checkPasses(answering({status: 'pass'}), 'signoz/migrations')).toBe(true)
    expect(await checkPasses(answering({status: 'fail'}), 'signoz/migrations')).toBe(false)
  })
})
