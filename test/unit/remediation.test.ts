import {appendFileSync} from 'node:fs'
import {describe, expect, test} from 'vitest'
import {AbortedError} from '../../src/core/errors.js'
import type {Action, Plan} from '../../src/remediation/action.js'
import {runPlan, undoRun} from '../../src/remediation/engine.js'
import {confirmSteps} from '../../src/remediation/guard.js'
import {Journal} from '../../src/remediation/journal.js'
import {redact} from '../../src/remediation/redact.js'
import {chooseActive, type InstallationEvidence} from '../../src/signoz/duplicate.js'
import {freshStateDirEachTest} from '../helpers/state-dir.js'

describe('redact', () => {
  test('secret keys, secret env entries, Secret data, CHI user passwords and URL passwords', () => {
    const out = redact({
      password: 'p1',
      env: [
        {name: 'CLICKHOUSE_PASSWORD', value: 'p2'},
        {name: 'CLICKHOUSE_HOST', value: 'ch'},
      ],
      secret: {kind: 'Secret', data: {key: 'cDM='}},
      users: {'admin/password': 'p4', 'admin/profile': 'default'},
      dsn: 'tcp://admin:p5@ch:9000',
    })
    expect(JSON.stringify(out)).not.toMatch(/p1|p2|cDM=|p4|p5/)
    expect(out.env[1]).toEqual({name: 'CLICKHOUSE_HOST', value: 'ch'})
    expect(out.users['admin/profile']).toBe('default')
    expect(out.dsn).toBe('tcp://admin:[redacted]@ch:9000')
  })
})

const step = (id: string, safety: Action<unknown>['safety'] = 'safe'): Action<unknown> => ({
  id,
  title: id,
  safety,
  done: async () => false,
  preview: async () => [],
  backup: async () => ({}),
  apply: async () => {},
  verify: async () => ({ok: true, message: ''}),
  undo: async () => {},
})

describe('confirmation guard', () => {
  const never = async () => {
    throw new Error('must not ask')
  }
  test('no terminal: --yes required, destructive also needs --allow-destructive', async () => {
    await expect(confirmSteps([step('a')], {yes: false, allowDestructive: false, tty: false, ask: never})).rejects.toBeInstanceOf(AbortedError)
    await expect(confirmSteps([step('a')], {yes: true, allowDestructive: false, tty: false, ask: never})).resolves.toBeUndefined()
    await expect(confirmSteps([step('d', 'destructive')], {yes: true, allowDestructive: false, tty: false, ask: never})).rejects.toThrow(/destructive/)
  })
  test('on a terminal: one prompt, and the name typed back for a destructive step', async () => {
    const answers =
      (...a: string[]) =>
      async () =>
        a.shift() ?? ''
    await expect(confirmSteps([step('a')], {yes: false, allowDestructive: false, tty: true, ask: answers('n')})).rejects.toThrow(/refused/)
    const d = {...step('d', 'destructive'), confirmName: 'chi-x'}
    await expect(confirmSteps([d], {yes: false, allowDestructive: false, tty: true, ask: answers('y', 'chi-y')})).rejects.toThrow(/not chi-x/)
    await expect(confirmSteps([d], {yes: false, allowDestructive: false, tty: true, ask: answers('y', 'chi-x')})).resolves.toBeUndefined()
  })
})

describe('engine and journal', () => {
  freshStateDirEachTest('signoz-ha-unit-')

  test('steps already done are skipped, a failed verification stops the run, undo goes last first', async () => {
    const log: string[] = []
    const world = {a: false, b: false}
    const mk = (id: 'a' | 'b', verifies = true): Action<typeof world> => ({
      ...(step(id) as Action<typeof world>),
      done: async (w) => w[id],
      backup: async (w) => ({was: w[id]}),
      apply: async (w) => {
        w[id] = true
        log.push(`apply ${id}`)
      },
      verify: async () => ({ok: verifies, message: verifies ? 'ok' : 'no'}),
      undo: async (w, backup) => {
        w[id] = backup.was as boolean
        log.push(`undo ${id}`)
      },
    })
    const plan: Plan<typeof world> = {id: 'p', title: 'p', params: {}, actions: [mk('a'), mk('b', false)]}
    const journal = Journal.create('p')
    const first = await runPlan(plan, world, {journal, progress: () => {}, interrupted: () => false})
    expect(first).toMatchObject({status: 'failed', applied: ['a', 'b'], failedStep: 'b'})
    const again = await runPlan(plan, world, {journal: Journal.create('p'), progress: () => {}, interrupted: () => false})
    expect(again).toMatchObject({status: 'no-op', skipped: ['a', 'b']})
    expect(await undoRun(plan, world, {journal, progress: () => {}})).toEqual(['b', 'a'])
    expect(world).toEqual({a: false, b: false})
    expect(log).toEqual(['apply a', 'apply b', 'undo b', 'undo a'])
    expect(
      Journal.list()
        .map((j) => j.status)
        .sort(),
    ).toEqual(['finished', 'undone'])
  })

  test('a torn line (a kill mid-append) is dropped; the next entry starts a line of its own', async () => {
    const journal = Journal.create('p')
    journal.append({event: 'plan', plan: 'p', title: 'p', lease: {name: 'signoz-ha-x', holder: 'me@host pid 1 (signoz-ha fix x)'}})
    journal.append({event: 'apply', step: 'a'})
    appendFileSync(journal.path, '{"at":"2026-12-04T00:00:00Z","event":"ver')
    expect(journal.entries().map((e) => e.event)).toEqual(['plan', 'apply'])
    expect(journal.summary()).toMatchObject({status: 'running', applied: 1, holder: 'me@host pid 1 (signoz-ha fix x)'})
    journal.append({event: 'undone', step: 'a'})
    expect(journal.entries().map((e) => e.event)).toEqual(['plan', 'apply', 'undone'])
  })

  test('an interruption stops before the next step', async () => {
    let stop = false
    const plan: Plan<unknown> = {id: 'p', title: 'p', params: {}, actions: [{...step('a'), apply: async () => void (stop = true)}, step('b')]}
    const outcome = await runPlan(plan, {}, {journal: Journal.create('p'), progress: () => {}, interrupted: () => stop})
    expect(outcome).toMatchObject({status: 'interrupted', applied: ['a']})
  })
})

describe('which installation is real', () => {
  const inst = (name: string, o: Partial<InstallationEvidence>): InstallationEvidence => ({
    name,
    service: name,
    hosts: 4,
    readyHosts: 0,
    boundClaims: 0,
    namedByRelease: false,
    clients: [],
    ...o,
  })
  test('the one with the data, even when the release names the other', () => {
    const d = chooseActive([inst('new', {namedByRelease: true, clients: ['Deployment/c']}), inst('old', {rows: 1200, readyHosts: 4})])
    expect(d.ok && [d.active.name, d.duplicates.map((x) => x.name)]).toEqual(['old', ['new']])
  })
  test('two holding data is refused', () => {
    const d = chooseActive([inst('a', {rows: 1}), inst('b', {rows: 2})])
    expect(d).toMatchObject({ok: false})
    expect(!d.ok && d.reason).toMatch(/both hold SigNoz data/)
  })
  test('no data anywhere: ready hosts, then the release name', () => {
    const d = chooseActive([inst('a', {readyHosts: 0, namedByRelease: true}), inst('b', {readyHosts: 2})])
    expect(d.ok && d.active.name).toBe('b')
  })
})
