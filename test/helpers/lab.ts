import {mkdtempSync, readdirSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {expect} from 'vitest'
import type {Report} from '../../src/core/report.js'
import type {LabStatus} from '../../src/lab/world.js'
import {labChartPath} from '../../src/lab/release.js'
import {labHelmBinary} from '../../src/lab/helm-binary.js'
import {labEnv, runCli, type CliResult} from './cli.js'

/**
 * The environment of a command that changes the lab through its Kubernetes half only: journals
 * under stateHome, the lab's Helm binary and chart, no ClickHouse URL or credentials given.
 */
export const remediationEnv = (stateHome: string): NodeJS.ProcessEnv => ({
  XDG_STATE_HOME: stateHome,
  SIGNOZ_HA_HELM: labHelmBinary(3),
  SIGNOZ_HA_CHART: labChartPath(),
  SIGNOZ_HA_CLICKHOUSE_URL: undefined,
  SIGNOZ_HA_CLICKHOUSE_USER: undefined,
  SIGNOZ_HA_CLICKHOUSE_PASSWORD: undefined,
})

/** A real lab in a fresh temporary directory, driven through the CLI. */
export class TestLab {
  status!: LabStatus
  readonly dir = mkdtempSync(join(tmpdir(), 'signoz-ha-test-'))

  async up(args: string[] = []): Promise<LabStatus> {
    const r = await runCli(['lab', 'up', '--dir', this.dir, '--json', ...args], {timeoutMs: 240_000})
    if (r.code !== 0) throw new Error(`lab up failed (${r.code}): ${r.stderr}`)
    this.status = JSON.parse(r.stdout) as LabStatus
    return this.status
  }

  async down(): Promise<void> {
    await runCli(['lab', 'down', '--dir', this.dir])
  }

  cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
    return runCli(args, {env: {...labEnv(this.status), ...env}})
  }

  async break(fault: string, target?: string): Promise<void> {
    const r = await runCli(['lab', 'break', fault, '--dir', this.dir, ...(target ? ['--target', target] : [])])
    expect(r.stderr, `lab break ${fault}`).toBe('')
    expect(r.code).toBe(0)
  }

  async heal(fault?: string): Promise<void> {
    const r = await runCli(['lab', 'heal', ...(fault ? [fault] : []), '--dir', this.dir], {timeoutMs: 240_000})
    expect(r.stderr, `lab heal ${fault ?? ''}`).toBe('')
    expect(r.code).toBe(0)
  }

  async doctor(args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{report: Report; code: number; ms: number; stderr: string}> {
    const r = await this.cli(['doctor', '-o', 'json', ...args], env)
    return {report: JSON.parse(r.stdout) as Report, code: r.code, ms: r.ms, stderr: r.stderr}
  }
}

/**
 * A doctor run repeated (each second) until done(report) holds or ms have passed; the last run
 * either way. Faults that develop (ingestion going stale, a Keeper session expiring) show at the
 * machine's pace.
 */
export async function doctorUntil<R extends {report: Report}>(doctor: () => Promise<R>, done: (report: Report) => boolean, ms: number): Promise<R> {
  const deadline = Date.now() + ms
  for (;;) {
    const run = await doctor()
    if (done(run.report) || Date.now() > deadline) return run
    await new Promise((resolve) => setTimeout(resolve, 1000))
  }
}

/** Waits (polling every 100 ms) until condition() holds; past ms, fails naming what it waited for. */
export async function eventually(what: string, condition: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

export const resultOf = (report: Report, id: string) => {
  const r = report.results.find((x) => x.id === id)
  if (!r) throw new Error(`no result for ${id}`)
  return r
}

/** Checks that skip, with their reason, on the lab's ClickHouse 18.16 (it lacks the system table they read). */
export const LEGACY_SKIPS = new Set(['clickhouse/disk-free', 'signoz/retention', 'clickhouse/distribution-queue', 'clickhouse/errors'])

/** The ids of the checks that failed, sorted. */
export const failing = (report: Report): string[] => report.results.filter((r) => r.status === 'fail').map((r) => r.id).sort()

/** The ids of checks that did not pass (the known skips on an 18.x server aside). */
export const notPassing = (report: Report) =>
  report.results
    .filter((r) => r.status !== 'pass' && !(r.status === 'skip' && LEGACY_SKIPS.has(r.id) && /^18\./.test(report.target.clickhouse.version ?? '')))
    .map((r) => `${r.id}:${r.status}`)

/** Live processes whose command line mentions text (zombies excluded), other than this one. */
export function processesMentioning(text: string): string[] {
  const found: string[] = []
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    if (Number(pid) === process.pid) continue
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') continue
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')
      if (cmd.includes(text)) found.push(`${pid} ${cmd}`)
    } catch {
      // the process ended while we looked
    }
  }
  return found
}
