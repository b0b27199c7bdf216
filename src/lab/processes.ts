import {spawn} from 'node:child_process'
import {closeSync, fstatSync, openSync, readFileSync, readSync, readdirSync} from 'node:fs'
import {IncompleteError} from '../core/errors.js'
import {setTimeout as sleep} from 'node:timers/promises'

export type ProcessState = 'running' | 'stopped' | 'dead'

/**
 * Starts a process that outlives the CLI: its own session, output appended to a log
 * file, no handle kept. Returns its pid.
 */
export function spawnDetached(command: string, args: readonly string[], options: {cwd: string; log: string; env?: NodeJS.ProcessEnv}): number {
  const out = openSync(options.log, 'a')
  try {
    const child = spawn(command, args, {
      cwd: options.cwd,
      detached: true,
      stdio: ['ignore', out, out],
      env: options.env ?? process.env,
    })
    if (child.pid === undefined) throw new Error(`could not start ${command}`)
    child.unref()
    return child.pid
  } finally {
    closeSync(out)
  }
}

/** What the kernel says of a pid: a zombie or a missing pid is dead, SIGSTOP shows as stopped. */
export function processState(pid: number | undefined): ProcessState {
  if (!pid || pid <= 0) return 'dead'
  let stat: string
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return 'dead'
  }
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
  if (state === 'Z' || state === 'X' || state === 'x') return 'dead'
  if (state === 'T' || state === 't') return 'stopped'
  return 'running'
}

/**
 * The state of the process a lab recorded, checked to still be that process: a pid whose command
 * line does not carry the marker (the process ended and the kernel gave its pid to another, which
 * on a busy machine with pid_max 32768 happens within minutes) is dead to the lab, never signalled.
 */
export function ownedState(pid: number | undefined, marker: string): ProcessState {
  const state = processState(pid)
  if (state === 'dead') return 'dead'
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').includes(marker) ? state : 'dead'
  } catch {
    return 'dead'
  }
}

/** True when the pid is alive and its command line mentions marker, so a reused pid is never ours. */
export const ownsProcess = (pid: number | undefined, marker: string): boolean => ownedState(pid, marker) !== 'dead'

/**
 * Processes a lab started, found by the marker each carries on its command line (the config
 * path under the lab directory, ZooKeeper's -D marker, the agent's --dir): what `lab down`
 * ends even when the state file names an older pid.
 */
export function labProcesses(dir: string): number[] {
  const markers = [`--config-file=${dir}/`, `-Dsignoz.ha.lab=${dir}`, `lab-agent.js --dir ${dir}`]
  const found: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ')
      if (markers.some((m) => cmd.includes(m)) && processState(Number(entry)) !== 'dead') found.push(Number(entry))
    } catch {
      // ended while we looked
    }
  }
  return found
}

/** A process whose command line contains marker (the config path of one host), running (or also stopped), if any. */
export function findProcess(marker: string, options: {stoppedToo?: boolean} = {}): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue
    try {
      const state = processState(Number(entry))
      if (
        readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').includes(marker) &&
        (state === 'running' || (options.stoppedToo && state === 'stopped'))
      )
        return Number(entry)
    } catch {
      // ended while we looked
    }
  }
  return undefined
}

export function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig)
    return true
  } catch {
    return false
  }
}

/** Stops a process for good: resumes it if stopped, asks it to end, then forces it after a grace period. */
export async function terminate(pid: number, graceMs = 5000): Promise<void> {
  if (processState(pid) === 'dead') return
  signal(pid, 'SIGCONT')
  signal(pid, 'SIGTERM')
  const deadline = Date.now() + graceMs
  while (Date.now() < deadline) {
    if (processState(pid) === 'dead') return
    await sleep(50)
  }
  signal(pid, 'SIGKILL')
  const hardDeadline = Date.now() + 5000
  while (Date.now() < hardDeadline && processState(pid) !== 'dead') await sleep(25)
}

/**
 * Thrown by a waitFor probe to stop waiting at once (the process died): a lab error (exit 3) that
 * says what exited and quotes the end of its log, never a bug report.
 */
export class GiveUp extends IncompleteError {}

/** The last lines of a log that say something (blank lines dropped), from byte offset on; nothing when it cannot be read. */
export function lastLogLines(file: string, count = 3, from = 0): string[] {
  try {
    const fd = openSync(file, 'r')
    try {
      const size = fstatSync(fd).size
      const start = Math.max(from, size - 16_384)
      const buffer = Buffer.alloc(Math.max(0, size - start))
      readSync(fd, buffer, 0, buffer.length, start)
      return buffer
        .toString('utf8')
        .split('\n')
        .map((l) => l.trimEnd())
        .filter(Boolean)
        .slice(-count)
    } finally {
      closeSync(fd)
    }
  } catch {
    return []
  }
}

const SIGNALS: Record<number, string> = {134: 'SIGABRT', 137: 'SIGKILL', 139: 'SIGSEGV', 143: 'SIGTERM'}

/**
 * A lab process that exited when it should run: what, how it ended (a signal named), the end of
 * its log (the first of logs that has lines, each read from where this run began).
 */
export function processExited(what: string, logs: readonly {file: string; from?: number}[], exitCode?: number): GiveUp {
  const log = logs.find((l) => lastLogLines(l.file, 1, l.from).length > 0)
  const lines = log ? lastLogLines(log.file, 3, log.from) : []
  const how =
    exitCode === undefined
      ? ''
      : ` with code ${exitCode}${SIGNALS[exitCode] ? ` (${SIGNALS[exitCode]}${exitCode === 143 || exitCode === 137 ? ': ended by another process' : ''})` : ''}`
  return new GiveUp(`${what} exited${how}${lines.length ? `: ${lines.join(' | ')}` : ' (its log is empty)'}`, `the whole log: ${(log ?? logs[0])?.file}`)
}

/** Polls probe until it answers true or the deadline passes; a GiveUp from the probe ends the wait. */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const ok = await probe().catch((error: unknown) => {
      if (error instanceof GiveUp) throw error
      return false
    })
    if (ok) return
    if (Date.now() > deadline) throw new IncompleteError(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}`)
    await sleep(intervalMs)
  }
}
