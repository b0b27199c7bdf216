import {readFileSync} from 'node:fs'
import {LAB_USER_AGENT} from './server.js'
import {request} from 'node:https'
import {kubeCertPaths, type LabState} from '../state.js'

/**
 * The lab's own calls to its API simulator (faults, the collectors' service lookup), as the
 * admin principal over HTTPS with the lab's certificate. Product code never uses this: it
 * goes through the Kubernetes gateway.
 */
export class LabKubeClient {
  private readonly ca: string

  constructor(private readonly state: LabState) {
    this.ca = readFileSync(kubeCertPaths(state.dir).cert, 'utf8')
  }

  async get<T = Record<string, unknown>>(path: string): Promise<T | undefined> {
    const r = await this.call('GET', path)
    if (r.status === 404) return undefined
    return r.body as T
  }

  async create<T = Record<string, unknown>>(path: string, body: unknown): Promise<T> {
    return (await this.call('POST', path, body)).body as T
  }

  async mergePatch<T = Record<string, unknown>>(path: string, body: unknown): Promise<T> {
    return (await this.call('PATCH', path, body, 'application/merge-patch+json')).body as T
  }

  async strategicPatch<T = Record<string, unknown>>(path: string, body: unknown): Promise<T> {
    return (await this.call('PATCH', path, body, 'application/strategic-merge-patch+json')).body as T
  }

  async jsonPatch<T = Record<string, unknown>>(path: string, ops: unknown[]): Promise<T> {
    return (await this.call('PATCH', path, ops, 'application/json-patch+json')).body as T
  }

  /** Deletes; an object already gone is fine. */
  async delete(path: string): Promise<void> {
    await this.call('DELETE', path, undefined, undefined, [404])
  }

  private call(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
    allowed: number[] = [404],
  ): Promise<{status: number; body: unknown}> {
    const api = this.state.kubeApi
    if (!api) return Promise.reject(new Error('this lab has no Kubernetes API'))
    const payload = body === undefined ? undefined : JSON.stringify(body)
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: api.port,
          method,
          path,
          ca: this.ca,
          timeout: 5000,
          headers: {
            authorization: `Bearer ${api.adminToken}`,
            accept: 'application/json',
            'user-agent': LAB_USER_AGENT,
            ...(payload ? {'content-type': contentType, 'content-length': Buffer.byteLength(payload)} : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8')
            let parsed: unknown = text
            try {
              parsed = JSON.parse(text)
            } catch {
              // plain text (logs)
            }
            const status = res.statusCode ?? 0
            if (status >= 400 && !allowed.includes(status))
              reject(new Error(`${method} ${path}: ${(parsed as {message?: string})?.message ?? `HTTP ${status}`}`))
            else resolve({status, body: parsed})
          })
        },
      )
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: the lab API did not answer`)))
      req.on('error', reject)
      req.end(payload)
    })
  }
}
