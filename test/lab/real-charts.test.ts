import {execFile} from 'node:child_process'
import {existsSync, mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import type {Report} from '../../src/core/report.js'
import {labHelmBinary, labKubectlBinary} from '../../src/lab/helm-binary.js'
import {ROOT, runCli} from '../helpers/cli.js'
import {
  LEGACY_SKIPS,
  TestLab,
  doctorUntil,
  eventually,
  failing as failingIds,
  notPassing,
  processesMentioning,
  remediationEnv,
  resultOf,
} from '../helpers/lab.js'

/**
 * The public SigNoz chart 0.131.0 (../shared/fixtures/charts, packaged from the SigNoz/charts
 * release tag) installed in the lab by the real Helm: its pods backed by what the lab runs, chosen
 * by image; its schema made by its own migrator Job's containers (ready, bootstrap, sync; async);
 * its collectors gated on `migrate sync check`. Then the failure the tool exists for, for real: a
 * collector whose sync migration the lab's ClickHouse cannot take, in the pre-upgrade hook.
 */
const CHARTS = join(ROOT, '..', 'shared', 'fixtures', 'charts')
const chart = (version: string) => join(CHARTS, `signoz-${version}.tgz`)
const present = existsSync(chart('0.131.0'))
if (!present) console.warn(`skipped: the public SigNoz charts are not in ${CHARTS}`)

const lab = new TestLab()
const state = mkdtempSync(join(tmpdir(), 'signoz-ha-real-charts-'))
/** Through the kubeconfig alone, as an operator runs it. */
const clusterEnv = (): NodeJS.ProcessEnv => ({
  KUBECONFIG: lab.status.kubeconfig,
  SIGNOZ_HA_CLICKHOUSE_URL: undefined,
  SIGNOZ_HA_CLICKHOUSE_USER: undefined,
  SIGNOZ_HA_CLICKHOUSE_PASSWORD: undefined,
})
const doctor = async (args: string[] = []) => {
  const r = await runCli(['doctor', '-o', 'json', ...args], {env: clusterEnv()})
  return {report: JSON.parse(r.stdout) as Report, code: r.code, stderr: r.stderr}
}
const tool = (binary: string | undefined, args: string[], timeoutMs = 60_000) =>
  new Promise<{code: number; stdout: string; stderr: string}>((resolve) =>
    execFile(binary!, ['--kubeconfig', lab.status.kubeconfig!, '-n', 'platform', ...args], {encoding: 'utf8', timeout: timeoutMs}, (error, stdout, stderr) =>
      resolve({code: error ? Number((error as {code?: number}).code ?? 1) : 0, stdout, stderr}),
    ),
  )
const kubectl = (...args: string[]) => tool(labKubectlBinary(31), args)
const helm = (args: string[], timeoutMs = 120_000) => tool(labHelmBinary(3), args, timeoutMs)

beforeAll(async () => {
  if (present) await lab.up(['--shards', '2', '--replicas', '2', '--chart', chart('0.131.0')])
})

afterAll(async () => {
  if (!present) return
  await lab.down()
  expect(processesMentioning(lab.dir)).toEqual([])
})

describe.skipIf(!present)('chart 0.131.0 in the lab', () => {
  test('lab status names the chart, the ClickHouse image it asks for, and the version each host runs', async () => {
    const r = await runCli(['lab', 'status', '--dir', lab.dir, '--json'])
    const status = JSON.parse(r.stdout) as {chartName: string; chartClickHouseImage: string; clickhouse: {version: string | null}[]; healthy: boolean}
    expect(status).toMatchObject({chartName: 'signoz-0.131.0', chartClickHouseImage: 'docker.io/clickhouse/clickhouse-server:25.12.5', healthy: true})
    for (const h of status.clickhouse) expect(h.version).toMatch(/^18\.16\./)
    const text = await runCli(['lab', 'status', '--dir', lab.dir])
    expect(text.stdout).toMatch(/chart\s+signoz-0\.131\.0 · asks for docker\.io\/clickhouse\/clickhouse-server:25\.12\.5/)
  })

  test("the chart's own objects run: its migrator Job's containers completed in order, the collectors passed their sync check", async () => {
    const job = JSON.parse((await kubectl('get', 'job', 'signoz-telemetrystore-migrator', '-o', 'json')).stdout) as {
      status: {conditions: {type: string; status: string}[]}
    }
    expect(job.status.conditions.find((c) => c.type === 'Complete')?.status).toBe('True')
    const sync = await kubectl('logs', 'job/signoz-telemetrystore-migrator', '-c', 'sync')
    expect(sync.code, sync.stderr).toBe(0)
    expect(sync.stdout).toMatch(/"msg":"running sync migrations"/)
    const collector = JSON.parse((await kubectl('get', 'pods', '-l', 'app.kubernetes.io/component=otel-collector', '-o', 'json')).stdout) as {
      items: {status: {initContainerStatuses: {name: string; state: {terminated?: {exitCode: number}}}[]}}[]
    }
    expect(collector.items[0]!.status.initContainerStatuses.map((c) => [c.name, c.state.terminated?.exitCode])).toEqual([['check', 0]])
  })

  test("doctor through the kubeconfig alone: the chart's one true problem here, its ClickHouse requirement (25.12.5) against the lab's 18.16; nothing else", async () => {
    const {report} = await doctorUntil(
      () => doctor(),
      (r) => notPassing(r).length <= 1,
      60_000,
    )
    expect(notPassing(report)).toEqual(['signoz/version-compat:fail'])
    expect(
      resultOf(report, 'signoz/version-compat')
        .findings.filter((f) => !f.ok)
        .map((f) => f.message),
    ).toEqual([expect.stringMatching(/^needs ClickHouse ≥ 25\.12\.5 but runs 18\.16\.1/)])
    expect(report.target).toMatchObject({namespace: 'platform', release: 'signoz'})
    for (const id of LEGACY_SKIPS) expect(resultOf(report, id).status).toBe('skip')
  })

  test('runbook run migrator-job-failed on the chart: the crash-looping hook named, the migrator run again with a timeout that holds, doctor back', async () => {
    await lab.break('migrator-job-failed')
    try {
      const {report} = await doctorUntil(
        () => doctor(['--only', 'kube/migrator-job']),
        (r) => failingIds(r).length > 0,
        30_000,
      )
      expect(resultOf(report, 'kube/migrator-job').findings.find((f) => !f.ok)?.message).toMatch(
        /^init container ready \(migrate ready\) exited 1.*context deadline exceeded/,
      )
      const r = await runCli(['runbook', 'run', 'migrator-job-failed', '--yes', '--json'], {
        env: {...remediationEnv(state), ...clusterEnv(), SIGNOZ_HA_CHART: chart('0.131.0')},
      })
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0)
      expect((JSON.parse(r.stdout) as {status: string}).status).toBe('fixed')
    } finally {
      await lab.heal('migrator-job-failed')
    }
  }, 240_000)

  test("a rename on the chart: Helm deletes the installation (the chart keeps none), its claims stay; doctor names them and the name to pin back; the runbook's two upgrades bring the hosts back on their claims", async () => {
    const claimsOf = async (chi: string) =>
      (await kubectl('get', 'pvc', '-l', `clickhouse.altinity.com/chi=${chi}`, '-o', 'name')).stdout.trim().split('\n').filter(Boolean)
    const before = await claimsOf('signoz-clickhouse')
    expect(before).toHaveLength(4)
    const renamed = await helm([
      'upgrade',
      'signoz',
      chart('0.131.0'),
      '--reuse-values',
      '--no-hooks',
      '--set',
      'clickhouse.fullnameOverride=signoz-clickhouse-v2',
    ])
    expect(renamed.code, renamed.stderr).toBe(0)
    try {
      await eventually(
        'Helm to delete the old installation',
        async () => !(await kubectl('get', 'chi', 'signoz-clickhouse', '-o', 'name')).stdout.trim(),
        30_000,
      )
      expect(await claimsOf('signoz-clickhouse')).toEqual(before)
      const {report} = await doctorUntil(
        () => doctor(['--only', 'kube/orphaned-claims']),
        (r) => failingIds(r).includes('kube/orphaned-claims'),
        30_000,
      )
      const finding = resultOf(report, 'kube/orphaned-claims').findings.find((f) => !f.ok)!
      expect(finding.subject).toBe('signoz-clickhouse')
      expect(finding.message).toMatch(/^installation signoz-clickhouse is gone but its 4 data claim\(s\) remain .*signoz-clickhouse-v2 serves now$/)
      expect(String(finding.evidence!.hint)).toContain('--set clickhouse.fullnameOverride=signoz-clickhouse')
      const shown = await runCli(['runbook', 'show', 'installation-renamed', '-n', 'platform', '--release', 'signoz'])
      expect(shown.stdout).toContain(
        'helm -n platform upgrade signoz signoz/signoz --reuse-values --no-hooks --set clickhouse.fullnameOverride=<old installation>',
      )
    } finally {
      // The runbook, by hand: the old name back without hooks, then with them.
      const pinned = await helm([
        'upgrade',
        'signoz',
        chart('0.131.0'),
        '--reuse-values',
        '--no-hooks',
        '--set',
        'clickhouse.fullnameOverride=signoz-clickhouse',
      ])
      expect(pinned.code, pinned.stderr).toBe(0)
      const hooks = await helm(['upgrade', 'signoz', chart('0.131.0'), '--reuse-values', '--timeout', '120s'], 180_000)
      expect(hooks.code, hooks.stderr).toBe(0)
    }
    // The old hosts are back on their claims; the renamed installation's claims are now the ones left over.
    await doctorUntil(
      () => doctor(['--only', 'clickhouse/reachable']),
      (r) => resultOf(r, 'clickhouse/reachable').status === 'pass',
      90_000,
    )
    const leftover = await doctorUntil(
      () => doctor(['--only', 'kube/orphaned-claims']),
      (r) => failingIds(r).includes('kube/orphaned-claims'),
      30_000,
    )
    expect(
      resultOf(leftover.report, 'kube/orphaned-claims')
        .findings.filter((f) => !f.ok)
        .map((f) => f.subject),
    ).toEqual(['signoz-clickhouse-v2'])
    // The last step: the empty installation's claims deleted; nothing left over.
    expect((await kubectl('delete', 'pvc', '-l', 'clickhouse.altinity.com/chi=signoz-clickhouse-v2', '--wait=false')).code).toBe(0)
    await doctorUntil(
      () => doctor(['--only', 'kube/orphaned-claims']),
      (r) => resultOf(r, 'kube/orphaned-claims').status === 'pass',
      60_000,
    )
    const {report} = await doctorUntil(
      () => doctor(),
      (r) => notPassing(r).length <= 1,
      90_000,
    )
    expect(notPassing(report)).toEqual(['signoz/version-compat:fail'])
  }, 420_000)

  test('a collector whose sync migration needs a newer ClickHouse, upgraded with plain Helm: sync fails for real in the hook; kubectl shows it; doctor names the step and its line within a minute', async () => {
    // Helm waits on the pre-upgrade hook; it gives up after 60 s with the release failed.
    const upgrade = helm(['upgrade', 'signoz', chart('0.131.0'), '--reuse-values', '--set', 'otelCollector.image.tag=v0.144.6', '--timeout', '60s'], 120_000)
    const started = Date.now()
    const failing = await doctorUntil(
      () => doctor(['--only', 'kube/migrator-job']),
      (r) => resultOf(r, 'kube/migrator-job').status === 'fail',
      60_000,
    )
    expect(Date.now() - started).toBeLessThan(60_000)
    const finding = resultOf(failing.report, 'kube/migrator-job').findings.find((f) => !f.ok)!
    expect(finding.subject).toBe('signoz-telemetrystore-migrator')
    // The lab's 18.16 server gives its own answer to the statement (a syntax error: it has no MODIFY SETTING); 25.5 answers 115.
    expect(finding.message).toMatch(
      /^init container sync \(migrate sync up\) exited 1.*: Error: failed to run migrations up sync: Code: 62.*object_serialization_version.* — the server does not understand the migration's statement/,
    )
    expect(finding.evidence).toMatchObject({container: 'sync'})
    await eventually(
      'kubectl to show the init container crash-looping',
      async () => /Init:(CrashLoopBackOff|Error)/.test((await kubectl('get', 'pods', '-l', 'job-name=signoz-telemetrystore-migrator', '--no-headers')).stdout),
      60_000,
    )
    const logs = await kubectl('logs', 'job/signoz-telemetrystore-migrator', '-c', 'sync')
    expect(logs.stdout).toMatch(/Error: failed to run migrations up sync: .*object_serialization_version/)
    expect((await upgrade).code).not.toBe(0)
    // Back to the collector the servers take: the hook Job is made anew and completes.
    const back = await helm(['upgrade', 'signoz', chart('0.131.0'), '--reuse-values', '--set', 'otelCollector.image.tag=v0.144.5', '--timeout', '90s'])
    expect(back.code, back.stderr).toBe(0)
    // What stays, as it would on a real cluster: the failed row of migration 1011, which the older collector does not know.
    const after = await doctorUntil(
      () => doctor(),
      (r) => notPassing(r).length <= 2,
      60_000,
    )
    expect(notPassing(after.report).sort()).toEqual(['signoz/migrations:fail', 'signoz/version-compat:fail'])
    expect(
      resultOf(after.report, 'signoz/migrations')
        .findings.filter((f) => !f.ok)
        .map((f) => f.subject),
    ).toEqual(['signoz_traces migration 1011'])
  }, 240_000)
})
