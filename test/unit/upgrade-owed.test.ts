import {describe, expect, test} from 'vitest'
import {rollbackOwed} from '../../src/cli/upgrade-command.js'
import {Journal, type JournalEntry} from '../../src/remediation/journal.js'
import {freshStateDirEachTest} from '../helpers/state-dir.js'

/** An upgrade journal of release signoz in platform from revision 3, with these events after its plan. */
function upgradeRun(events: Omit<JournalEntry, 'at'>[]): string {
  const journal = Journal.create('upgrade')
  journal.append({event: 'plan', plan: 'upgrade', params: {request: {release: 'signoz'}, namespace: 'platform', fromRevision: 3}})
  for (const e of events) journal.append(e)
  return journal.id
}
const revisions = (...statuses: [number, string, string?][]) =>
  statuses.map(([revision, status, description]) => ({revision, status, chart: 'signoz-0.113.0', app_version: 'v0.113.0', description}))

describe('an upgrade killed between its failure and its rollback', () => {
  freshStateDirEachTest('signoz-ha-owed-')

  test("Helm's step failed, nothing rolled back yet: the rollback to the revision it came from is owed", () => {
    const id = upgradeRun([{event: 'failed', step: 'helm-upgrade', error: 'job failed: BackoffLimitExceeded'}])
    expect(rollbackOwed('signoz', 'platform', revisions([3, 'deployed'], [4, 'failed']))).toEqual({
      journal: id,
      fromRevision: 3,
      failure: 'helm upgrade failed: job failed: BackoffLimitExceeded',
      helmRolledBack: false,
    })
  })

  test('the postflight failed after a clean Helm step: owed as well, with its reason', () => {
    upgradeRun([
      {event: 'verify', step: 'helm-upgrade', ok: true},
      {event: 'finished'},
      {event: 'verify', step: 'postflight', ok: false, message: 'failing: signoz/ingestion-fresh'},
    ])
    expect(rollbackOwed('signoz', 'platform', revisions([3, 'superseded'], [4, 'deployed']))).toMatchObject({
      failure: 'postflight failing: signoz/ingestion-fresh',
      helmRolledBack: false,
    })
  })

  test("Helm's rollback had finished when the run died: only its verification is owed, not a second rollback", () => {
    upgradeRun([{event: 'failed', step: 'helm-upgrade', error: 'x'}])
    expect(rollbackOwed('signoz', 'platform', revisions([3, 'superseded'], [4, 'failed'], [5, 'deployed', 'Rollback to 3']))).toMatchObject({
      helmRolledBack: true,
    })
  })

  test('nothing is owed once rolled back, when the run chose not to, when it changed nothing, or when the release moved on', () => {
    const history = revisions([3, 'deployed'], [4, 'failed'])
    upgradeRun([
      {event: 'failed', step: 'helm-upgrade', error: 'x'},
      {event: 'undo', step: 'helm-upgrade'},
    ])
    expect(rollbackOwed('signoz', 'platform', history)).toBeUndefined()
    upgradeRun([
      {event: 'failed', step: 'helm-upgrade', error: 'x'},
      {event: 'skip', step: 'rollback'},
    ])
    expect(rollbackOwed('signoz', 'platform', history)).toBeUndefined()
    upgradeRun([
      {event: 'failed', step: 'helm-upgrade', error: 'x'},
      {event: 'interrupted', step: 'helm-upgrade'},
    ])
    expect(rollbackOwed('signoz', 'platform', history)).toBeUndefined()
    upgradeRun([{event: 'failed', step: 'helm-upgrade', error: 'x'}])
    expect(rollbackOwed('signoz', 'platform', revisions([3, 'superseded'], [4, 'failed'], [5, 'deployed', 'Upgrade complete']))).toBeUndefined()
    expect(rollbackOwed('other', 'platform', history)).toBeUndefined()
    expect(rollbackOwed('signoz', 'elsewhere', history)).toBeUndefined()
  })

  test('a clean upgrade owes nothing', () => {
    upgradeRun([{event: 'verify', step: 'helm-upgrade', ok: true}, {event: 'finished'}, {event: 'verify', step: 'postflight', ok: true}])
    expect(rollbackOwed('signoz', 'platform', revisions([3, 'superseded'], [4, 'deployed']))).toBeUndefined()
  })
})
