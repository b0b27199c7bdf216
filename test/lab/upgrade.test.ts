import {cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {runHelm} from '../../src/gateways/helm.js'
import {labHelm, labChartPath} from '../../src/lab/release.js'
import {labHelmBinary} from '../../src/lab/helm-binary.js'
import {LabKubeClient} from '../../src/lab/kube/admin-client.js'
import {readState} from '../../src/lab/state.js'
import {runCliInterrupted} from '../helpers/cli.js'
import {TestLab, remediationEnv, notPassing, processesMentioning} from '../helpers/lab.js'

/**
 * `upgrade --safe` on the lab with the real Helm binaries and the lab chart: the plan in
 * ClickHouse terms, a clean upgrade with postflight (Helm 3 and 4), the gates that refuse a
 * rename, a too-old ClickHouse, a downgrade and a missing backup, a failing migrator rolled back,
 * an interrupted upgrade that leaves nothing pending.
 */
const lab = new TestLab()
const state = mkdtempSync(join(tmpdir(), 'signoz-ha-upgrade-'))
const journalDir = join(state, 'signoz-ha', 'journal')
const journals = () =>
  existsSync(journalDir)
    ? readdirSync(journalDir)
        .filter((f) => f.endsWith('.jsonl'))
        .sort()
    : []
let env: NodeJS.ProcessEnv = {}

type History = {revision: number; status: string; chart: string}[]
const history = async (): Promise<History> => JSON.parse((await runHelm(labHelm(readState(lab.dir)), ['history', 'signoz', '-o', 'json'])).stdout) as History
const values = async () =>
  JSON.parse((await runHelm(labHelm(readState(lab.dir)), ['get', 'values', 'signoz', '-o', 'json'])).stdout) as {
    otelCollector?: {image?: {tag?: string}}
    telemetryStoreMigrator?: {timeout?: string}
  }
const upgrade = (args: string[], extra: NodeJS.ProcessEnv = {}) => lab.cli(['upgrade', '--safe', ...args], {...env, ...extra})
type Answer = {
  status: string
  gates: {id: string; status: string; message: string; fix?: string}[]
  plan: {changes: {level: string; what: string; means: string}[]}
}

/** A copy of the lab chart at another chart and app version, as `helm upgrade --version` would fetch it. */
function chartAt(version: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'signoz-ha-chart-')), 'signoz')
  cpSync(labChartPath(), dir, {recursive: true})
  const chart = join(dir, 'Chart.yaml')
  writeFileSync(
    chart,
    readFileSync(chart, 'utf8')
      .replace(/^version: .*$/m, `version: ${version}`)
      .replace(/^appVersion: .*$/m, `appVersion: v${version}`),
  )
  return dir
}

beforeAll(async () => {
  await lab.up(['--shards', '2', '--replicas', '2'])
  env = remediationEnv(state)
  // A release upgraded once already, as most are: the chart's migrator Job is then a hook (at
  // install it is a plain resource, which the first upgrade deletes right after its hook ran).
  const r = await runHelm(labHelm(readState(lab.dir)), ['upgrade', 'signoz', labChartPath(), '--reuse-values', '--timeout', '120s'], 130_000)
  expect(r.code, r.stderr).toBe(0)
})

afterAll(async () => {
  await lab.down()
  expect(processesMentioning(lab.dir)).toEqual([])
})

describe('plan', () => {
  test('--plan reads the change in ClickHouse terms and changes nothing; --detailed-exitcode says whether anything would', async () => {
    const before = await history()
    const r = await upgrade(['--plan', '--detailed-exitcode', '--json', '--set', 'clickhouse.layout.shardsCount=3', '--backup-confirmed'])
    expect(r.code, r.stderr).toBe(5)
    const answer = JSON.parse(r.stdout) as Answer
    expect(answer.plan.changes.find((c) => c.what === 'ClickHouse shards 2 → 3')?.level).toBe('caution')
    expect(await history()).toEqual(before)
    const none = await upgrade(['--plan', '--detailed-exitcode', '--backup-confirmed'])
    expect(none.stdout).toMatch(/no change: the release already renders this/)
    expect(none.code).toBe(0)
  })

  test('an operator image change is a caution that names every ClickHouse host it will restart', async () => {
    const r = await upgrade(['--plan', '--json', '--set', 'clickhouse.clickhouseOperator.image.tag=0.23.7', '--backup-confirmed'])
    const change = (JSON.parse(r.stdout) as Answer).plan.changes.find((c) => c.what.startsWith('clickhouse-operator 0.21.2 → 0.23.7'))
    expect(change?.level).toBe('caution')
    expect(change?.means).toMatch(
      /restarts every ClickHouse pod \(4: chi-signoz-clickhouse-cluster-0-0-0, chi-signoz-clickhouse-cluster-0-1-0, chi-signoz-clickhouse-cluster-1-0-0, chi-signoz-clickhouse-cluster-1-1-0\)/,
    )
  })
})

describe('gates refuse, and nothing changes', () => {
  test('a rename that would create a second installation: no-duplicate fails with the pinning fix', async () => {
    const before = await history()
    const r = await upgrade(['--json', '--yes', '--backup-confirmed', '--set', 'clickhouse.fullnameOverride=signoz-clickhouse-v2'])
    expect(r.code).toBe(3)
    const answer = JSON.parse(r.stdout) as Answer
    expect(answer.status).toBe('gate-failed')
    const gate = answer.gates.find((g) => g.id === 'no-duplicate')!
    expect(gate.status).toBe('fail')
    expect(gate.fix).toBe('pin the name: --set clickhouse.fullnameOverride=signoz-clickhouse (and keep it in your values file)')
    expect(answer.plan.changes.find((c) => c.level === 'danger')?.what).toBe('ClickHouse installation renamed signoz-clickhouse → signoz-clickhouse-v2')
    expect(await history()).toEqual(before)
    expect(journals()).toEqual([])
  })

  test('chart 0.131 on ClickHouse 18.16: version-requirements fails and says to upgrade ClickHouse first', async () => {
    const r = await upgrade(['--json', '--yes', '--backup-confirmed'], {SIGNOZ_HA_CHART: chartAt('0.131.0')})
    expect(r.code).toBe(3)
    const gate = (JSON.parse(r.stdout) as Answer).gates.find((g) => g.id === 'version-requirements')!
    expect(gate.message).toMatch(/^chart 0\.131\.0 needs ClickHouse ≥ 25\.12\.5, runs 18\.16/)
    // The chart is a directory here: the fix names the chart deployed (0.130.1), not --version of a file.
    expect(gate.fix).toMatch(
      /^upgrade ClickHouse first, on the current chart: helm upgrade signoz <chart 0\.130\.1: the \.tgz or directory you deployed> --reuse-values --set clickhouse\.image\.tag=25\.12\.5/,
    )
  })

  test('collector v0.144.6 on ClickHouse 18.16: version-requirements refuses it (its sync migration 1011 needs 25.12)', async () => {
    const before = await history()
    const r = await upgrade(['--json', '--yes', '--backup-confirmed', '--set', 'otelCollector.image.tag=v0.144.6'])
    expect(r.code).toBe(3)
    const gate = (JSON.parse(r.stdout) as Answer).gates.find((g) => g.id === 'version-requirements')!
    expect(gate.message).toMatch(/^collector v0\.144\.6 needs ClickHouse ≥ 25\.12\.5, runs 18\.16/)
    expect(await history()).toEqual(before)
  })

  test('a downgrade is refused by version-path', async () => {
    const r = await upgrade(['--json', '--yes', '--backup-confirmed'], {SIGNOZ_HA_CHART: chartAt('0.120.0')})
    expect(r.code).toBe(3)
    expect((JSON.parse(r.stdout) as Answer).gates.find((g) => g.id === 'version-path')?.message).toBe(
      'SigNoz v0.130.1 → v0.120.0 is a downgrade: migrations do not run backwards',
    )
  })

  test('no recent backup: the backup gate fails until every claim has a VolumeSnapshot from the last day', async () => {
    const args = ['--plan', '--json', '--set', 'otelCollector.image.tag=v0.144.4']
    const gate = async () => (JSON.parse((await upgrade(args)).stdout) as Answer).gates.find((g) => g.id === 'backup')!
    expect((await gate()).message).toBe('the cluster serves no VolumeSnapshot API and no backup was confirmed')
    const kube = new LabKubeClient(readState(lab.dir))
    await kube.create('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      metadata: {name: 'volumesnapshots.snapshot.storage.k8s.io'},
      spec: {
        group: 'snapshot.storage.k8s.io',
        scope: 'Namespaced',
        names: {plural: 'volumesnapshots', singular: 'volumesnapshot', kind: 'VolumeSnapshot'},
        versions: [{name: 'v1', served: true, storage: true, schema: {openAPIV3Schema: {type: 'object', 'x-kubernetes-preserve-unknown-fields': true}}}],
      },
    })
    const claims = (
      (
        await kube.get<{items: {metadata: {name: string}}[]}>(
          '/api/v1/namespaces/platform/persistentvolumeclaims?labelSelector=clickhouse.altinity.com/chi=signoz-clickhouse',
        )
      )?.items ?? []
    ).map((c) => c.metadata.name)
    expect((await gate()).message).toBe(`no snapshot from the last 24 h for ${claims.join(', ')}`)
    for (const claim of claims) {
      await kube.create('/apis/snapshot.storage.k8s.io/v1/namespaces/platform/volumesnapshots', {
        metadata: {name: `pre-upgrade-${claim}`},
        spec: {source: {persistentVolumeClaimName: claim}},
        status: {readyToUse: true},
      })
    }
    const passed = await gate()
    expect(passed).toMatchObject({status: 'pass', message: `every ClickHouse claim (${claims.length}) has a snapshot from the last 24 h`})
  })

  test('without a terminal and without --yes: exit 4, nothing changed', async () => {
    const before = await history()
    const r = await upgrade(['--set', 'otelCollector.image.tag=v0.144.4'])
    expect(r.code).toBe(4)
    expect(r.stderr).toMatch(/signoz-ha: stdin is not a terminal and --yes was not given: nothing was changed/)
    expect(await history()).toEqual(before)
  })
})

describe('the upgrade', () => {
  for (const major of [3, 4] as const) {
    test(`Helm ${major}: a clean upgrade runs the migrator, passes postflight, and a re-run has nothing to do`, async () => {
      // Collector tags before v0.144.6 (whose sync migration needs ClickHouse 25.12): the lab's 18.16 servers take them.
      const tag = major === 3 ? 'v0.144.4' : 'v0.144.3'
      const before = (await history()).at(-1)!
      const r = await upgrade(['--yes', '--backup-confirmed', '--set', `otelCollector.image.tag=${tag}`], {SIGNOZ_HA_HELM: labHelmBinary(major)})
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0)
      expect(r.stdout).toMatch(/upgraded: signoz is deployed on chart 0\.130\.1; postflight clean/)
      expect(r.stderr).toMatch(/migrator sync-up: \{"level":"info",.*"msg":"running sync migrations"/)
      const after = (await history()).at(-1)!
      expect(after).toMatchObject({revision: before.revision + 1, status: 'deployed'})
      expect((await values()).otelCollector?.image?.tag).toBe(tag)
      const again = await upgrade(['--yes', '--backup-confirmed', '--set', `otelCollector.image.tag=${tag}`], {SIGNOZ_HA_HELM: labHelmBinary(major)})
      expect(again.stdout).toMatch(/nothing to upgrade/)
      expect(again.code).toBe(0)
      expect(notPassing((await lab.doctor([], env)).report)).toEqual([])
    })
  }

  test('a migrator that fails is named from its log, the upgrade rolled back, the release deployed at the previous values (exit 5)', async () => {
    const before = (await history()).at(-1)!
    const r = await upgrade(['--yes', '--backup-confirmed', '--rollback-on-failure', '--set', 'telemetryStoreMigrator.timeout=1ms'])
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(5)
    expect(r.stderr).toMatch(/recognised: the migrator's own timeout passed \(telemetryStoreMigrator\.timeout\) → signoz-ha runbook show migrator-job-failed/)
    expect(r.stdout).toMatch(new RegExp(`^rolled back: helm upgrade failed: .*; the release is deployed again from revision ${before.revision}`, 'm'))
    const now = await history()
    expect(now.at(-2), r.stderr).toMatchObject({revision: before.revision + 1, status: 'failed'})
    expect(now.at(-1)).toMatchObject({revision: before.revision + 2, status: 'deployed'})
    expect((await values()).telemetryStoreMigrator?.timeout).not.toBe('1ms')
    expect(notPassing((await lab.doctor([], env)).report)).toEqual([])
  })

  test('Ctrl-C while Helm runs: Helm stops cleanly, the release is never left pending', async () => {
    const {code, stdout, stderr} = await runCliInterrupted(
      ['upgrade', '--safe', '--yes', '--backup-confirmed', '--set', 'otelCollector.image.tag=v0.144.2'],
      {KUBECONFIG: lab.status.kubeconfig, ...env},
      /: applying/,
    )
    expect(stderr).toMatch(/SIGINT: stopping after the current step/)
    expect([4, 5]).toContain(code)
    expect(stdout).toMatch(code === 5 ? /^rolled back: interrupted/m : /^aborted: interrupted: Helm was asked to stop; nothing was changed/m)
    const latest = (await history()).at(-1)!
    expect(latest.status).toBe('deployed')
    expect((await history()).some((h) => h.status.startsWith('pending'))).toBe(false)
  })

  test('the journals record every run and hold no secret', async () => {
    const password = lab.status.password
    expect(journals().length).toBeGreaterThanOrEqual(4)
    for (const f of journals()) expect(readFileSync(join(journalDir, f), 'utf8')).not.toContain(password)
  })
})
