import {join} from 'node:path'
import {describe, expect, test} from 'vitest'
import {ALL_RUNBOOKS} from '../../runbooks/index.js'
import {ROOT, runCli} from '../helpers/cli.js'

/** The commands that need no cluster, run as a user runs them (the built CLI): output and exit codes. */
describe('runbook list and show', () => {
  test('list --json names every runbook', async () => {
    const r = await runCli(['runbook', 'list', '--json'])
    expect(r.code).toBe(0)
    expect((JSON.parse(r.stdout) as {runbooks: {id: string}[]}).runbooks.map((x) => x.id)).toEqual(ALL_RUNBOOKS.map((x) => x.id))
  })

  test('show fills in the namespace and release and marks the steps run carries out', async () => {
    const r = await runCli(['runbook', 'show', 'helm-release-stuck', '-n', 'platform', '--release', 'signoz'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^2\. Roll back to the last deployed revision \[DISRUPTIVE · run\]$/m)
    expect(r.stdout).toContain('helm -n platform rollback signoz <last deployed revision> --wait')
    expect(r.stdout).toMatch(/Steps marked "run" are carried out by: signoz-ha runbook run helm-release-stuck/)
  })

  test('show -o json says which steps are automated, and the kind', async () => {
    const r = await runCli(['runbook', 'show', 'clickhouse-rolling-restart', '-o', 'json'])
    const runbook = JSON.parse(r.stdout) as {kind: string; steps: {title: string; automated: boolean}[]}
    expect(runbook.kind).toBe('procedure')
    expect(runbook.steps.map((s) => s.automated)).toEqual([false, true, false])
  })

  test('an unknown runbook is a one-line usage error', async () => {
    const r = await runCli(['runbook', 'show', 'nope'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^signoz-ha: no runbook "nope"\n {2}hint: runbooks: /)
  })
})

describe('values lint, storage plan, upgrade usage', () => {
  test("values lint: the chart's defaults exit 1 with file:line; a missing file exits 2", async () => {
    const chart = join(ROOT, 'src/lab/chart/signoz/values.yaml')
    const r = await runCli(['values', 'lint', chart])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(`✗ replicas (critical) clickhouse.layout.replicasCount · ${chart}:40`)
    const missing = await runCli(['values', 'lint', '/nonexistent/values.yaml'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toBe('signoz-ha: values file /nonexistent/values.yaml does not exist\n')
  })

  test('storage plan: the disk per replica; exit 1 when a given disk fills before retention is reached', async () => {
    const r = await runCli(['storage', 'plan', '--ingest-gb-per-day', '200', '--json'])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({replicaDiskGb: 300, totalDiskGb: 1200})
    const small = await runCli(['storage', 'plan', '--ingest-gb-per-day', '200', '--disk', '100Gi'])
    expect(small.code).toBe(1)
    // 100Gi = 107.4 GB; 75% of it usable, filled at 12.5 GB a day.
    expect(small.stdout).toContain('107.4 GB per replica is full after 6.4 days (steady state would need 279.4% of the usable disk)')
    const bad = await runCli(['storage', 'plan', '--ingest-gb-per-day', '200', '--share', 'traces=2'])
    expect(bad.code).toBe(2)
  })

  test('upgrade: an unknown gate is a usage error before any cluster is touched', async () => {
    const r = await runCli(['upgrade', '--safe', '--skip-gate', 'no-such-gate', '--kubeconfig', '/nonexistent'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^signoz-ha: unknown gate no-such-gate\n {2}hint: gates: cluster-healthy, version-path, /)
  })
})

describe('doctor check selection', () => {
  test('--only takes a comma-separated list as well as repeated flags: an unknown id in it is named alone', async () => {
    const r = await runCli(['doctor', '--only', 'clickhouse/reachable,no-such-check', '--clickhouse-url', 'http://127.0.0.1:1'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^signoz-ha: no check matches "no-such-check"\n/)
  })
})
