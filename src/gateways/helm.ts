import {execFile} from 'node:child_process'
import {UsageError} from '../core/errors.js'
import {resolveExecutable} from '../core/executables.js'
import {GatewayError} from './errors.js'

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

/** Runs the real helm binary; the only module that spawns it. Output is returned, never printed. */
export function runHelm(target: HelmTarget, args: readonly string[], timeoutMs = 60_000, signal?: AbortSignal): Promise<{code: number; stdout: string; stderr: string}> {
  const globals = [
    ...(target.kubeconfig ? ['--kubeconfig', target.kubeconfig] : []),
    ...(target.context ? ['--kube-context', target.context] : []),
    '--namespace',
    target.namespace,
  ]
  return new Promise((resolve, reject) => {
    const child = execFile(target.binary, [...args, ...globals], {timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, killSignal: 'SIGTERM'}, (error, stdout, stderr) => {
      signal?.removeEventListener('abort', stop)
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(helmNotFound(target.binary))
        return
      }
      resolve({code: error ? ((error as {code?: number}).code ?? 1) : 0, stdout, stderr})
    })
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
