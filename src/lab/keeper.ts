import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fourLetterWord} from '../gateways/four-letter-words.js'
import {keeperConfig, zookeeperConfig} from './clickhouse-config.js'
import {ZOOKEEPER_JAR} from './engine.js'
import {findProcess, processState, spawnDetached, terminate, waitFor} from './processes.js'
import type {LabState} from './state.js'

/** Writes the coordination service's config and starts it detached; records the pid in state. */
export function startKeeper(state: LabState): void {
  const k = state.keeper
  // A live coordination service of this lab (the other writer started it) is adopted.
  const running = findProcess(k.kind === 'zookeeper' ? `-Dsignoz.ha.lab=${state.dir}` : `--config-file=${join(k.dir, 'keeper.xml')}`)
  if (running) {
    k.pid = running
    return
  }
  mkdirSync(join(k.dir, 'data'), {recursive: true})
  const log = join(k.dir, `${k.kind}.log`)
  if (k.kind === 'zookeeper') {
    const cfg = join(k.dir, 'zoo.cfg')
    writeFileSync(cfg, zookeeperConfig(join(k.dir, 'data'), k.port))
    k.pid = spawnDetached(
      'java',
      [
        '-Xms32m',
        '-Xmx256m',
        '-XX:+UseSerialGC',
        `-Dzookeeper.log.dir=${k.dir}`,
        // A marker on the command line so a recycled pid is never mistaken for ours.
        `-Dsignoz.ha.lab=${state.dir}`,
        '-cp',
        ZOOKEEPER_JAR,
        'org.apache.zookeeper.server.quorum.QuorumPeerMain',
        cfg,
      ],
      {cwd: k.dir, log},
    )
  } else {
    const cfg = join(k.dir, 'keeper.xml')
    const raftPort = (k as {raftPort?: number}).raftPort ?? k.port + 1
    writeFileSync(cfg, keeperConfig(k.dir, k.port, raftPort))
    k.pid = spawnDetached(state.engine.binary, ['keeper', `--config-file=${cfg}`], {cwd: k.dir, log})
  }
}

export async function keeperHealthy(state: LabState): Promise<boolean> {
  if (processState(state.keeper.pid) !== 'running') return false
  // ruok answers as soon as the port listens; srvr shows a mode only once sessions are served.
  // A ClickHouse started before that keeps no Keeper session and 18.16 then crashes on ON CLUSTER DDL.
  const srvr = await fourLetterWord('127.0.0.1', state.keeper.port, 'srvr', 1000)
  return /Mode: (standalone|leader|follower)/.test(srvr ?? '')
}

export async function waitKeeper(state: LabState, timeoutMs = 60_000): Promise<void> {
  await waitFor(`${state.keeper.kind} on port ${state.keeper.port}`, () => keeperHealthy(state), timeoutMs, 200)
}

export async function stopKeeper(state: LabState): Promise<void> {
  if (state.keeper.pid) await terminate(state.keeper.pid)
}
