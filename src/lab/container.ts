import {createHash} from 'node:crypto'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {processState, spawnDetached} from './processes.js'

/**
 * The lab's container runtime: each server process (a ClickHouse host, ZooKeeper) runs under a
 * small shell shim, as a real runtime's shim does, that records when the process started and how
 * it ended (its exit status, 137 for a SIGKILL). The kubelet reads that record to report
 * restarts, last terminations and crash loops; whoever restarts a process holds the container
 * meanwhile, so the kubelet never starts a second one.
 */

/** One run of a container's process, from the shim's record. */
export interface ContainerRun {
  pid: number
  startedAt: string
  exitCode?: number
  finishedAt?: string
  /** Where this run's output begins in the container's log file (the previous run's ends there). */
  logOffset?: number
}

const runsPath = (dir: string) => join(dir, 'container-runs.log')
const holdPath = (dir: string) => join(dir, 'container-hold')
const shimPath = (dir: string) => join(dir, 'container.sh')

const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`
const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z')

/**
 * Starts command under the shim, detached, and returns the pid of the process itself (not the
 * shim's). The command line stays the process's own, so its markers still find it.
 */
export function startContainer(
  dir: string,
  command: string,
  args: readonly string[],
  options: {cwd: string; log: string; env?: NodeJS.ProcessEnv; logFile?: string},
): number {
  const runs = runsPath(dir)
  // The runtime keeps each run's log apart; here one file grows across runs, so each run notes where its part begins.
  const logFile = options.logFile ?? options.log
  const script = [
    '#!/bin/sh',
    '# Written by signoz-ha lab: runs the container process and records how it ended, as a runtime shim does.',
    `offset=$(wc -c < ${shellQuote(logFile)} 2>/dev/null || echo 0)`,
    `${[command, ...args].map(shellQuote).join(' ')} &`,
    'pid=$!',
    `echo "start $pid $(date -u +%Y-%m-%dT%H:%M:%SZ) $offset" >> ${shellQuote(runs)}`,
    'wait "$pid"',
    'code=$?',
    `echo "exit $pid $code $(date -u +%Y-%m-%dT%H:%M:%SZ)" >> ${shellQuote(runs)}`,
    '',
  ].join('\n')
  writeFileSync(shimPath(dir), script, {mode: 0o700})
  const before = containerRuns(dir).length
  const shim = spawnDetached('/bin/sh', [shimPath(dir)], options)
  // The shim writes the process's pid at once (a few milliseconds); the pid is returned only once
  // it runs the command itself. Between the shell's fork and its exec the child still has the
  // shim's command line: a kubelet looking for this host's server by its marker then found none,
  // took the container for dead, restarted it and killed this run (the readonly-table drill's
  // "ClickHouse … exited" on a loaded machine).
  const marker = args.at(-1) ?? command
  const deadline = Date.now() + 5000
  for (;;) {
    const started = containerRuns(dir)
      .slice(before)
      .find((r) => r.pid)
    if (started && (runsCommand(started.pid, marker) || processState(started.pid) === 'dead')) return started.pid
    if (Date.now() > deadline || (!started && processState(shim) === 'dead'))
      throw new Error(`${command} did not start under the lab's container shim (${dir})`)
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5)
  }
}

/** True once the pid has exec'd the command whose arguments include marker. */
function runsCommand(pid: number, marker: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)
  } catch {
    return false
  }
}

/** Every run the shim recorded, oldest first; a run without exitCode is still going (or was killed with its shim). */
export function containerRuns(dir: string): ContainerRun[] {
  let text: string
  try {
    text = readFileSync(runsPath(dir), 'utf8')
  } catch {
    return []
  }
  const runs: ContainerRun[] = []
  for (const line of text.split('\n')) {
    const [event, pid, a, b] = line.split(' ')
    if (event === 'start' && pid && a) runs.push({pid: Number(pid), startedAt: a, ...(b && /^\d+$/.test(b.trim()) ? {logOffset: Number(b)} : {})})
    if (event === 'exit' && pid && a && b) {
      const run = [...runs].reverse().find((r) => r.pid === Number(pid) && r.exitCode === undefined)
      if (run) Object.assign(run, {exitCode: Number(a), finishedAt: b})
    }
  }
  return runs
}

/** The id a runtime would give this run (containerd's are 64 hex digits). */
export const containerId = (run: ContainerRun): string => createHash('sha256').update(`${run.pid}:${run.startedAt}`).digest('hex')

// Every hold and release writes the file anew, so a kubelet tick can tell that one happened while it looked.
let holdSeq = 0
const writeHold = (dir: string, state: 'held' | 'released') => {
  if (existsSync(dir)) writeFileSync(holdPath(dir), `${process.pid} ${state} ${now()} ${holdSeq++}\n`)
}

/** Marks the container as being restarted by this process: the kubelet leaves it alone meanwhile. */
export function holdContainer(dir: string): void {
  writeHold(dir, 'held')
}

export function releaseContainer(dir: string): void {
  writeHold(dir, 'released')
}

/** The hold's record as it is now: it changes with every hold and every release. */
export function holdMark(dir: string): string {
  try {
    return readFileSync(holdPath(dir), 'utf8')
  } catch {
    return ''
  }
}

/** True while a live process other than this one holds the container (as the mark, read now unless given, says). */
export function containerHeldByOther(dir: string, mark = holdMark(dir)): boolean {
  const [pid, state] = mark.split(' ')
  if (!pid || state === 'released') return false
  return Number(pid) !== process.pid && processState(Number(pid)) !== 'dead'
}
