import {spawn, type ChildProcess} from 'node:child_process'
import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, test} from 'vitest'
import {containerRuns, startContainer} from '../../src/lab/container.js'
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
