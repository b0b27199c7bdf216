import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import type {Report} from '../../src/core/report.js'
import {HttpClickHouseFleet} from '../../src/gateways/clickhouse-fleet.js'
import {chdbEngine} from '../../src/lab/engine.js'
import type {StatusView} from '../../src/status/view.js'
import {runCli} from '../helpers/cli.js'
import {TestLab, doctorUntil, failing, processesMentioning, resultOf} from '../helpers/lab.js'
import {ALL_NAMED_QUERIES, SAMPLE_PARAMS} from '../helpers/sample-params.js'
import {expectProbedTablesAndOneThread} from '../helpers/probe-truth.js'
import {BOOKKEEPING_TABLES} from '../../src/signoz/schema.js'

/**
 * The lab on ClickHouse 26.7 (the chdb package's engine, served for real): two shards of one
 * replica. The checks 18.16 cannot show run on real data here, and each fails for real under its
 * fault and passes again after heal; every named query runs on a live 26.7 server.
 */
const available = chdbEngine() !== undefined
if (!available) console.warn('skipped: no modern engine (the chdb package and python3)')

const lab = new TestLab()
const work = mkdtempSync(join(tmpdir(), 'signoz-ha-modern-'))
const LOW = join(work, 'low.yaml')
writeFileSync(LOW, 'thresholds:\n  partsPerPartition: 30\n  mutationStuck: 1s\n')
/** Through the kubeconfig alone, as an operator runs it. */
const env = (): NodeJS.ProcessEnv => ({
  KUBECONFIG: lab.status.kubeconfig,
  SIGNOZ_HA_CLICKHOUSE_URL: undefined,
  SIGNOZ_HA_CLICKHOUSE_USER: undefined,
  SIGNOZ_HA_CLICKHOUSE_PASSWORD: undefined,
})
const cli = (args: string[]) => runCli(args, {env: env(), cwd: work})
const doctor = async (args: string[] = []) => {
  const r = await cli(['doctor', '-o', 'json', ...args])
  return {report: JSON.parse(r.stdout) as Report, code: r.code}
}
/** What a healthy modern lab shows: the one HA warning (one replica per shard), nothing else failing. */
const onlyHaWarning = (r: Report) => failing(r).join(',') === 'helm/values-ha'

beforeAll(async () => {
  if (available) await lab.up(['--clickhouse', 'modern', '--shards', '2'])
})

afterAll(async () => {
  if (!available) return
  await lab.down()
  expect(processesMentioning(lab.dir)).toEqual([])
})

describe.skipIf(!available)('a lab on ClickHouse 26.7 (lab up --clickhouse modern)', () => {
  test('two shards of one replica, each host a real 26.7 server', async () => {
    const status = JSON.parse((await runCli(['lab', 'status', '--dir', lab.dir, '--json'])).stdout) as {
      shards: number
      replicasPerShard: number
      replication: boolean
      clickhouse: {version: string; healthy: boolean}[]
    }
    expect(status).toMatchObject({shards: 2, replicasPerShard: 1, replication: false})
    for (const h of status.clickhouse) expect(h).toMatchObject({version: expect.stringMatching(/^26\.7\./), healthy: true})
  })

  test('doctor: the four checks 18.16 skips run on real data; what needs replication or Keeper skips with why; the HA rule says one replica is not HA', async () => {
    const {report} = await doctorUntil(() => doctor(), onlyHaWarning, 30_000)
    expect(failing(report)).toEqual(['helm/values-ha'])
    for (const id of ['clickhouse/disk-free', 'clickhouse/distribution-queue', 'clickhouse/errors', 'signoz/retention'])
      expect(resultOf(report, id).status, id).toBe('pass')
    expect(report.results.filter((r) => r.status === 'skip').map((r) => [r.id, r.reason])).toEqual([
      ['clickhouse/ddl-queue', expect.stringMatching(/no system.distributed_ddl_queue and no Keeper on chi-signoz-clickhouse-cluster-0-0/)],
      ['keeper/reachable', expect.stringMatching(/^no host uses Keeper: no replicated table/)],
    ])
    expect(
      resultOf(report, 'helm/values-ha')
        .findings.filter((f) => !f.ok)
        .map((f) => f.subject),
    ).toEqual(['clickhouse.layout.replicasCount'])
  })

  test('the probe records which migration bookkeeping tables each host keeps; every read runs on one thread', async () => {
    const fleet = await HttpClickHouseFleet.open(
      lab.status.clickhouse.map((h) => ({url: h.url, user: lab.status.user, password: lab.status.password})),
      {requestTimeoutMs: 5000, probeTables: BOOKKEEPING_TABLES},
    )
    try {
      await expectProbedTablesAndOneThread(fleet)
    } finally {
      await fleet.close()
    }
  })

  test('every named query runs on a live 26.7 server, or is declared unsupported there', async () => {
    const fleet = await HttpClickHouseFleet.open(
      lab.status.clickhouse.map((h) => ({url: h.url, user: lab.status.user, password: lab.status.password})),
      {requestTimeoutMs: 5000},
    )
    try {
      for (const query of ALL_NAMED_QUERIES) {
        for (const r of await fleet.queryEach(query, SAMPLE_PARAMS[query.name])) {
          // Without Keeper the Keeper-backed tables are absent; no golang-migrate table either.
          const allowed = ['unsupported', ...(query.name === 'legacy-migration-version' ? ['not-found'] : [])]
          if (r.error) expect(allowed, `${query.name} on ${r.host.name}: ${r.error.kind}: ${r.error.message}`).toContain(r.error.kind)
        }
      }
    } finally {
      await fleet.close()
    }
  })
})

describe.skipIf(!available)('faults on 26.7: each check fails for real, and passes after heal', () => {
  const cases: {fault: string; check: string; message: RegExp; args?: string[]}[] = [
    {fault: 'disk-nearly-full', check: 'clickhouse/disk-free', message: /^\d+\.\d GiB free of [\d.]+ GiB \(\d+%, below 10%\)$/},
    {
      fault: 'shard-down',
      check: 'clickhouse/distribution-queue',
      message: /file\(s\) waiting to be sent, \d+ send error\(s\): Code: 279\. DB::NetException: All connection tries failed/,
    },
    {fault: 'error-fingerprint', check: 'clickhouse/errors', message: /^MEMORY_LIMIT_EXCEEDED \(241\) \d+s ago: .*memory limit exceeded/i},
    {fault: 'ttl-missing', check: 'signoz/retention', message: /^no TTL: logs are kept until the disk fills$/},
    {
      fault: 'stuck-mutation',
      check: 'clickhouse/mutations-stuck',
      message: /not done after \d+s: Code: 395\. DB::Exception: Value passed to 'throwIf' function is non-zero/,
      args: ['--config', LOW],
    },
    {
      fault: 'too-many-parts',
      check: 'clickhouse/parts-per-partition',
      message: /^partition \d{4}-\d\d-\d\d has \d+ active parts \(threshold 30\)$/,
      args: ['--config', LOW],
    },
  ]
  for (const c of cases) {
    test(`${c.fault} → ${c.check}`, async () => {
      await lab.break(c.fault)
      try {
        const broken = await doctorUntil(
          () => doctor(c.args),
          (r) => failing(r).includes(c.check),
          60_000,
        )
        const finding = resultOf(broken.report, c.check).findings.find((f) => !f.ok)
        expect(finding?.message, JSON.stringify(resultOf(broken.report, c.check))).toMatch(c.message)
      } finally {
        await lab.heal(c.fault)
      }
      const healed = await doctorUntil(
        () => doctor(c.args),
        (r) => !failing(r).includes(c.check),
        60_000,
      )
      expect(resultOf(healed.report, c.check).status, JSON.stringify(resultOf(healed.report, c.check))).toBe('pass')
    })
  }
})

describe.skipIf(!available)('the operator tools on 26.7', () => {
  test('a host killed for good is restarted by the kubelet as a container; doctor names its pod state meanwhile', async () => {
    await lab.break('kill-replica')
    try {
      const down = await doctorUntil(
        () => doctor(['--only', 'clickhouse/reachable']),
        (r) => failing(r).length > 0,
        30_000,
      )
      expect(resultOf(down.report, 'clickhouse/reachable').findings.find((f) => !f.ok)?.message).toMatch(
        /pod chi-signoz-clickhouse-cluster-1-0-0 is (Running but not ready|\w+); container clickhouse/,
      )
    } finally {
      await lab.heal('kill-replica')
    }
    const {report} = await doctorUntil(() => doctor(), onlyHaWarning, 60_000)
    expect(failing(report)).toEqual(['helm/values-ha'])
  })

  test('status, bundle, doctor --from-bundle, storage report and doctor --export otlp run on it', async () => {
    const status = await cli(['status', '-o', 'json'])
    expect(status.code, status.stderr).toBe(0)
    const view = JSON.parse(status.stdout) as StatusView
    expect(view.hosts.map((h) => [h.version, h.keeperSession])).toEqual([
      [expect.stringMatching(/^26\.7/), 'not configured'],
      [expect.stringMatching(/^26\.7/), 'not configured'],
    ])
    expect(view.problems).toEqual([])
    const bundle = await cli(['bundle', '-o', join(work, 'b.tar.gz')])
    expect(bundle.code, bundle.stderr).toBe(0)
    const offline = await runCli(['doctor', '--from-bundle', join(work, 'b.tar.gz'), '-o', 'json'], {env: {KUBECONFIG: undefined}})
    expect(failing(JSON.parse(offline.stdout) as Report)).toEqual(['helm/values-ha'])
    const storage = await cli(['storage', 'report', '--json'])
    expect(storage.code, storage.stderr).toBe(0)
    const exported = await runCli(['doctor', '--export', 'otlp', '-o', 'line'], {
      env: {...env(), OTEL_EXPORTER_OTLP_ENDPOINT: lab.status.otlp.url ?? undefined},
    })
    expect(JSON.parse(exported.stdout.trim())).toMatchObject({export: {ok: true}})
  })
})
