import {existsSync, mkdtempSync, readFileSync, readdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import type {Report} from '../../src/core/report.js'
import type {StatusView} from '../../src/status/view.js'
import {runCli} from '../helpers/cli.js'
import {TestLab, notPassing, processesMentioning, remediationEnv} from '../helpers/lab.js'

/**
 * The tool under the faults of a cluster in trouble, on the wire: the lab's API server shedding
 * load (429 with Retry-After) or answering 503, a ClickHouse host at its query limit (202). Each
 * read-only command gives the healthy result, exit codes as on a healthy cluster, no stack trace,
 * and the reads it had to repeat in its JSON (doctor's stats.retried).
 */
const lab = new TestLab()
const state = mkdtempSync(join(tmpdir(), 'signoz-ha-wire-'))
/** Through the kubeconfig alone: every Kubernetes read and every port-forward through the API server. */
const clusterEnv = (): NodeJS.ProcessEnv => ({
  KUBECONFIG: lab.status.kubeconfig,
  SIGNOZ_HA_CLICKHOUSE_URL: undefined,
  SIGNOZ_HA_CLICKHOUSE_USER: undefined,
  SIGNOZ_HA_CLICKHOUSE_PASSWORD: undefined,
})
const cli = (args: string[], env: NodeJS.ProcessEnv = clusterEnv()) => runCli(args, {env})
/** What a comparison keeps: each check's status and its failing subjects. */
const outcome = (report: Report) =>
  report.results.map(
    (r) =>
      `${r.id}:${r.status}:${r.findings
        .filter((f) => !f.ok)
        .map((f) => f.subject)
        .sort()
        .join(',')}`,
  )

let healthy: Report
let healthyStatus: StatusView

beforeAll(async () => {
  await lab.up(['--shards', '2', '--replicas', '2'])
  await lab.healthy()
  healthy = JSON.parse((await cli(['doctor', '-o', 'json'])).stdout) as Report
  expect(notPassing(healthy)).toEqual([])
  expect(healthy.stats?.retried).toBeUndefined()
  healthyStatus = JSON.parse((await cli(['status', '-o', 'json'])).stdout) as StatusView
})

afterAll(async () => {
  await lab.down()
  expect(processesMentioning(lab.dir)).toEqual([])
})

const journalDir = join(state, 'signoz-ha', 'journal')
const journals = () => (existsSync(journalDir) ? readdirSync(journalDir).filter((f) => f.endsWith('.jsonl')) : [])
/** The steps a journal says were applied. */
const appliedIn = (file: string) =>
  readFileSync(join(journalDir, file), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as {event: string; step?: string})
    .filter((e) => e.event === 'apply')
    .map((e) => e.step!)

describe.each([
  {fault: 'api-throttle', why: /HTTP 429/, timeout: undefined, helmGetsThrough: true},
  // Helm repeats no 503 by itself, and a dry-run makes dozens of requests: with one in three
  // answered 503 none of its attempts gets through. The plan then stops naming why (exit 3).
  {fault: 'api-errors', why: /HTTP 503/, timeout: undefined, helmGetsThrough: false},
  // Reads answered after 5 s, past a request timeout of 1 s: abandoned and tried again.
  {fault: 'api-slow', why: /ETIMEDOUT/, timeout: '1s', helmGetsThrough: true},
])('the API server in trouble: $fault', ({fault, why, timeout, helmGetsThrough}) => {
  beforeAll(async () => lab.break(fault))
  afterAll(async () => lab.heal(fault))
  const cli = (args: string[], env: NodeJS.ProcessEnv = clusterEnv()) => runCli(args, {env: {...env, SIGNOZ_HA_KUBE_REQUEST_TIMEOUT: timeout}})

  test('doctor: the healthy result, exit 0; the reads it repeated in stats.retried, each answered in the end', async () => {
    const r = await cli(['doctor', '-o', 'json', '--stats'])
    expect(r.stderr).not.toMatch(/this is a bug|\n\s+at /)
    expect(r.code, r.stderr).toBe(0)
    const report = JSON.parse(r.stdout) as Report
    expect(outcome(report)).toEqual(outcome(healthy))
    const retried = report.stats?.retried ?? []
    expect(retried.length).toBeGreaterThan(0)
    for (const x of retried)
      expect(x).toMatchObject({request: expect.stringMatching(/^GET \/api/), attempts: expect.any(Number), why: expect.stringMatching(why), succeeded: true})
    expect(r.stderr).toMatch(/\d+ reads retried \(\d+ attempts more; 0 gave up\)/)
  })

  test('doctor --verbose names what it repeated and why', async () => {
    const r = await cli(['doctor', '--verbose', '--only', 'kube'])
    expect(r.stdout).toMatch(new RegExp(`^retried\\n {2}GET /api\\S* \\d attempts, then answered \\(${why.source}`, 'm'))
  })

  test('status, storage report and a runbook diagnosis: as on a healthy cluster', async () => {
    const status = await cli(['status', '-o', 'json'])
    expect(status.code, status.stderr).toBe(0)
    const view = JSON.parse(status.stdout) as StatusView
    expect(view.problems).toEqual(healthyStatus.problems)
    expect(view.hosts.map((h) => [h.pod, h.ready, h.error])).toEqual(healthyStatus.hosts.map((h) => [h.pod, h.ready, h.error]))
    expect(view.gaps).toEqual([])
    const storage = await cli(['storage', 'report', '-o', 'json'])
    expect(storage.code, storage.stderr).toBe(0)
    const runbook = await cli(['runbook', 'run', 'replica-readonly', '--dry-run'], {...clusterEnv(), ...remediationEnv(state)})
    expect(runbook.code, runbook.stderr).toBe(0)
    expect(runbook.stdout).toMatch(/nothing to do/i)
  })

  test('fix --dry-run, upgrade --plan and bundle: as on a healthy cluster, nothing changed', async () => {
    const fixPlan = await cli(['fix', 'duplicate-clickhouse', '--dry-run'], {...clusterEnv(), ...remediationEnv(state)})
    expect(fixPlan.code, fixPlan.stderr).toBe(0)
    expect(fixPlan.stdout).toMatch(/one ClickHouse installation \(signoz-clickhouse\) in platform: nothing to fix/)
    const plan = await cli(['upgrade', '--safe', '--plan', '--detailed-exitcode', '--backup-confirmed'], {...clusterEnv(), ...remediationEnv(state)})
    expect(plan.stderr).not.toMatch(/this is a bug|\n\s+at /)
    if (helmGetsThrough || plan.code === 0) {
      expect(plan.code, plan.stdout + plan.stderr).toBe(0)
      expect(plan.stdout).toMatch(/no change: the release already renders this/)
    } else {
      expect(plan.code, plan.stdout + plan.stderr).toBe(3)
      expect(plan.stderr).toMatch(/^signoz-ha: helm upgrade --dry-run: .*the server is currently unable to handle the request\n {2}hint: /m)
    }
    const bundle = await cli(['bundle', '-o', join(state, `${fault}.tar.gz`)])
    expect(bundle.code, bundle.stderr).toBe(0)
  })

  // Under api-slow every third read of Helm waits 5 s (Helm has no request timeout): an upgrade
  // there takes minutes, and shows nothing the other two do not.
  test.skipIf(fault === 'api-slow')(
    'fix duplicate-clickhouse --yes: a refused write is reported, never repeated blindly; resumed, it converges; nothing is applied twice',
    async () => {
      // The duplicate is made on a well API server (the lab's Helm is not exempt from the fault).
      await lab.heal(fault)
      await lab.break('duplicate-clickhouse')
      await lab.break(fault)
      let faultOn = true
      const before = new Set(journals())
      try {
        const first = await cli(['fix', 'duplicate-clickhouse', '--yes'], {...clusterEnv(), ...remediationEnv(state)})
        expect(first.stderr).not.toMatch(/this is a bug|\n\s+at /)
        if (helmGetsThrough) {
          // 429 is refused before the request is processed: writes and Helm's own requests are repeated after Retry-After.
          expect(first.code, first.stdout + first.stderr).toBe(0)
        } else if (first.code !== 0) {
          // 503 may come after the write was applied: the step stops, names why, and says how to resume.
          // (A refused write of the Lease stops the run before its first step, on stderr in one line.)
          expect(first.code, first.stdout + first.stderr).toBe(3)
          expect(`${first.stdout}${first.stderr}`).toMatch(/(failed: |^signoz-ha: ).*(HTTP 503|the server is currently unable to handle the request)/m)
          if (/^failed: /m.test(first.stdout)) expect(first.stdout).toMatch(/resume: run the same command again/)
          await lab.heal(fault)
          faultOn = false
          const resumed = await cli(['fix', 'duplicate-clickhouse', '--yes'], {...clusterEnv(), ...remediationEnv(state)})
          expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0)
        }
        const applied = journals()
          .filter((f) => !before.has(f))
          .flatMap(appliedIn)
        expect(applied.length).toBeGreaterThan(0)
        expect(applied.length, applied.join(', ')).toBe(new Set(applied).size)
        expect(notPassing(JSON.parse((await cli(['doctor', '-o', 'json'])).stdout) as Report)).toEqual([])
      } finally {
        if (faultOn) await lab.heal(fault)
        await lab.heal('duplicate-clickhouse')
        // As the describe found it: its afterAll heals the fault.
        await lab.break(fault)
      }
    },
  )
})

/**
 * The other commands under a ClickHouse-side fault: storage report, bundle, a runbook's diagnosis,
 * a fix's plan and an upgrade's plan give what they give on a healthy cluster, nothing changed.
 */
async function asOnAHealthyCluster(name: string, env: NodeJS.ProcessEnv): Promise<void> {
  const remedy = {...env, ...remediationEnv(state)}
  const before = journals().length
  const storage = await cli(['storage', 'report', '-o', 'json'], env)
  expect(storage.code, storage.stderr).toBe(0)
  const bundle = await cli(['bundle', '-o', join(state, `${name}.tar.gz`)], env)
  expect(bundle.code, bundle.stderr).toBe(0)
  const runbook = await cli(['runbook', 'run', 'replica-readonly', '--dry-run'], remedy)
  expect(runbook.code, runbook.stdout + runbook.stderr).toBe(0)
  expect(runbook.stdout).toMatch(/nothing to do/i)
  const fixPlan = await cli(['fix', 'duplicate-clickhouse', '--dry-run'], remedy)
  expect(fixPlan.code, fixPlan.stderr).toBe(0)
  expect(fixPlan.stdout).toMatch(/one ClickHouse installation \(signoz-clickhouse\) in platform: nothing to fix/)
  const plan = await cli(['upgrade', '--safe', '--plan', '--detailed-exitcode', '--backup-confirmed'], remedy)
  expect(plan.code, plan.stdout + plan.stderr).toBe(0)
  expect(plan.stdout).toMatch(/no change: the release already renders this/)
  for (const r of [storage, bundle, runbook, fixPlan, plan]) expect(r.stderr).not.toMatch(/this is a bug|\n\s+at /)
  expect(journals().length, 'a plan or a dry run journals nothing').toBe(before)
}

describe('port-forward streams reset mid-answer: portforward-reset', () => {
  beforeAll(async () => lab.break('portforward-reset'))
  afterAll(async () => lab.heal('portforward-reset'))

  test('doctor and status through the API server: the healthy result; the cut reads repeated on a new stream', async () => {
    const r = await cli(['doctor', '-o', 'json'])
    expect(r.stderr).not.toMatch(/this is a bug|\n\s+at /)
    expect(r.code, r.stderr).toBe(0)
    const report = JSON.parse(r.stdout) as Report
    expect(outcome(report)).toEqual(outcome(healthy))
    const retried = report.stats?.retried ?? []
    expect(retried.some((x) => / on chi-/.test(x.request) && /reset|hang up|ECONNRESET|other side closed/i.test(x.why))).toBe(true)
    expect(retried.every((x) => x.succeeded)).toBe(true)
    const status = await cli(['status', '-o', 'json'])
    expect(status.code, status.stderr).toBe(0)
    expect((JSON.parse(status.stdout) as StatusView).problems).toEqual(healthyStatus.problems)
  })

  test('storage report, bundle, a runbook diagnosis, fix and upgrade plans: as on a healthy cluster', async () => {
    await asOnAHealthyCluster('portforward-reset', clusterEnv())
  })
})

describe('a ClickHouse host at its query limit (202)', () => {
  beforeAll(async () => lab.break('clickhouse-busy'))
  afterAll(async () => lab.heal('clickhouse-busy'))

  test('the host refuses for real: four half-second queries at once, at least one answered 202', async () => {
    const host = lab.status.clickhouse[0]!
    const auth = `Basic ${Buffer.from(`${lab.status.user}:${lab.status.password}`).toString('base64')}`
    const answers = await Promise.all(
      [0, 1, 2, 3].map(() =>
        fetch(`${host.url}/?query=${encodeURIComponent('SELECT sleep(0.5)')}`, {headers: {authorization: auth}}).then(
          async (r) => `${r.status} ${await r.text()}`,
        ),
      ),
    )
    expect(
      answers.some((a) => /TOO_MANY_SIMULTANEOUS_QUERIES|Code: 202/.test(a)),
      answers.join('\n'),
    ).toBe(true)
  })

  test('doctor straight to the hosts while another client keeps a query running there: the healthy result; the refused reads repeated', async () => {
    // doctor sends a host its queries of a moment as one statement, so another client holds one of
    // the two slots, as heavy dashboards do. Whether a run's statements overlap it is the
    // machine's timing: up to three runs, each as on a healthy cluster with every retried read
    // answered, until one met the limit.
    const host = lab.status.clickhouse[0]!
    const auth = `Basic ${Buffer.from(`${lab.status.user}:${lab.status.password}`).toString('base64')}`
    let refused = false
    for (let run = 0; run < 3 && !refused; run++) {
      let busy = true
      const other = (async () => {
        while (busy) await fetch(`${host.url}/?query=${encodeURIComponent('SELECT sleep(0.3)')}`, {headers: {authorization: auth}}).then((x) => x.text())
      })()
      const r = await lab.cli(['doctor', '-o', 'json']).finally(() => (busy = false))
      await other
      expect(r.code, r.stderr).toBe(0)
      const report = JSON.parse(r.stdout) as Report
      expect(outcome(report)).toEqual(outcome(healthy))
      const retried = report.stats?.retried ?? []
      expect(retried.every((x) => x.succeeded)).toBe(true)
      refused = retried.some((x) => /code 202/.test(x.why))
    }
    expect(refused).toBe(true)
  })

  test('status, storage report, bundle, a runbook diagnosis, fix and upgrade plans: as on a healthy cluster', async () => {
    const status = await cli(['status', '-o', 'json'])
    expect(status.code, status.stderr).toBe(0)
    expect((JSON.parse(status.stdout) as StatusView).problems).toEqual(healthyStatus.problems)
    await asOnAHealthyCluster('clickhouse-busy', clusterEnv())
  })
})
