import {execFile} from 'node:child_process'
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

/** Runs the real helm binary; the only module that spawns it. Output is returned, never printed. */
export function runHelm(target: HelmTarget, args: readonly string[], timeoutMs = 60_000): Promise<{code: number; stdout: string; stderr: string}> {
  const globals = [
    ...(target.kubeconfig ? ['--kubeconfig', target.kubeconfig] : []),
    ...(target.context ? ['--kube-context', target.context] : []),
    '--namespace',
    target.namespace,
  ]
  return new Promise((resolve, reject) => {
    execFile(target.binary, [...args, ...globals], {timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024}, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new GatewayError('unreachable', `helm not found at ${target.binary}`, 'helm'))
        return
      }
      resolve({code: error ? ((error as {code?: number}).code ?? 1) : 0, stdout, stderr})
    })
  })
}

/** `helm list -o json` in the target namespace, every status included. */
export async function listReleases(target: HelmTarget): Promise<HelmRelease[]> {
  const r = await runHelm(target, ['list', '--all', '-o', 'json'])
  if (r.code !== 0) throw new GatewayError('server', r.stderr.trim().split('\n').pop() ?? 'helm list failed', 'helm')
  return JSON.parse(r.stdout || '[]') as HelmRelease[]
}
