import {execFileSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, readdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {labKubectlBinary} from '../../src/lab/helm-binary.js'
import {byJournalId} from '../../src/remediation/journal.js'
import {runCliKilledWhen} from '../helpers/cli.js'
import {TestLab, notPassing, processesMentioning, remediationEnv, resultOf} from '../helpers/lab.js'

/**
 * kill -9 at every step of `fix duplicate-clickhouse --yes`: the process group (the CLI and the
 * Helm it runs, as when a laptop closes or an SSH session drops) is killed in the middle of each
 * step (its backup journalled, its change under way; for the Helm step, while the release is
 * pending-upgrade) and at each step boundary (its verification journalled). After each kill the
 * journal reads, a plain re-run converges to the end state of an uninterrupted run, what the
 * killed run applied is not applied again, and the Lease of the dead run is taken over.
 */
const lab = new TestLab()
const state = mkdtempSync(join(tmpdir(), 'signoz-ha-kill-'))
let env: NodeJS.ProcessEnv = {}
const journalDir = join(state, 'signoz-ha', 'journal')
const journals = () =>
  existsSync(journalDir)
    ? readdirSync(journalDir)
        .filter((f) => f.endsWith('.jsonl'))
        .map((f) => f.replace(/\.jsonl$/, ''))
        .sort(byJournalId)
    : []
/** A journal's events as `event:step`, read as a user's tools would (line by line, JSON). */
const events = (id: string) =>
  readFileSync(join(journalDir, `${id}.jsonl`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((l) => {
      try {
        const e = JSON.parse(l) as {event: string; step?: string}
        return [`${e.event}${e.step ? `:${e.step}` : ''}`]
      } catch {
        return []
      }
    })

/**
 * Runs args, killed with SIGKILL once the run's own journal (the first one new since the call)
 * holds event and also holds; that journal, and the journals there were before.
 */
async function killedAt(args: readonly string[], event: string, also: () => boolean = () => true) {
  const before = new Set(journals())
  const killedJournal = () => journals().find((id) => !before.has(id))
  const killed = await runCliKilledWhen(args, env, () => {
    const id = killedJournal()
    return id !== undefined && events(id).includes(event) && also()
  })
  return {killed, id: killedJournal()!, before}
}

const kubectl = (args: string[]) =>
  execFileSync(labKubectlBinary(31)!, ['--kubeconfig', lab.status.kubeconfig!, '-n', 'platform', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
/** Helm's own record: a release secret labelled status=pending-upgrade. */
const releasePending = () => kubectl(['get', 'secret', '-l', 'owner=helm,name=signoz,status=pending-upgrade', '-o', 'name']).trim() !== ''
const helmStatuses = () =>
  kubectl(['get', 'secret', '-l', 'owner=helm,name=signoz', '-o', 'jsonpath={.items[*].metadata.labels.status}']).split(' ').filter(Boolean)

/** What a finished fix leaves: one installation, the name pinned, doctor clean, no release pending. */
async function endState() {
  const {report} = await lab.doctor([], env)
  return {
    notPassing: notPassing(report),
    installations: kubectl(['get', 'chi', '-o', 'jsonpath={.items[*].metadata.name}']).split(' ').filter(Boolean).sort(),
    pinned: resultOf(report, 'helm/values-ha').findings.find((f) => f.subject === 'clickhouse.fullnameOverride')?.message,
    pending: helmStatuses().filter((s) => s.startsWith('pending')),
  }
}

let reference: Awaited<ReturnType<typeof endState>>
const STEPS = ['point-clients', 'pin-release', 'remove-signoz-clickhouse-v2']
/** The same remedy through its two doors: the fix and the runbook. */
const COMMANDS = [
  {
    name: 'fix duplicate-clickhouse',
    args: ['fix', 'duplicate-clickhouse', '--yes'],
    nothingLeft: /one ClickHouse installation \(signoz-clickhouse\) in platform: nothing to fix/,
  },
  {name: 'runbook run duplicate-clickhouse', args: ['runbook', 'run', 'duplicate-clickhouse', '--yes'], nothingLeft: /^nothing to do: /},
]

beforeAll(async () => {
  await lab.up(['--shards', '2', '--replicas', '2'])
  env = {KUBECONFIG: lab.status.kubeconfig, ...remediationEnv(state)}
})

afterAll(async () => {
  await lab.down()
  expect(processesMentioning(lab.dir)).toEqual([])
})

describe.each(COMMANDS)('$name, killed with SIGKILL', ({name, args, nothingLeft}) => {
  const escapedName = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  test('the uninterrupted run: its steps (the kill points) and its end state', async () => {
    await lab.break('duplicate-clickhouse')
    try {
      const r = await lab.cli(args, env)
      expect(r.code, r.stdout + r.stderr).toBe(0)
      const id = journals().at(-1)
      const plan = JSON.parse(readFileSync(join(journalDir, `${id}.jsonl`), 'utf8').split('\n')[0]!) as {event: string; steps: {id: string}[]}
      expect(plan.steps.map((x) => x.id)).toEqual(STEPS)
      expect(events(id!)).toContain('finished')
      const state = await endState()
      if (reference) expect(state).toEqual(reference)
      reference = state
      expect(reference).toMatchObject({
        notPassing: [],
        installations: ['signoz-clickhouse'],
        pinned: 'ClickHouse installation name pinned to signoz-clickhouse',
        pending: [],
      })
    } finally {
      await lab.heal('duplicate-clickhouse')
    }
  }, 240_000)

  const points = STEPS.flatMap((step) => [
    {step, at: 'in the middle of', event: `backup:${step}`},
    {step, at: 'after', event: `verify:${step}`},
  ])
  test.each(points)(
    'killed $at $step: the journal reads, a plain re-run converges, nothing is applied twice',
    async ({event}) => {
      await lab.break('duplicate-clickhouse')
      try {
        // For the Helm step, "in the middle" is while Helm has the release pending-upgrade (helm#4558's trap).
        const midHelm = event === 'backup:pin-release'
        const {killed, id: killedId, before} = await killedAt(args, event, () => !midHelm || releasePending())
        expect(killed.killed, `the run ended before ${event}: ${killed.stdout}${killed.stderr}`).toBe(true)
        const show = await lab.cli(['journal', 'show', killedId], env)
        expect(show.code, show.stderr).toBe(0)
        expect(show.stdout).toContain(`${killedId}: `)
        if (midHelm) expect(helmStatuses()).toContain('pending-upgrade')
        const applied = events(killedId)
          .filter((e) => e.startsWith('apply:'))
          .map((e) => e.slice('apply:'.length))

        const rerun = await lab.cli(args, env)
        expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0)
        const rerunId = journals().find((id) => !before.has(id) && id !== killedId)
        if (rerunId) {
          // The dead run's Lease is taken over at once (its process on this machine is gone), and let go at the end.
          expect(rerun.stderr).toMatch(
            new RegExp(`lease signoz-ha-signoz: taken over from \\S+@\\S+ pid \\d+ \\(signoz-ha ${escapedName}\\) \\(its process on this machine is gone\\)`),
          )
          const again = events(rerunId)
          for (const s of applied) expect(again, `${s} applied by the killed run`).toContain(`skip:${s}`)
          expect(again).toContain('finished')
        } else {
          // Killed after the last step's verification: nothing was left to do.
          expect(rerun.stdout).toMatch(nothingLeft)
        }
        expect(await endState()).toEqual(reference)
      } finally {
        await lab.heal('duplicate-clickhouse')
      }
    },
    300_000,
  )

  test('undo still works after a kill: the re-run undone, then the killed run, give back the state before the fix', async () => {
    await lab.break('duplicate-clickhouse')
    try {
      const {killed, id: killedId, before} = await killedAt(args, 'backup:pin-release', releasePending)
      expect(killed.killed).toBe(true)
      expect((await lab.cli(args, env)).code).toBe(0)
      const rerunId = journals().find((x) => !before.has(x) && x !== killedId)!
      for (const id of [rerunId, killedId]) {
        const undo = await lab.cli([...args.filter((a) => a !== '--yes'), '--undo', id, '--yes'], env)
        expect(undo.code, undo.stdout + undo.stderr).toBe(0)
      }
      const {report} = await lab.doctor(
        ['--only', 'kube/duplicate-clickhouse', '--only', 'kube/collector-clickhouse-target', '--only', 'helm/release-status'],
        env,
      )
      expect(resultOf(report, 'kube/duplicate-clickhouse').status).toBe('fail')
      expect(resultOf(report, 'kube/collector-clickhouse-target').status).toBe('fail')
      expect(resultOf(report, 'helm/release-status').status).toBe('pass')
    } finally {
      await lab.heal('duplicate-clickhouse')
    }
  }, 300_000)
})

describe('upgrade --safe, killed with SIGKILL while Helm holds the release pending-upgrade', () => {
  test("a plan meanwhile is refused naming the pending release; run again, the upgrade takes the dead run's Lease, deletes the pending record and finishes", async () => {
    // A collector tag before v0.144.6 (whose sync migration needs ClickHouse 25.12): the lab's 18.16 takes it.
    const args = ['upgrade', '--safe', '--yes', '--backup-confirmed', '--set', 'otelCollector.image.tag=v0.144.4']
    const killed = await runCliKilledWhen(args, env, () => releasePending())
    expect(killed.killed, `${killed.stdout}${killed.stderr}`).toBe(true)
    expect(helmStatuses()).toContain('pending-upgrade')

    const plan = await lab.cli(['upgrade', '--safe', '--plan', '--backup-confirmed', '--set', 'otelCollector.image.tag=v0.144.4'], env)
    expect(plan.code, plan.stderr).toBe(3)
    expect(plan.stderr).toMatch(/another operation \(install\/upgrade\/rollback\) is in progress: the release is pending/)
    expect(helmStatuses()).toContain('pending-upgrade')

    const rerun = await lab.cli(args, env)
    expect(rerun.code, `${rerun.stdout}\n${rerun.stderr}`).toBe(0)
    expect(rerun.stderr).toMatch(/lease signoz-ha-signoz: taken over from \S+ pid \d+ \(signoz-ha upgrade --safe\) \(its process on this machine is gone\)/)
    expect(rerun.stderr).toMatch(
      /release signoz was pending-upgrade at revision \d+, left by .*: that record deleted, the last deployed revision is the release again/,
    )
    expect(rerun.stdout).toMatch(/upgraded: signoz is deployed on chart \S+; postflight clean/)
    expect(helmStatuses().filter((s) => s.startsWith('pending'))).toEqual([])
    expect(notPassing((await lab.doctor([], env)).report)).toEqual([])
  }, 300_000)
})

describe('upgrade --safe, killed with SIGKILL during its postflight', () => {
  test("run again, it owes nothing to Helm: the killed run's postflight runs, into its journal, and the upgrade is done", async () => {
    const args = ['upgrade', '--safe', '--yes', '--backup-confirmed', '--set', 'otelCollector.image.tag=v0.144.3']
    // Helm's step finished (the engine journalled it): what runs now is the postflight.
    const {killed, id} = await killedAt(args, 'finished')
    expect(killed.killed, `${killed.stdout}${killed.stderr}`).toBe(true)
    expect(events(id)).not.toContain('verify:postflight')
    expect(helmStatuses().filter((s) => s.startsWith('pending'))).toEqual([])

    const rerun = await lab.cli(args, env)
    expect(rerun.code, `${rerun.stdout}\n${rerun.stderr}`).toBe(0)
    expect(rerun.stderr).toMatch(
      new RegExp(`journal ${id}: Helm upgraded signoz to revision \\d+ but the run stopped before its postflight; running the postflight now`),
    )
    expect(rerun.stdout).toMatch(/upgraded: signoz is deployed on chart \S+; postflight clean/)
    expect(events(id).filter((e) => e === 'verify:postflight')).toHaveLength(1)
    expect(events(id).filter((e) => e === 'apply:helm-upgrade')).toHaveLength(1)
    // Owed once: a third run has nothing left to do.
    const again = await lab.cli(args, env)
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toMatch(/nothing to upgrade: the release already renders this/)
    expect(notPassing((await lab.doctor([], env)).report)).toEqual([])
  }, 300_000)
})

describe('upgrade --safe --rollback-on-failure, killed with SIGKILL once its upgrade failed, before its rollback', () => {
  test("run again, it rolls back into the killed run's journal instead of trying the upgrade again: exit 5, the previous revision deployed", async () => {
    // The migrator's own timeout at 1 ms: its hook fails, so does Helm's upgrade.
    const args = ['upgrade', '--safe', '--yes', '--backup-confirmed', '--rollback-on-failure', '--set', 'telemetryStoreMigrator.timeout=1ms']
    const failedBefore = helmStatuses().filter((s) => s === 'failed').length
    const {killed, id} = await killedAt(args, 'failed:helm-upgrade')
    expect(killed.killed, `${killed.stdout}${killed.stderr}`).toBe(true)
    expect(events(id)).not.toContain('undo:helm-upgrade')

    const rerun = await lab.cli(args, env)
    expect(rerun.code, `${rerun.stdout}\n${rerun.stderr}`).toBe(5)
    expect(rerun.stderr).toMatch(new RegExp(`journal ${id}: helm upgrade failed: .*, and the run stopped before its rollback was done`))
    expect(rerun.stdout).toMatch(/^rolled back: helm upgrade failed: .*; the release is deployed again from revision \d+/m)
    expect(events(id).filter((e) => e === 'undo:helm-upgrade')).toHaveLength(1)
    // The failing upgrade ran once: one failed revision more, nothing pending.
    expect(helmStatuses().filter((s) => s === 'failed')).toHaveLength(failedBefore + 1)
    expect(helmStatuses().filter((s) => s.startsWith('pending'))).toEqual([])
    expect(notPassing((await lab.doctor([], env)).report)).toEqual([])
  }, 300_000)
})

describe('runbook run clickhouse-rolling-restart --yes, killed with SIGKILL', () => {
  const args = ['runbook', 'run', 'clickhouse-rolling-restart', '--yes']
  const PODS = [
    'chi-signoz-clickhouse-cluster-0-0-0',
    'chi-signoz-clickhouse-cluster-0-1-0',
    'chi-signoz-clickhouse-cluster-1-0-0',
    'chi-signoz-clickhouse-cluster-1-1-0',
  ]
  const uids = () =>
    new Map(
      kubectl(['get', 'pods', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.metadata.uid}{"\\n"}{end}'])
        .split('\n')
        .filter((l) => l.startsWith('chi-'))
        .map((l) => l.split('=') as [string, string]),
    )
  const points = PODS.flatMap((pod) => [
    {pod, at: 'in the middle of restarting', event: `backup:restart-${pod}`},
    {pod, at: 'after restarting', event: `verify:restart-${pod}`},
  ])
  test.each(points)(
    'killed $at $pod: the journal reads; run again (the cluster healthy), it continues the killed run and every host restarts once',
    async ({event}) => {
      await lab.healthy()
      const podsBefore = uids()
      const {killed, id: killedId, before} = await killedAt(args, event)
      expect(killed.killed, `the run ended before ${event}: ${killed.stdout}${killed.stderr}`).toBe(true)
      expect((await lab.cli(['journal', 'show', killedId], env)).code).toBe(0)
      const appliedByKilled = events(killedId).filter((e) => e.startsWith('apply:'))

      await lab.healthy()
      const podsBetween = uids()
      const rerun = await lab.cli(args, env)
      expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0)
      const rerunId = journals().find((j) => !before.has(j) && j !== killedId)!
      const again = events(rerunId)
      if (events(killedId).includes('finished')) {
        // Killed after the last host's verification, once the run had journalled its end: that
        // procedure was done, and running it again is a new rolling restart of every host.
        expect(rerun.stderr).not.toContain('continuing the unfinished run')
        expect(again.filter((e) => e.startsWith('apply:restart-'))).toHaveLength(PODS.length)
        return
      }
      expect(rerun.stderr).toContain(`continuing the unfinished run ${killedId}`)
      for (const e of appliedByKilled) expect(again, `${e} applied by the killed run`).toContain(`skip:${e.slice('apply:'.length)}`)
      // Each host restarted exactly once across the two runs: applied by one, skipped by the other.
      for (const pod of PODS) {
        const step = `restart-${pod}`
        const applied = [...appliedByKilled, ...again].filter((e) => e === `apply:${step}`).length
        const skipped = again.includes(`skip:${step}`)
        expect(applied + (skipped && !appliedByKilled.includes(`apply:${step}`) ? 1 : 0), step).toBe(1)
        // A host the re-run restarts is one the killed run had not restarted yet.
        if (again.includes(`apply:${step}`)) expect(podsBetween.get(pod), `${pod} restarted by both runs`).toBe(podsBefore.get(pod))
      }
      const podsAfter = uids()
      for (const pod of PODS) expect(podsAfter.get(pod), pod).not.toBe(podsBefore.get(pod))
      expect(again).toContain('finished')
    },
    300_000,
  )
})
