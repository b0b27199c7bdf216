import {execFile} from 'node:child_process'
import {UsageError} from '../core/errors.js'
import {resolveExecutable} from '../util/executables.js'
import {GatewayError} from './errors.js'
import {READ_RETRIES, retrying} from './retry.js'

export interface HelmTarget {
  binary: string
  kubeconfig?: string
  context?: string
  namespace: string
}

export interface HelmRelease {
  name: string
  namespace: string
  revision: string
  updated: string
  status: string
  chart: string
  app_version: string
}

/** Helm missing is the user's to fix, not a failure of the run: one line, the flag and the env var that point at it. */
export function helmNotFound(binary: string): UsageError {
  return new UsageError(
    binary.includes('/') ? `helm not found: ${binary} does not exist or is not executable` : `helm not found: no "${binary}" on PATH`,
    'install Helm 3 or 4 (https://helm.sh/docs/intro/install/), or give its path with --helm or SIGNOZ_HA_HELM',
  )
}

/** Checks the Helm binary is there before anything is read or changed with it. */
export function requireHelm(binary: string): string {
  const found = resolveExecutable(binary)
  if (!found) throw helmNotFound(binary)
  return found
}

type HelmResult = {code: number; stdout: string; stderr: string}

/**
 * Helm's words for an API server in trouble (client-go repeats a 429 with Retry-After itself, not
 * a 503, a reset or a timeout): a read that failed so is worth another attempt.
 */
const HELM_TRANSIENT =
  /the server is currently unable to handle the request|the server has received too many requests|Too many requests|connection refused|connection reset by peer|i\/o timeout|TLS handshake timeout|etcdserver: request timed out|http2: client connection lost|unexpected EOF/i

/** Whether Helm's error output says the API server was in trouble (not that the input was wrong). */
export const helmSaysServerTrouble = (text: string): boolean => HELM_TRANSIENT.test(text)

/** Helm commands that only read (an upgrade or install only with --dry-run): safe to repeat. */
export function helmReadOnly(args: readonly string[]): boolean {
  const [command, sub] = args
  if (command === 'upgrade' || command === 'install') return args.some((a) => a.startsWith('--dry-run'))
  return ['history', 'list', 'status', 'show', 'template', 'version', 'search'].includes(command ?? '') || (command === 'get' && sub !== undefined)
}

class HelmTransientFailure extends Error {
  constructor(readonly result: HelmResult) {
    super(result.stderr.trim().split('\n').pop() ?? 'helm failed')
  }
}

/**
 * Runs the real helm binary; the only module that spawns it. Output is returned, never printed.
 * A read-only command that failed on an API server in trouble is run again (READ_RETRIES); a
 * command that changes the release never is.
 */
export async function runHelm(target: HelmTarget, args: readonly string[], timeoutMs = 60_000, signal?: AbortSignal): Promise<HelmResult> {
  if (!helmReadOnly(args)) return runHelmOnce(target, args, timeoutMs, signal)
  try {
    return await retrying(
      `helm ${args.slice(0, 2).join(' ')}`,
      async () => {
        const r = await runHelmOnce(target, args, timeoutMs, signal)
        if (r.code !== 0 && HELM_TRANSIENT.test(r.stderr)) throw new HelmTransientFailure(r)
        return r
      },
      (error) => (error instanceof HelmTransientFailure ? {retry: true, why: error.message} : {retry: false}),
      {policy: READ_RETRIES, signal},
    )
  } catch (error) {
    // Still failing after the last attempt: the caller reads Helm's answer as it would have.
    if (error instanceof HelmTransientFailure) return error.result
    throw error
  }
}

function runHelmOnce(target: HelmTarget, args: readonly string[], timeoutMs: number, signal?: AbortSignal): Promise<HelmResult> {
  const globals = [
    ...(target.kubeconfig ? ['--kubeconfig', target.kubeconfig] : []),
    ...(target.context ? ['--kube-context', target.context] : []),
    '--namespace',
    target.namespace,
  ]
  return new Promise((resolve, reject) => {
    const child = execFile(
      target.binary,
      [...args, ...globals],
      {timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, killSignal: 'SIGTERM'},
      (error, stdout, stderr) => {
        signal?.removeEventListener('abort', stop)
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(helmNotFound(target.binary))
          return
        }
        resolve({code: error ? ((error as {code?: number}).code ?? 1) : 0, stdout, stderr})
      },
    )
    // An abort asks Helm to stop with SIGTERM and waits for it to exit: it then cancels the
    // operation and marks the release failed, never leaving it pending. Its output pipes stay open
    // meanwhile: execFile's own abort closed them at once, and Helm, printing "Release … has been
    // cancelled", died of SIGPIPE before it could mark the release (left pending-upgrade).
    const stop = () => child.kill('SIGTERM')
    if (signal?.aborted) stop()
    else signal?.addEventListener('abort', stop, {once: true})
  })
}

const versions = new Map<string, [number, number]>()

/** The binary's version (major, minor), asked once per binary: flags differ between them. */
export async function helmVersion(target: HelmTarget): Promise<[number, number]> {
  if (!versions.has(target.binary)) {
    const r = await runHelm({...target, kubeconfig: undefined, context: undefined}, ['version', '--short'])
    const m = /^v(\d+)\.(\d+)/.exec(r.stdout.trim())
    versions.set(target.binary, m ? [Number(m[1]), Number(m[2])] : [3, 0])
  }
  return versions.get(target.binary)!
}

/** The binary's major version (3 or 4). */
export const helmMajor = async (target: HelmTarget): Promise<number> => (await helmVersion(target))[0]

/**
 * How an upgrade keeps the deployed values: --reset-then-reuse-values (Helm ≥ 3.14) lays them over
 * the new chart's defaults; plain --reuse-values drops those defaults, so a key the new chart
 * added is missing and its templates fail (helm#8085: chart 0.112 → 0.113 stops on
 * telemetryStoreMigrator.serviceAccount).
 */
export async function reuseValuesFlag(target: HelmTarget): Promise<'--reset-then-reuse-values' | '--reuse-values'> {
  const [major, minor] = await helmVersion(target)
  return major > 3 || minor >= 14 ? '--reset-then-reuse-values' : '--reuse-values'
}

/** `helm list -o json` in the target namespace, every status included (Helm 4 lists them all by default). */
export async function listReleases(target: HelmTarget): Promise<HelmRelease[]> {
  const all = (await helmMajor(target)) >= 4 ? [] : ['--all']
  const r = await runHelm(target, ['list', ...all, '-o', 'json'])
  if (r.code !== 0) throw new GatewayError('server', r.stderr.trim().split('\n').pop() ?? 'helm list failed', 'helm')
  return JSON.parse(r.stdout || '[]') as HelmRelease[]
}
