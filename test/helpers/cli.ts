import {spawn} from 'node:child_process'
import {fileURLToPath} from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

export interface CliResult {
  code: number
  stdout: string
  stderr: string
  ms: number
}

/** Runs the built CLI as a user would (bin/run.js under this Node), never in-process. */
export function runCli(args: readonly string[], options: {env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number} = {}): Promise<CliResult> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = {...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...options.env}
    for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key]
    const child = spawn(process.execPath, [BIN, ...args], {cwd: options.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 170_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({code: code ?? -1, stdout, stderr, ms: performance.now() - started})
    })
  })
}

/** Environment that points doctor at a lab's ClickHouse hosts (what `lab env` prints). */
export function labEnv(status: {clickhouse: {url: string}[]; user: string; password: string; cluster: string; kubeconfig?: string}): NodeJS.ProcessEnv {
  return {
    ...(status.kubeconfig ? {KUBECONFIG: status.kubeconfig} : {}),
    SIGNOZ_HA_CLICKHOUSE_URL: status.clickhouse.map((h) => h.url).join(','),
    SIGNOZ_HA_CLICKHOUSE_USER: status.user,
    SIGNOZ_HA_CLICKHOUSE_PASSWORD: status.password,
    SIGNOZ_HA_CLUSTER: status.cluster,
  }
}

/**
 * Runs the built CLI and sends SIGINT once its stderr matches when (the way a person presses
 * Ctrl-C while a step runs).
 */
export function runCliInterrupted(args: readonly string[], env: NodeJS.ProcessEnv, when: RegExp): Promise<CliResult> {
  const started = performance.now()
  const childEnv: NodeJS.ProcessEnv = {...process.env, NO_COLOR: '1', ...env}
  for (const key of Object.keys(childEnv)) if (childEnv[key] === undefined) delete childEnv[key]
  const child = spawn(process.execPath, [BIN, ...args], {cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => {
    stderr += d
    if (when.test(stderr) && !child.killed) child.kill('SIGINT')
  })
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolve({code: code ?? -1, stdout, stderr, ms: performance.now() - started}))
  })
}

/**
 * Runs the built CLI in a process group of its own and SIGKILLs the whole group (the CLI and the
 * Helm it runs, as when a laptop closes) as soon as when() holds, polled every 20 ms. killed is
 * false when the run ended first.
 */
export function runCliKilledWhen(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  when: () => boolean | Promise<boolean>,
): Promise<CliResult & {killed: boolean}> {
  const started = performance.now()
  const childEnv: NodeJS.ProcessEnv = {...process.env, NO_COLOR: '1', ...env}
  for (const key of Object.keys(childEnv)) if (childEnv[key] === undefined) delete childEnv[key]
  const child = spawn(process.execPath, [BIN, ...args], {cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true})
  let stdout = ''
  let stderr = ''
  let killed = false
  let closed = false
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  const poll = async () => {
    while (!closed) {
      if (await Promise.resolve(when()).catch(() => false)) {
        if (closed) return
        killed = true
        process.kill(-child.pid!, 'SIGKILL')
        return
      }
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }
  void poll()
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => {
      closed = true
      resolve({code: code ?? -1, stdout, stderr, ms: performance.now() - started, killed})
    })
  })
}
