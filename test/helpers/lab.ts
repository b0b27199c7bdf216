import {existsSync, mkdtempSync, readdirSync, readFileSync, renameSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, expect} from 'vitest'
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

/** Whether a test of this file failed: its labs' directories are kept for the post-mortem. */
let failedInFile = false
afterEach((context) => {
  if (context.task.result?.state === 'fail') failedInFile = true
})

/** A real lab in a fresh temporary directory, driven through the CLI. */
export class TestLab {
  status!: LabStatus
  readonly dir = mkdtempSync(join(tmpdir(), 'signoz-ha-test-'))
  private upArgs: string[] = []
  /** Directories of labs this file gave up on (kept: the servers' logs, the kubelet's store, the state file). */
  readonly kept: string[] = []

  async up(args: string[] = []): Promise<LabStatus> {
    this.upArgs = args
    const r = await runCli(['lab', 'up', '--dir', this.dir, '--json', ...args], {timeoutMs: 240_000})
    if (r.code !== 0) {
      failedInFile = true
      throw new Error(`lab up failed (${r.code}): ${r.stderr}`)
    }
    this.status = JSON.parse(r.stdout) as LabStatus
    return this.status
  }

  /** Stops the lab; after a failed test its directory stays, and where is printed. */
  async down(): Promise<void> {
    if (failedInFile && existsSync(this.dir)) {
      await runCli(['lab', 'down', '--keep', '--dir', this.dir])
      this.kept.push(this.dir)
    } else await runCli(['lab', 'down', '--dir', this.dir])
    if (this.kept.length)
      process.stderr.write(
        `signoz-ha test: lab directories kept for inspection (server logs under clickhouse/*/log, the simulator's store, lab.json): ${this.kept.join(', ')}\n`,
      )
  }

  /**
   * Proves the lab healthy before a drill: doctor through the kubeconfig clean within ms (polled).
   * A lab that does not get there is kept for inspection and rebuilt with the same layout, so one
   * failed drill stays one failure instead of every later drill running on the damage.
   */
  async healthy(ms = 60_000): Promise<void> {
    const through = {SIGNOZ_HA_CLICKHOUSE_URL: undefined, SIGNOZ_HA_CLICKHOUSE_USER: undefined, SIGNOZ_HA_CLICKHOUSE_PASSWORD: undefined}
    const run = await doctorUntil(
      () => this.doctor([], through).catch(() => ({report: undefined as unknown as Report})),
      (r) => r !== undefined && notPassing(r).length === 0,
      ms,
    )
    if (run.report && notPassing(run.report).length === 0) return
    const left = run.report ? notPassing(run.report).join(', ') : 'no report'
    await runCli(['lab', 'down', '--keep', '--dir', this.dir])
    const keep = `${this.dir}-unhealthy-${this.kept.length + 1}`
    renameSync(this.dir, keep)
    this.kept.push(keep)
    process.stderr.write(`signoz-ha test: the lab did not get healthy within ${ms} ms (${left}); kept in ${keep}, rebuilding\n`)
    await this.up(this.upArgs)
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
export const failing = (report: Report): string[] =>
  report.results
    .filter((r) => r.status === 'fail')
    .map((r) => r.id)
    .sort()

/** The ids of checks that did not pass (the known skips on an 18.x server aside). */
export const notPassing = (report: Report) =>
  report.results
    .filter((r) => r.status !== 'pass' && !(r.status === 'skip' && LEGACY_SKIPS.has(r.id) && (report.target.clickhouse.version ?? '').startsWith('18.')))
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
