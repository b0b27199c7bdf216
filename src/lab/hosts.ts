import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {serverConfig, unparsableConfig, usersConfig} from './clickhouse-config.js'
import {containerRuns, holdContainer, releaseContainer, startContainer} from './container.js'
import {findProcess, processExited, terminate, waitFor} from './processes.js'
import {hostMarker, hostState, hostUrl, writeState, type LabHost, type LabState} from './state.js'

/**
 * Writes a host's config and starts clickhouse-server for it, detached. A live server of this
 * host already running (started by the other writer of the state file: the simulator's kubelet,
 * or the CLI) is adopted instead: two servers never compete for one host's ports.
 */
export function startHost(state: LabState, host: LabHost): void {
  const running = findProcess(hostMarker(host))
  if (running) {
    host.pid = running
    releaseContainer(host.dir)
    return
  }
  for (const sub of ['data', 'log']) mkdirSync(join(host.dir, sub), {recursive: true})
  const config = join(host.dir, 'config.xml')
  writeFileSync(config, host.crashLoop ? unparsableConfig(serverConfig(state, host)) : serverConfig(state, host))
  writeFileSync(join(host.dir, 'users.xml'), usersConfig(state), {mode: 0o600})
  // Under the lab's container shim: the kubelet sees how each run of the server ends.
  host.pid = startContainer(host.dir, state.engine.binary, [...state.engine.args, `--config-file=${config}`], {
    cwd: host.dir,
    log: join(host.dir, 'log', 'stdout.log'),
    // What the pod's log serves (the server logs there, as it logs to the console in a container).
    logFile: join(host.dir, 'log', 'clickhouse-server.log'),
  })
  releaseContainer(host.dir)
}

/** The server's own liveness endpoint; a stopped or dead process never answers. */
export async function hostPing(host: LabHost, timeoutMs = 1000): Promise<boolean> {
  if (hostState(host) !== 'running') return false
  try {
    const response = await fetch(`${hostUrl(host)}/ping`, {signal: AbortSignal.timeout(timeoutMs)})
    return response.ok && (await response.text()).trim() === 'Ok.'
  } catch {
    return false
  }
}

export async function waitHost(host: LabHost, timeoutMs = 90_000): Promise<void> {
  await waitFor(
    `ClickHouse ${host.pod} on port ${host.httpPort}`,
    async () => {
      if (hostState(host) === 'dead') {
        // Restarted meanwhile by the other writer (the kubelet, for a new pod): follow the server that runs now.
        const live = findProcess(hostMarker(host))
        if (live) {
          host.pid = live
          return false
        }
        const run = containerRuns(host.dir).find((r) => r.pid === host.pid)
        throw processExited(
          `ClickHouse ${host.pod}`,
          [{file: join(host.dir, 'log', 'clickhouse-server.log'), from: run?.logOffset}, {file: join(host.dir, 'log', 'stdout.log')}],
          run?.exitCode,
        )
      }
      return hostPing(host)
    },
    timeoutMs,
    150,
  )
}

/** Stops a host's server: the recorded pid, and any other live server of the host (a pid the state file lost). */
export async function stopHost(host: LabHost): Promise<void> {
  // Held until it starts again (or this process ends): the kubelet must not restart it meanwhile.
  holdContainer(host.dir)
  // Only if that pid is still this host's server: a pid reused by another process is left alone.
  if (hostState(host) !== 'dead') await terminate(host.pid!)
  // A SIGSTOPped one too (hang-replica): terminate resumes it first.
  for (let live = findProcess(hostMarker(host), {stoppedToo: true}); live; live = findProcess(hostMarker(host), {stoppedToo: true})) await terminate(live)
}

export const hostByPod = (state: LabState, pod: string): LabHost | undefined => state.clickhouse.find((h) => h.pod === pod)

/** Restarts one host's server with its configuration written again (a fault changed it), under the container hold. */
export async function restartWithConfig(state: LabState, host: LabHost): Promise<void> {
  await stopHost(host)
  startHost(state, host)
  writeState(state)
  await waitHost(host)
}
