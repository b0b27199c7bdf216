import {execFileSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, readdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {labKubectlBinary} from '../../src/lab/helm-binary.js'
import {byJournalId} from '../../src/remediation/journal.js'
import {runCliInterrupted} from '../helpers/cli.js'
import {TestLab, remediationEnv, notPassing, processesMentioning, resultOf} from '../helpers/lab.js'

/**
 * The remediation engine end to end on the lab's duplicate-clickhouse fault: refusals change
 * nothing, the fix leaves one installation with ingestion flowing, a re-run is a no-op, undo
 * restores what was saved, an interrupted run resumes, and the journal holds no secret.
 */
const lab = new TestLab()
const state = mkdtempSync(join(tmpdir(), 'signoz-ha-state-'))
let env: NodeJS.ProcessEnv = {}
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

const fix = (args: string[]) => lab.cli(['fix', 'duplicate-clickhouse', ...args], env)
/** doctor through the kubeconfig alone, as after `eval "$(signoz-ha lab env)"`. */
const doctor = (args: string[] = []) => lab.doctor(args, env)

/** kubectl of the lab (1.31), as an operator runs it; stdin for apply -f -. */
const kubectl = (args: string[], input?: string) => {
  try {
    return {
      code: 0,
      out: execFileSync(labKubectlBinary(31)!, ['--kubeconfig', lab.status.kubeconfig!, '-n', 'platform', ...args], {
        encoding: 'utf8',
        input,
        stdio: ['pipe', 'pipe', 'pipe'],
      }),
    }
  } catch (error) {
    return {code: (error as {status: number}).status, out: String((error as {stderr: string}).stderr)}
  }
}
/** MicroTime ms ago, as the API stores a Lease's times. */
const ago = (ms: number) => new Date(Date.now() - ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z')
/** The release's remediation Lease as another engineer's run holds it, renewed renewedMsAgo. */
const otherRunHolds = (renewedMsAgo: number) =>
  kubectl(
    ['apply', '-f', '-'],
    JSON.stringify({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {name: 'signoz-ha-signoz', annotations: {'signoz-ha.io/holder-host': 'alice-laptop', 'signoz-ha.io/holder-pid': '4242'}},
      spec: {
        holderIdentity: 'alice@alice-laptop pid 4242 (signoz-ha runbook run keeper-quorum)',
        leaseDurationSeconds: 60,
        acquireTime: ago(600_000),
        renewTime: ago(renewedMsAgo),
        leaseTransitions: 0,
      },
    }),
  )
const leaseGone = () => /NotFound|not found/.test(kubectl(['get', 'lease', 'signoz-ha-signoz']).out)

/** What the fault leaves: two installations and the collectors on the empty one. */
async function expectDuplicate() {
  const {report} = await doctor(['--only', 'kube/duplicate-clickhouse', '--only', 'kube/collector-clickhouse-target'])
  expect(resultOf(report, 'kube/duplicate-clickhouse').status).toBe('fail')
  expect(resultOf(report, 'kube/collector-clickhouse-target').status).toBe('fail')
}

beforeAll(async () => {
  await lab.up(['--shards', '2', '--replicas', '2'])
  env = remediationEnv(state)
  await lab.break('duplicate-clickhouse')
})

afterAll(async () => {
  await lab.down()
  expect(processesMentioning(lab.dir)).toEqual([])
})

describe('refusals change nothing', () => {
  test('no terminal and no --yes: exit 4, nothing changed, no journal', async () => {
    const r = await fix([])
    expect(r.code).toBe(4)
    expect(r.stderr).toMatch(/^signoz-ha: stdin is not a terminal and --yes was not given: nothing was changed/)
    expect(r.stdout).toMatch(/1\. Point the collectors and SigNoz at signoz-clickhouse \[SAFE\]/)
    expect(journals()).toEqual([])
    await expectDuplicate()
  })

  test('--dry-run prints the plan from evidence and changes nothing', async () => {
    const r = await fix(['--dry-run', '--json'])
    expect(r.code).toBe(0)
    const plan = JSON.parse(r.stdout) as {status: string; reasons: string[]; steps: {id: string; safety: string; pending: boolean}[]}
    expect(plan.status).toBe('dry-run')
    expect(plan.reasons[0]).toMatch(/^signoz-clickhouse holds the data \(\d+ rows in the SigNoz databases\)$/)
    expect(plan.steps.map((s) => `${s.id}:${s.safety}`)).toEqual(['point-clients:safe', 'pin-release:safe', 'remove-signoz-clickhouse-v2:disruptive'])
    expect(journals()).toEqual([])
    await expectDuplicate()
  })

  test('a destructive step (deleting claims) needs --allow-destructive even with --yes', async () => {
    const r = await fix(['--yes', '--delete-claims'])
    expect(r.code).toBe(4)
    expect(r.stderr).toMatch(/step "Delete the volume claims of signoz-clickhouse-v2" is destructive: nothing was changed/)
    expect(journals()).toEqual([])
    await expectDuplicate()
  })
})

describe("one remediation at a time: the release's Lease", () => {
  test('another run holds it: exit 3 naming the holder and since when, nothing changed; doctor reads meanwhile', async () => {
    expect(otherRunHolds(5_000).code).toBe(0)
    const r = await fix(['--yes'])
    expect(r.code).toBe(3)
    expect(r.stderr).toMatch(
      /^signoz-ha: another remediation holds the lease signoz-ha-signoz in platform: alice@alice-laptop pid 4242 \(signoz-ha runbook run keeper-quorum\), since \S+, renewed \d+s ago\n {2}hint: wait for it to finish; nothing was changed/,
    )
    expect(journals()).toEqual([])
    await expectDuplicate()
    expect(kubectl(['get', 'lease', 'signoz-ha-signoz', '--no-headers']).out).toMatch(/^signoz-ha-signoz\s+alice@alice-laptop pid 4242/)
  })

  test('its holder stopped renewing it: refused until --take-over-lease, said in one line', async () => {
    expect(otherRunHolds(300_000).code).toBe(0)
    const r = await fix(['--yes'])
    expect(r.code).toBe(3)
    expect(r.stderr).toMatch(/held by alice@alice-laptop pid 4242 .*, which stopped renewing it \d+s ago/)
    expect(r.stderr).toMatch(/--take-over-lease takes it; nothing was changed/)
    expect(journals()).toEqual([])
    await expectDuplicate()
  })
})

describe('the fix', () => {
  test('a failed step stops the run, says how to resume, and a re-run resumes after what was done', async () => {
    // A chart Helm cannot find: the pin step fails after the clients were re-pointed. The stale
    // Lease of the test before is taken over, said on stderr, and let go when the run ends.
    const failed = await fix(['--yes', '--chart', '/nonexistent/signoz', '--take-over-lease'])
    expect(failed.code).toBe(3)
    expect(failed.stderr).toMatch(/lease signoz-ha-signoz: taken over from alice@alice-laptop pid 4242 .* \(not renewed for \d+s\)/)
    expect(leaseGone()).toBe(true)
    expect(failed.stdout).toMatch(/failed: helm upgrade: .*nonexistent/)
    expect(failed.stdout).toMatch(/resume: run the same command again/)
    const [first] = journals()
    const events = readFileSync(join(journalDir, first!), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as {event: string; step?: string})
    expect(events.map((e) => `${e.event}${e.step ? `:${e.step}` : ''}`)).toEqual([
      'plan',
      'backup:point-clients',
      'apply:point-clients',
      'verify:point-clients',
      'backup:pin-release',
      'failed:pin-release',
    ])

    const resumed = await fix(['--yes'])
    expect(resumed.stderr).toMatch(/\[1\/3\] Point the collectors and SigNoz at signoz-clickhouse: already done/)
    expect(resumed.stdout).toMatch(/fixed: one installation \(signoz-clickhouse\), ingestion flowing, doctor clean/)
    expect(resumed.code).toBe(0)
    // The run held the Lease (its plan entry says as whom) and let it go.
    expect(leaseGone()).toBe(true)
    const plan = JSON.parse(readFileSync(join(journalDir, journals().at(-1)!), 'utf8').split('\n')[0]!) as {
      event: string
      lease?: {name: string; holder: string}
    }
    expect(plan).toMatchObject({
      event: 'plan',
      lease: {name: 'signoz-ha-signoz', holder: expect.stringMatching(/@.+ pid \d+ \(signoz-ha fix duplicate-clickhouse\)$/)},
    })
  })

  test('afterwards the whole doctor is clean and the release pins the name', async () => {
    const {report, code} = await doctor()
    expect(notPassing(report)).toEqual([])
    expect(code).toBe(0)
    const ha = resultOf(report, 'helm/values-ha').findings.find((f) => f.subject === 'clickhouse.fullnameOverride')
    expect(ha?.message).toBe('ClickHouse installation name pinned to signoz-clickhouse')
    // The duplicate's claims stay, marked as kept on purpose: named, not taken for lost data.
    const kept = resultOf(report, 'kube/orphaned-claims').findings.find((f) => f.subject === 'signoz-clickhouse-v2')
    expect(kept?.message).toMatch(/^\d+ claim\(s\) of signoz-clickhouse-v2, the empty duplicate removed in favour of signoz-clickhouse, kept/)
    expect(kept?.evidence?.hint).toBe('kubectl delete pvc -n platform -l clickhouse.altinity.com/chi=signoz-clickhouse-v2')
  })

  test('a re-run on the fixed cluster is a no-op', async () => {
    const before = journals()
    const r = await fix(['--yes'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/one ClickHouse installation \(signoz-clickhouse\) in platform: nothing to fix/)
    expect(journals()).toEqual(before)
  })

  test('the journals hold no secret, and journal list/show read them', async () => {
    const password = lab.status.password
    for (const f of journals()) expect(readFileSync(join(journalDir, f), 'utf8')).not.toContain(password)
    const list = await lab.cli(['journal', 'list', '--json'], env)
    const runs = (JSON.parse(list.stdout) as {runs: {id: string; status: string; applied: number}[]}).runs
    expect(runs.map((r) => `${r.status}:${r.applied}`)).toEqual(['failed:1', 'finished:2'])
    const show = await lab.cli(['journal', 'show', runs[1]!.id], env)
    expect(show.stdout).toMatch(/verify +doctor \{"ok":true,"message":"doctor clean"\}/)
    expect(show.stdout).not.toContain(password)
    // Who ran it: the Lease's holder, in list and show.
    expect(show.stdout).toMatch(/ plan +lease signoz-ha-signoz held by \S+@\S+ pid \d+ \(signoz-ha fix duplicate-clickhouse\)$/m)
    expect((await lab.cli(['journal', 'list'], env)).stdout).toMatch(/finished +2 applied .* \(by \S+@\S+ pid \d+ \(signoz-ha fix duplicate-clickhouse\)\)$/m)
  })
})

describe('undo and interruption', () => {
  test('--undo restores the saved state: the duplicate installation and the clients on it', async () => {
    const last = journals()
      .at(-1)!
      .replace(/\.jsonl$/, '')
    const r = await fix(['--undo', last, '--yes'])
    expect(r.code).toBe(0)
    // Progress on stderr, last step first.
    expect(r.stderr).toMatch(/undo Remove the empty installation signoz-clickhouse-v2.*\nundo Pin clickhouse\.fullnameOverride=signoz-clickhouse/s)
    // That run applied the pin and the removal; the clients had been re-pointed by the failed run.
    expect(r.stdout).toBe(`undone: 2 step(s) of ${last}\n`)
    const {report} = await doctor(['--only', 'kube/duplicate-clickhouse'])
    expect(resultOf(report, 'kube/duplicate-clickhouse').status).toBe('fail')
    // Its claims are the restored installation's again: the mark is gone.
    const claims = JSON.parse(kubectl(['get', 'pvc', '-l', 'clickhouse.altinity.com/chi=signoz-clickhouse-v2', '-o', 'json']).out) as {
      items: {metadata: {annotations?: Record<string, string>}}[]
    }
    expect(claims.items.length).toBeGreaterThan(0)
    expect(claims.items.filter((c) => c.metadata.annotations?.['signoz-ha.io/empty-duplicate-of'])).toEqual([])
  })

  test('Ctrl-C stops after the current step; the same command then finishes the job', async () => {
    // Interrupted while the first pending step is applying.
    const {code, stdout, stderr} = await runCliInterrupted(['fix', 'duplicate-clickhouse', '--yes'], {KUBECONFIG: lab.status.kubeconfig, ...env}, /: applying/)
    expect(stderr).toMatch(/SIGINT: stopping after the current step/)
    expect(code).toBe(3)
    expect(stdout).toMatch(/^interrupted: interrupted before "/m)
    const resumed = await fix(['--yes'])
    expect(resumed.stdout).toMatch(/fixed: one installation \(signoz-clickhouse\), ingestion flowing, doctor clean/)
    expect(notPassing((await doctor()).report)).toEqual([])
    // The lab forgets the fault it injected (its heal is a no-op on a fixed cluster).
    await lab.heal('duplicate-clickhouse')
  })
})

describe('two engineers at once', () => {
  test('the second run is refused while the first holds the Lease, naming it; the first finishes', async () => {
    await lab.break('duplicate-clickhouse')
    const first = fix(['--yes'])
    await (async () => {
      const deadline = Date.now() + 60_000
      while (leaseGone()) {
        if (Date.now() > deadline) throw new Error('the first run never took the Lease')
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    })()
    const second = await fix(['--yes'])
    expect(second.code).toBe(3)
    expect(second.stderr).toMatch(/another remediation holds the lease signoz-ha-signoz in platform: \S+@\S+ pid \d+ \(signoz-ha fix duplicate-clickhouse\)/)
    const done = await first
    expect(done.code, done.stderr).toBe(0)
    expect(leaseGone()).toBe(true)
    await lab.heal('duplicate-clickhouse')
  })
})
