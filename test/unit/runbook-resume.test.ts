import {expect, test} from 'vitest'
import {Journal, type JournalEntry} from '../../src/remediation/journal.js'
import {RESUME_WITHIN_MS, unfinishedRun} from '../../src/remediation/runbook-plan.js'
import {freshStateDirEachTest} from '../helpers/state-dir.js'

freshStateDirEachTest('signoz-ha-resume-')

const run = (events: Omit<JournalEntry, 'at'>[]) => {
  const journal = Journal.create('runbook-clickhouse-rolling-restart')
  journal.append({event: 'plan', plan: 'runbook-clickhouse-rolling-restart', params: {targets: {'1': {hosts: ['a']}}}})
  for (const e of events) journal.append(e)
  return journal.id
}

test('a run killed mid-way (its journal still running), interrupted or failed is continued with its targets', () => {
  for (const events of [[{event: 'backup' as const, step: 'restart-a'}], [{event: 'interrupted' as const}], [{event: 'failed' as const, step: 'restart-a'}]]) {
    const id = run(events)
    expect(unfinishedRun('runbook-clickhouse-rolling-restart')).toEqual({journal: id, targets: {'1': {hosts: ['a']}}})
  }
})

test('a finished run is not continued, nor one older than a day', () => {
  run([{event: 'finished'}])
  expect(unfinishedRun('runbook-clickhouse-rolling-restart')).toBeUndefined()
  run([{event: 'backup', step: 'restart-a'}])
  expect(unfinishedRun('runbook-clickhouse-rolling-restart', Date.now() + RESUME_WITHIN_MS + 60_000)).toBeUndefined()
  expect(unfinishedRun('runbook-other')).toBeUndefined()
})
