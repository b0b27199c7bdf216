import {existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import type {Report} from '../../src/core/report.js'
import {byJournalId} from '../../src/remediation/journal.js'
import {ALL_RUNBOOKS} from '../../runbooks/index.js'
import {runCliInterrupted} from '../helpers/cli.js'
import {TestLab, doctorUntil, failing, remediationEnv, notPassing, processesMentioning, resultOf} from '../helpers/lab.js'
import {RUNBOOK_DRILLS} from '../helpers/runbook-drills.js'

/**
 * `runbook run` on the lab: each automated runbook against the fault it is for brings doctor back
 * to clean; dry runs and refusals change nothing; undo restores; an interrupted procedure
 * resumes where it stopped; the journals hold no secret.
 */
const lab = new TestLab()
const state = mkdtempSync(join(tmpdir(), 'signoz-ha-runbooks-'))
const LOW = join(state, 'low-thresholds.yaml')
writeFileSync(LOW, 'thresholds:\n  replicaDelay: 2s\n  replicationQueueSize: 5\n  partsPerPartition: 30\n  freshnessWindow: 5s\n')
const journalDir = join(state, 'signoz-ha', 'journal')
// In the order journal list shows them: a second run in the same second (…-2) after the first.
const journals = () =>
  existsSync(journalDir)
    ? readdirSync(journalDir)
        .filter((f) => f.endsWith('.jsonl'))
        .map((f) => f.replace(/\.jsonl$/, ''))
        .sort(byJournalId)
        .map((id) => `${id}.jsonl`)
    : []
let env: NodeJS.ProcessEnv = {}

const run = (id: string, args: string[] = []) => lab.cli(['runbook', 'run', id, ...args], env)
const doctor = (args: string[] = []) => lab.doctor(args, env)
const checksOf = (id: string) => ALL_RUNBOOKS.find((r) => r.id === id)!.checks
const only = (checks: readonly string[]) => checks.flatMap((c) => ['--only', c])
/** What doctor still finds after up to ms (polled): the cluster settling after a fix. */
const cleanWithin = async (ms: number, args: string[] = []): Promise<string[]> =>
  notPassing(
    (
      await doctorUntil(
        () => doctor(args),
        (r) => notPassing(r).length === 0,
        ms,
      )
    ).report,
  )
/** What the failing findings said, for a failure message. */
const failingMessages = (report: Report) =>
  report.results
    .filter((r) => r.status === 'fail')
    .flatMap((r) => r.findings.filter((f) => !f.ok).map((f) => `${r.id} ${f.subject}: ${f.message}`))
    .join('; ')
const pids = async () =>
  (JSON.parse((await lab.cli(['lab', 'status', '--dir', lab.dir, '--json'])).stdout) as {clickhouse: {pod: string; pid: number}[]}).clickhouse

beforeAll(async () => {
  await lab.up(['--shards', '2', '--replicas', '2'])
  env = remediationEnv(state)
})

afterAll(async () => {
  await lab.down()
  expect(processesMentioning(lab.dir)).toEqual([])
})

describe('usage and refusals', () => {
  test('an unknown runbook is a one-line usage error (exit 2)', async () => {
    const r = await run('no-such-runbook')
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^signoz-ha: no runbook "no-such-runbook"\n {2}hint: runbooks: ingestion-stopped, /)
  })

  test('on a healthy cluster an incident runbook has nothing to do', async () => {
    const r = await run('replica-readonly', ['--yes'])
    expect(r.stdout).toBe('nothing to do: clickhouse/replicas-readonly, keeper/reachable pass\n')
    expect(r.code).toBe(0)
    expect(journals()).toEqual([])
  })

  test('without a terminal and without --yes: exit 4, nothing changed, no journal', async () => {
    await lab.break('helm-pending-upgrade')
    try {
      const r = await run('helm-release-stuck')
      expect(r.code).toBe(4)
      expect(r.stderr).toMatch(/signoz-ha: stdin is not a terminal and --yes was not given: nothing was changed/)
      expect(r.stdout).toMatch(/1\. Roll release signoz back to revision \d+ \(its last deployed one\) \[DISRUPTIVE\]/)
      expect(journals()).toEqual([])
      expect(resultOf((await doctor(['--only', 'helm/release-status'])).report, 'helm/release-status').status).toBe('fail')
    } finally {
      await lab.heal('helm-pending-upgrade')
    }
  })

  test("a runbook whose check was skipped cannot tell whether it applies: exit 3, never 'nothing to do'", async () => {
    // This lab's servers (Debian's 18.16) have no system.errors: clickhouse/errors is skipped, not passed.
    expect((await doctor(['--only', 'clickhouse/reachable'])).report.target.clickhouse.version).toMatch(/^18\./)
    const r = await run('error-fingerprints', ['--yes'])
    expect(r.code).toBe(3)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(
      /^diagnose: clickhouse\/errors\nsignoz-ha: cannot tell whether error-fingerprints applies: clickhouse\/errors was skipped \(.+\)\n {2}hint: signoz-ha doctor --only clickhouse\/errors --verbose shows why\n$/,
    )
    expect(journals()).toEqual([])
  })

  test('a runbook whose steps are all manual lists them and exits 1, changing nothing', async () => {
    await lab.break('stale-replica')
    try {
      const r = await run('stale-replica', ['--yes'])
      expect(r.code).toBe(1)
      expect(r.stdout).toMatch(/✗ keeper\/stale-replicas: /)
      expect(r.stdout).toMatch(/No automated step applies to what was found\. By hand:\n\d\. /)
      expect(journals()).toEqual([])
    } finally {
      await lab.heal('stale-replica')
    }
  })
})

describe('each automated runbook against its fault', () => {
  for (const drill of RUNBOOK_DRILLS.filter((d) => d.fault)) {
    test(`${drill.runbook} fixes ${drill.fault}: the dry run changes nothing, the run leaves doctor clean`, async () => {
      const config = drill.lowThresholds || drill.runbook === 'ingestion-stopped' ? ['--config', LOW] : []
      const checks = only(checksOf(drill.runbook))
      // Each drill starts from a lab proven healthy (rebuilt if the last one could not heal it).
      await lab.healthy()
      await lab.break(drill.fault!)
      const brokeAt = Date.now()
      try {
        // A developing fault shows after its settle time, or up to four times as long at the machine's pace (polled). Not before:
        // a check failing for a moment on a busy machine right after the break (a host slow to answer) is not the fault, and
        // passes again before the fault has developed.
        const settle = drill.settleMs ?? 0
        const before = (
          await doctorUntil(
            () => doctor([...checks, ...config]),
            (r) => failing(r).length > 0 && Date.now() - brokeAt >= settle,
            4 * settle,
          )
        ).report
        const failingBefore = failing(before)
        expect(failingBefore.length, `${drill.fault} makes a check of ${drill.runbook} fail`).toBeGreaterThan(0)

        const dry = await run(drill.runbook, ['--dry-run', '--json', ...config])
        expect(dry.code, dry.stderr).toBe(0)
        const plan = JSON.parse(dry.stdout) as {status: string; steps: {pending: boolean}[]}
        expect(plan.status).toBe('dry-run')
        expect(plan.steps.some((s) => s.pending)).toBe(true)
        const stillFailing = failing((await doctor([...checks, ...config])).report)
        // A fault still developing may fail more checks by now; none it failed has been fixed.
        expect(stillFailing, `failing before the dry run: ${failingMessages(before)}`).toEqual(expect.arrayContaining(failingBefore))

        const fixed = await run(drill.runbook, ['--yes', '--json', ...config])
        expect(fixed.code, `${fixed.stdout}\n${fixed.stderr}`).toBe(0)
        expect((JSON.parse(fixed.stdout) as {status: string}).status, fixed.stdout).toBe('fixed')
        // A host that was down re-registers its replicas in Keeper within seconds of coming back.
        expect(await cleanWithin(30_000, config)).toEqual([])
      } finally {
        await lab.heal(drill.fault)
      }
    })
  }
})

describe('undo, interruption and the journal', () => {
  test('--undo reverses a run (keeper-quorum: the release rolled back to one member); a second run fixes it again', async () => {
    await lab.healthy()
    await lab.break('keeper-single-replica')
    try {
      expect((await run('keeper-quorum', ['--yes'])).code).toBe(0)
      const last = journals()
        .at(-1)!
        .replace(/\.jsonl$/, '')
      expect(last).toMatch(/-runbook-keeper-quorum$/)
      const undone = await run('keeper-quorum', ['--undo', last, '--yes'])
      expect(undone.stdout).toBe(`undone: 1 step(s) of ${last}\n`)
      expect(resultOf((await doctor(['--only', 'keeper/quorum'])).report, 'keeper/quorum').status).toBe('fail')
      expect((await run('keeper-quorum', ['--yes'])).code).toBe(0)
      expect(resultOf((await doctor(['--only', 'keeper/quorum'])).report, 'keeper/quorum').status).toBe('pass')
    } finally {
      await lab.heal('keeper-single-replica')
    }
  })

  test('a rolling restart stopped by Ctrl-C resumes with the hosts it had not restarted; every host restarts once', async () => {
    await lab.healthy()
    const before = new Map((await pids()).map((h) => [h.pod, h.pid]))
    // Interrupted while the first host restarts: the engine finishes that step, then stops.
    const {code, stdout, stderr} = await runCliInterrupted(
      ['runbook', 'run', 'clickhouse-rolling-restart', '--yes'],
      {KUBECONFIG: lab.status.kubeconfig, ...env},
      /\[1\/4\] .*: applying/,
    )
    expect(stderr).toMatch(/SIGINT: stopping after the current step/)
    expect(code).toBe(3)
    expect(stdout).toMatch(/^interrupted: interrupted before "Restart chi-signoz-clickhouse-cluster-0-1-0/m)
    const afterFirst = new Map((await pids()).map((h) => [h.pod, h.pid]))
    const first = 'chi-signoz-clickhouse-cluster-0-0-0'
    expect(afterFirst.get(first)).not.toBe(before.get(first))

    const resumed = await run('clickhouse-rolling-restart', ['--yes'])
    expect(resumed.code, resumed.stderr).toBe(0)
    expect(resumed.stderr).toMatch(/continuing the unfinished run \d{8}-\d{6}-runbook-clickhouse-rolling-restart/)
    expect(resumed.stderr).toMatch(/\[1\/4\] Restart chi-signoz-clickhouse-cluster-0-0-0 .*: already done/)
    const after = await pids()
    for (const h of after) expect(h.pid, h.pod).not.toBe(before.get(h.pod))
    // The first host was not restarted a second time by the resumed run.
    expect(after.find((h) => h.pod === first)!.pid).toBe(afterFirst.get(first))
    expect(await cleanWithin(30_000)).toEqual([])
  })

  test('the journals hold no secret; journal list shows the runs', async () => {
    const password = lab.status.password
    expect(journals().length).toBeGreaterThanOrEqual(RUNBOOK_DRILLS.length)
    for (const f of journals()) expect(readFileSync(join(journalDir, f), 'utf8')).not.toContain(password)
    const list = JSON.parse((await lab.cli(['journal', 'list', '--json'], env)).stdout) as {runs: {plan: string; status: string}[]}
    expect(list.runs.filter((r) => r.plan === 'runbook-clickhouse-rolling-restart').map((r) => r.status)).toEqual(['interrupted', 'finished'])
  })
})
