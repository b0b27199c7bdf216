import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fourLetterWord} from '../gateways/four-letter-words.js'
import {keeperConfig, unparsableConfig, zookeeperConfig} from './clickhouse-config.js'
import {ZOOKEEPER_JAR} from './engine.js'
import {holdContainer, releaseContainer, startContainer} from './container.js'
import {execFile} from 'node:child_process'
import {findProcess, processExited, terminate, waitFor} from './processes.js'
import {keeperMarker, keeperState, type LabState} from './state.js'

/** Writes the coordination service's config and starts it detached; records the pid in state. */
export function startKeeper(state: LabState): void {
  const k = state.keeper
  // A live coordination service of this lab (the other writer started it) is adopted.
  const running = findProcess(keeperMarker(state))
  if (running) {
    k.pid = running
    releaseContainer(k.dir)
    return
  }
  mkdirSync(join(k.dir, 'data'), {recursive: true})
  const log = join(k.dir, `${k.kind}.log`)
  if (k.kind === 'zookeeper') {
    const cfg = join(k.dir, 'zoo.cfg')
    writeFileSync(cfg, zookeeperConfig(join(k.dir, 'data'), k.crashLoop ? 'invalid' : k.port))
    k.pid = startContainer(
      k.dir,
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
    const config = keeperConfig(k.dir, k.port, raftPort)
    writeFileSync(cfg, k.crashLoop ? unparsableConfig(config) : config)
    k.pid = startContainer(k.dir, state.engine.binary, ['keeper', `--config-file=${cfg}`], {cwd: k.dir, log})
  }
  releaseContainer(k.dir)
}

export async function keeperHealthy(state: LabState): Promise<boolean> {
  if (keeperState(state) !== 'running') return false
  // ruok answers as soon as the port listens; srvr shows a mode only once sessions are served.
  // A ClickHouse started before that keeps no Keeper session and 18.16 then crashes on ON CLUSTER DDL.
  const srvr = await fourLetterWord('127.0.0.1', state.keeper.port, 'srvr', 1000)
  return /Mode: (standalone|leader|follower)/.test(srvr ?? '')
}

export async function waitKeeper(state: LabState, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    `${state.keeper.kind} on port ${state.keeper.port}`,
    async () => {
      // Dead and not restarted by the kubelet meanwhile: say why, rather than wait out the timeout.
      if (keeperState(state) === 'dead' && !state.keeper.crashLoop && !findProcess(keeperMarker(state))) {
        throw processExited(state.keeper.kind === 'zookeeper' ? 'ZooKeeper' : 'ClickHouse Keeper', [{file: join(state.keeper.dir, `${state.keeper.kind}.log`)}])
      }
      return keeperHealthy(state)
    },
    timeoutMs,
    200,
  )
}

export async function stopKeeper(state: LabState): Promise<void> {
  holdContainer(state.keeper.dir)
  if (keeperState(state) !== 'dead') await terminate(state.keeper.pid!)
  // And one the state file does not name (the kubelet restarted it meanwhile).
  for (let live = findProcess(keeperMarker(state), {stoppedToo: true}); live; live = findProcess(keeperMarker(state), {stoppedToo: true})) await terminate(live)
}

/** ZooKeeper's own command-line client, which speaks to Keeper too (Debian's zookeeper package). */
const ZK_CLI = '/usr/share/zookeeper/bin/zkCli.sh'

/**
 * Runs commands (delete PATH, …) in one session of ZooKeeper's command-line client: for lab
 * repairs that only writing to Keeper can make (system.zookeeper is read-only).
 */
export function keeperCli(state: LabState, commands: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(ZK_CLI, ['-server', `127.0.0.1:${state.keeper.port}`], {timeout: 60_000}, (error, stdout, stderr) => {
      if (error) reject(new Error(`zkCli: ${error.message}: ${stderr.trim().split('\n').pop() ?? ''}`))
      else resolve(stdout)
    })
    child.stdin?.end(`${[...commands, 'quit'].join('\n')}\n`)
  })
}
