import {existsSync, mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import type {Report} from '../../src/core/report.js'
import {ROOT, runCli} from '../helpers/cli.js'
import {TestLab, notPassing, processesMentioning, remediationEnv} from '../helpers/lab.js'

/**
 * An upgrade rehearsal with the public charts, as the README shows it: lab up on chart 0.112.1
 * (its schema-migrator Jobs), upgrade --safe to 0.113.0 (the telemetrystore-migrator, a
 * pre-upgrade hook whose containers are watched live), then to 0.131.0, which asks for a
 * ClickHouse the lab's servers are not: the version gate refuses and names the requirement.
 */
const CHARTS = join(ROOT, '..', 'shared', 'fixtures', 'charts')
const chart = (version: string) => join(CHARTS, `signoz-${version}.tgz`)
const present = ['0.112.1', '0.113.0', '0.131.0'].every((v) => existsSync(chart(v)))
if (!present) console.warn(`skipped: the public SigNoz charts are not in ${CHARTS}`)

const lab = new TestLab()
const state = mkdtempSync(join(tmpdir(), 'signoz-ha-rehearsal-'))
const env = (): NodeJS.ProcessEnv => ({...remediationEnv(state), KUBECONFIG: lab.status.kubeconfig, SIGNOZ_HA_CHART: undefined})
const cli = (args: string[]) => runCli(args, {env: env(), timeoutMs: 300_000})
const doctor = async () => JSON.parse((await cli(['doctor', '-o', 'json'])).stdout) as Report
type Answer = {status: string; gates: {id: string; status: string; message: string}[]; plan: {changes: {level: string; what: string; means: string}[]}}

beforeAll(async () => {
  if (present) await lab.up(['--shards', '2', '--replicas', '2', '--chart', chart('0.112.1')])
})

afterAll(async () => {
  if (!present) return
  await lab.down()
  expect(processesMentioning(lab.dir)).toEqual([])
})

describe.skipIf(!present)('rehearse your upgrade with the chart versions you run: 0.112.1 → 0.113.0 → 0.131.0', () => {
  test('chart 0.112.1 in the lab: its schema-migrator Jobs made the schema; doctor clean', async () => {
    expect(notPassing(await doctor())).toEqual([])
  })

  test('the plan to 0.113.0 says the schema-migrator Jobs give way to the telemetrystore-migrator hook', async () => {
    const r = await cli(['upgrade', '--safe', '--plan', '--json', '--chart', chart('0.113.0'), '--backup-confirmed'])
    const answer = JSON.parse(r.stdout) as Answer
    expect(
      answer.gates.every((g) => g.status === 'pass'),
      JSON.stringify(answer.gates),
    ).toBe(true)
    const change = answer.plan.changes.find((c) => c.what.startsWith('the schema-migrator Jobs'))
    expect(change).toMatchObject({
      level: 'caution',
      what: 'the schema-migrator Jobs (signoz-schema-migrator-async-init, signoz-schema-migrator-sync-init) give way to signoz-telemetrystore-migrator',
    })
    expect(change?.means).toMatch(/init containers \(ready → bootstrap → sync up\)/)
  })

  test('upgrade --safe to 0.113.0: gates, the real Helm upgrade with the new migrator watched container by container, postflight clean', async () => {
    const r = await cli(['upgrade', '--safe', '--chart', chart('0.113.0'), '--yes', '--backup-confirmed'])
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0)
    expect(r.stdout).toMatch(/^upgraded: signoz is deployed on chart 0\.113\.0; postflight clean/m)
    expect(r.stderr).toMatch(/migrator sync: \{"level":"info",.*"msg":"running sync migrations"/)
    expect(notPassing(await doctor())).toEqual([])
  })

  test("upgrade --safe to 0.131.0 on the lab's ClickHouse 18.16: the version gate refuses, names the requirement, changes nothing", async () => {
    const r = await cli(['upgrade', '--safe', '--chart', chart('0.131.0'), '--yes', '--backup-confirmed', '--json'])
    expect(r.code).toBe(3)
    const answer = JSON.parse(r.stdout) as Answer
    expect(answer.status).toBe('gate-failed')
    expect(answer.gates.find((g) => g.id === 'version-requirements')?.message).toMatch(/^chart 0\.131\.0 needs ClickHouse ≥ 25\.12\.5, runs 18\.16\.1/)
    const status = JSON.parse((await runCli(['status', '-o', 'json'], {env: env()})).stdout) as {release: {chart: string; status: string}}
    expect(status.release).toMatchObject({chart: 'signoz-0.113.0', status: 'deployed'})
  })
})
