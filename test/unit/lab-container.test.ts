import {spawn, type ChildProcess} from 'node:child_process'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, test} from 'vitest'
import {containerHeldByOther, containerRuns, holdContainer, holdMark, releaseContainer, startContainer} from '../../src/lab/container.js'
import {signal} from '../../src/lab/processes.js'

/**
 * The lab's container shim returns a pid only once that process runs the command itself: between
 * the shell's fork and its exec the child still has the shim's command line, and a kubelet that
 * looks for a host's server by its marker in that window took the container for dead (the cause
 * of the readonly-table drill's "ClickHouse … exited").
 */
describe('lab container shim', () => {
  const started: number[] = []
  // Busy processes on every core: the window between fork and exec widens as on a loaded machine
  // (without the fix this fails within a few dozen starts).
  let hogs: ChildProcess[] = []
  afterAll(() => {
    for (const pid of started) signal(pid, 'SIGKILL')
    for (const hog of hogs) hog.kill('SIGKILL')
  })

  test('the pid it returns already runs the command (its marker is on the command line), every time', () => {
    const dir = mkdtempSync(join(tmpdir(), 'signoz-ha-shim-'))
    hogs = [0, 1, 2].map(() => spawn('/bin/sh', ['-c', 'while :; do :; done'], {stdio: 'ignore'}))
    for (let i = 0; i < 200; i++) {
      const marker = `--lab-marker-${i}`
      const pid = startContainer(dir, '/bin/sh', ['-c', 'sleep 30', marker], {cwd: dir, log: join(dir, 'out.log')})
      started.push(pid)
      expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8'), `run ${i}`).toContain(marker)
      signal(pid, 'SIGKILL')
    }
    for (const hog of hogs) hog.kill('SIGKILL')
    expect(containerRuns(dir).filter((r) => r.pid)).toHaveLength(200)
    // 200 real starts beside three busy loops: seconds on a quiet machine, more beside a running lab.
  }, 60_000)
})

/**
 * The hold a CLI restart puts on a container: the kubelet leaves a held container alone, and a
 * tick during which a hold began or ended (the mark changed) leaves it alone too: the kubelet
 * then saw the old process gone before the new one ran, and its own restart killed the CLI's new
 * server ("exited with code 143" in lab heal readonly-table).
 */
describe('lab container hold', () => {
  test('every hold and release changes the mark; only another live process holds', () => {
    const dir = mkdtempSync(join(tmpdir(), 'signoz-ha-hold-'))
    const marks = [holdMark(dir)]
    holdContainer(dir)
    marks.push(holdMark(dir))
    expect(containerHeldByOther(dir)).toBe(false)
    releaseContainer(dir)
    marks.push(holdMark(dir))
    holdContainer(dir)
    marks.push(holdMark(dir))
    releaseContainer(dir)
    marks.push(holdMark(dir))
    expect(new Set(marks).size).toBe(marks.length)
    // The parent (vitest's main process) is alive: its hold counts, its release does not.
    writeFileSync(join(dir, 'container-hold'), `${process.ppid} held 2026-12-05T00:00:00Z 0\n`)
    expect(containerHeldByOther(dir)).toBe(true)
    writeFileSync(join(dir, 'container-hold'), `${process.ppid} released 2026-12-05T00:00:00Z 1\n`)
    expect(containerHeldByOther(dir)).toBe(false)
    // A holder that died holds nothing.
    writeFileSync(join(dir, 'container-hold'), `999999999 held 2026-12-05T00:00:00Z 2\n`)
    expect(containerHeldByOther(dir)).toBe(false)
  })
})
