import {spawn, type ChildProcess} from 'node:child_process'
import {mkdirSync, mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, describe, expect, test} from 'vitest'
import {stopHost} from '../../src/lab/hosts.js'
import {ownedState, processState, signal} from '../../src/lab/processes.js'
import {hostMarker, hostState, readState, writeState, type LabHost, type LabState} from '../../src/lab/state.js'

/**
 * A pid the lab recorded can outlive its process: the kernel hands it to another (pid_max is 32768
 * on the CI machine, and a suite starts thousands of processes). The lab must then treat the host
 * as dead, never signal the stranger, and never let that stale pid overwrite the live one.
 */
describe('lab pids are checked to be the process they were recorded for', () => {
  const children: ChildProcess[] = []
  afterEach(() => {
    for (const c of children.splice(0)) if (c.pid) signal(c.pid, 'SIGKILL')
  })
  // A shell that stays (`sleep; :`) so its command line keeps the arguments after -c.
  const run = (...args: string[]) => {
    const child = spawn('/bin/sh', ['-c', 'sleep 60; :', ...args], {stdio: 'ignore'})
    children.push(child)
    return child.pid!
  }
  const labWithHost = (): {state: LabState; host: LabHost} => {
    const dir = mkdtempSync(join(tmpdir(), 'signoz-ha-pids-'))
    const host: LabHost = {shard: 0, replica: 0, pod: 'chi-x-0-0-0', dir: join(dir, 'h'), httpPort: 1, tcpPort: 2, interserverPort: 3}
    mkdirSync(host.dir, {recursive: true})
    const state = {dir, clickhouse: [host], keeper: {kind: 'zookeeper', dir: join(dir, 'k'), port: 4}} as unknown as LabState
    return {state, host}
  }

  test('ownedState: the kernel state of a process carrying the marker, dead for any other process', () => {
    const pid = run('x', '--config-file=/lab/a/config.xml')
    expect(ownedState(pid, '--config-file=/lab/a/config.xml')).toBe('running')
    expect(ownedState(pid, '--config-file=/lab/b/config.xml')).toBe('dead')
    signal(pid, 'SIGSTOP')
    return expect.poll(() => ownedState(pid, '--config-file=/lab/a/config.xml')).toBe('stopped')
  })

  test("stopHost leaves a stranger holding the host's old pid alone and ends the host's real server", async () => {
    const {host} = labWithHost()
    const stranger = run('someone else')
    const server = run('x', hostMarker(host))
    host.pid = stranger
    expect(hostState(host)).toBe('dead')
    await stopHost(host)
    expect(processState(stranger)).toBe('running')
    await expect.poll(() => processState(server), {timeout: 6000}).toBe('dead')
  })

  test("a writer whose copy names a pid now running something else keeps the file's live server", () => {
    const {state, host} = labWithHost()
    const server = run('x', hostMarker(host))
    host.pid = server
    writeState(state)
    const stale = structuredClone(state)
    stale.clickhouse[0]!.pid = run('someone else')
    writeState(stale)
    expect(readState(state.dir).clickhouse[0]!.pid).toBe(server)
  })
})
