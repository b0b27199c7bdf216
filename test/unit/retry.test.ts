import {describe, expect, test} from 'vitest'
import {clickhouseReadVerdict} from '../../src/gateways/clickhouse-fleet.js'
import {GatewayError} from '../../src/gateways/errors.js'
import {UsageError} from '../../src/core/errors.js'
import {helmReadOnly} from '../../src/gateways/helm.js'
import {clientNodeVerdict} from '../../src/gateways/kube.js'
import {ApiStatusError, kubeReadVerdict, kubeRequestTimeoutMs} from '../../src/gateways/kube-http.js'
import {backoffMs, retrying, RetryLog, type RetryPolicy} from '../../src/gateways/retry.js'

/** The retry policy of reads: what is repeated, how long it waits, when it gives up. */
const fast: RetryPolicy = {attempts: 4, baseMs: 1, capMs: 20}

describe('retrying reads', () => {
  test('a passing failure is repeated until it answers; the log says how many attempts and why', async () => {
    let calls = 0
    const log = new RetryLog()
    const value = await retrying('GET /api/v1/pods', async () => (++calls < 3 ? Promise.reject(new ApiStatusError(429, '', 0)) : 'ok'), kubeReadVerdict, {
      policy: fast,
      log,
    })
    expect(value).toBe('ok')
    expect(calls).toBe(3)
    expect(log.entries).toEqual([{request: 'GET /api/v1/pods', attempts: 3, why: 'HTTP 429 (the API server is shedding load)', succeeded: true}])
    expect(log.total).toBe(2)
  })

  test('an answer that is the answer (403, 404) is not repeated', async () => {
    let calls = 0
    await expect(
      retrying('GET x', async () => Promise.reject(new ApiStatusError(++calls && 403, 'forbidden')), kubeReadVerdict, {policy: fast}),
    ).rejects.toThrow('HTTP 403')
    expect(calls).toBe(1)
  })

  test('bounded: after the attempts, the last error as it was, recorded as given up', async () => {
    const log = new RetryLog()
    let calls = 0
    await expect(
      retrying('GET y', async () => Promise.reject(new ApiStatusError(503, `try ${++calls}`)), kubeReadVerdict, {policy: fast, log}),
    ).rejects.toMatchObject({code: 503, body: 'try 4'})
    expect(log.entries).toEqual([{request: 'GET y', attempts: 4, why: 'HTTP 503', succeeded: false}])
  })

  test("the run's deadline ends the wait at once", async () => {
    const controller = new AbortController()
    const started = Date.now()
    setTimeout(() => controller.abort(), 50)
    await expect(
      retrying('GET z', async () => Promise.reject(new ApiStatusError(429, '', 10_000)), kubeReadVerdict, {
        policy: {attempts: 5, baseMs: 1, capMs: 10_000},
        signal: controller.signal,
      }),
    ).rejects.toThrow('HTTP 429')
    expect(Date.now() - started).toBeLessThan(1000)
  })

  test("waits: the server's Retry-After (capped), else full jitter under the doubling bound", () => {
    const policy: RetryPolicy = {attempts: 5, baseMs: 100, capMs: 4000}
    expect(backoffMs(policy, 1, 1000)).toBe(1000)
    expect(backoffMs(policy, 1, 60_000)).toBe(4000)
    expect(backoffMs(policy, 1, undefined, () => 0.999)).toBe(100)
    expect(backoffMs(policy, 3, undefined, () => 0.5)).toBe(200)
    expect(backoffMs(policy, 10, undefined, () => 1)).toBe(4000)
  })

  test('ClickHouse: its query limit, memory limit, server time limits and reset streams are repeated; a host that does not answer or refuses is not', () => {
    const server = (code: number) => new GatewayError('server', `Code: ${code}. DB::Exception: …`, 'h', code)
    for (const code of [202, 241, 159, 160]) expect(clickhouseReadVerdict(server(code)).retry).toBe(true)
    for (const code of [60, 47, 62]) expect(clickhouseReadVerdict(server(code)).retry).toBe(false)
    expect(clickhouseReadVerdict(new GatewayError('unreachable', 'cannot connect (ECONNRESET)', 'h')).retry).toBe(true)
    expect(clickhouseReadVerdict(new GatewayError('unreachable', 'cannot connect (ECONNREFUSED)', 'h')).retry).toBe(false)
    expect(clickhouseReadVerdict(new GatewayError('timeout', 'no answer within the host timeout', 'h')).retry).toBe(false)
  })
})

describe('SIGNOZ_HA_KUBE_REQUEST_TIMEOUT', () => {
  test('30 s by default; a duration in ms, s or m; anything else a usage error (exit 2)', () => {
    expect(kubeRequestTimeoutMs(undefined)).toBe(30_000)
    expect(kubeRequestTimeoutMs('2s')).toBe(2000)
    expect(kubeRequestTimeoutMs('1.5m')).toBe(90_000)
    expect(kubeRequestTimeoutMs('750')).toBe(750)
    expect(() => kubeRequestTimeoutMs('soon')).toThrow(/SIGNOZ_HA_KUBE_REQUEST_TIMEOUT=soon is not a duration/)
    expect(() => kubeRequestTimeoutMs('0s')).toThrow(UsageError)
  })
})

describe('Helm reads repeated, Helm changes never', () => {
  test('which Helm commands only read', () => {
    expect(helmReadOnly(['history', 'signoz', '--max', '50'])).toBe(true)
    expect(helmReadOnly(['get', 'manifest', 'signoz'])).toBe(true)
    expect(helmReadOnly(['upgrade', 'signoz', 'chart', '--dry-run=client'])).toBe(true)
    expect(helmReadOnly(['upgrade', 'signoz', 'chart', '--reuse-values'])).toBe(false)
    expect(helmReadOnly(['rollback', 'signoz', '3'])).toBe(false)
    expect(helmReadOnly(['uninstall', 'signoz'])).toBe(false)
  })
})

describe("client-node's errors: reads repeated as KubeHttp's, writes only when refused unprocessed (429)", () => {
  const api = (code: number, headers: Record<string, string> = {}) => Object.assign(new Error(`HTTP-Code: ${code}`), {code, headers, body: ''})
  test('a write refused with 429 is repeated after Retry-After; a 503 or a reset write is the answer', () => {
    expect(clientNodeVerdict(api(429, {'retry-after': '2'}), 'write')).toEqual({retry: true, why: 'HTTP 429 (the API server is shedding load)', afterMs: 2000})
    expect(clientNodeVerdict(api(503), 'write')).toEqual({retry: false})
    expect(clientNodeVerdict(Object.assign(new Error('socket hang up'), {code: 'ECONNRESET'}), 'write')).toEqual({retry: false})
    expect(clientNodeVerdict(api(409), 'write')).toEqual({retry: false})
  })
  test('a read is repeated on 429, 5xx and a reset; 404 is the answer', () => {
    expect(clientNodeVerdict(api(503), 'read')).toMatchObject({retry: true, why: 'HTTP 503'})
    expect(clientNodeVerdict(Object.assign(new Error('socket hang up'), {code: 'ECONNRESET'}), 'read')).toMatchObject({retry: true})
    expect(clientNodeVerdict(api(404), 'read')).toEqual({retry: false})
  })
})
