import {hostname} from 'node:os'
import {describe, expect, test} from 'vitest'
import {GatewayError} from '../../src/gateways/errors.js'
import type {KubeItem, ObjectRef} from '../../src/gateways/kube.js'
import {acquireLease, leaseName, type LeaseApi} from '../../src/remediation/lease.js'

/** An API holding Leases in memory with the server's rules: create conflicts, replace needs the current resourceVersion. */
class MemoryLeases implements LeaseApi {
  objects = new Map<string, KubeItem>()
  private version = 1
  private key = (ref: {namespace?: string; name?: string}) => `${ref.namespace}/${ref.name}`
  async getObject(ref: ObjectRef) {
    const o = this.objects.get(this.key(ref))
    return o ? structuredClone(o) : undefined
  }
  async createObject(object: KubeItem) {
    const key = this.key(object.metadata ?? {})
    if (this.objects.has(key)) throw new GatewayError('server', 'already exists', 'api', 409)
    const stored = {...object, metadata: {...object.metadata, resourceVersion: String(this.version++)}}
    this.objects.set(key, stored)
    return structuredClone(stored)
  }
  async replaceObject(object: KubeItem) {
    const key = this.key(object.metadata ?? {})
    const current = this.objects.get(key)
    if (!current || current.metadata?.resourceVersion !== object.metadata?.resourceVersion) throw new GatewayError('server', 'conflict', 'api', 409)
    const stored = {...object, metadata: {...object.metadata, resourceVersion: String(this.version++)}}
    this.objects.set(key, stored)
    return structuredClone(stored)
  }
  async deleteObject(ref: ObjectRef) {
    return this.objects.delete(this.key(ref))
  }
}

const options = {namespace: 'platform', release: 'signoz', command: 'fix duplicate-clickhouse', takeOver: false, progress: () => undefined}
const ref = {namespace: 'platform', name: leaseName('signoz')}
const heldBy = (api: MemoryLeases, renewedMsAgo: number, host = 'other-machine', pid = 4242) =>
  api.objects.set(`platform/${ref.name}`, {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: ref.name,
      namespace: 'platform',
      resourceVersion: '99',
      annotations: {'signoz-ha.io/holder-host': host, 'signoz-ha.io/holder-pid': String(pid)},
    },
    spec: {
      holderIdentity: `bob@${host} pid ${pid} (signoz-ha upgrade --safe)`,
      leaseDurationSeconds: 60,
      acquireTime: new Date(Date.now() - 600_000).toISOString(),
      renewTime: new Date(Date.now() - renewedMsAgo).toISOString(),
      leaseTransitions: 2,
    },
  } as KubeItem)

describe('the remediation Lease', () => {
  test('free: created with this run as holder; released at the end', async () => {
    const api = new MemoryLeases()
    const held = await acquireLease(api, options)
    const spec = (await api.getObject({...ref, apiVersion: 'coordination.k8s.io/v1', kind: 'Lease'}))!.spec as {
      holderIdentity: string
      leaseDurationSeconds: number
      leaseTransitions: number
    }
    expect(spec).toMatchObject({holderIdentity: held!.holder, leaseDurationSeconds: 60, leaseTransitions: 0})
    expect(held!.holder).toMatch(new RegExp(`@${hostname()} pid ${process.pid} \\(signoz-ha fix duplicate-clickhouse\\)$`))
    await held!.release()
    expect(api.objects.size).toBe(0)
  })

  test('held and renewed by another run: refused, naming it; the Lease untouched', async () => {
    const api = new MemoryLeases()
    heldBy(api, 5_000)
    await expect(acquireLease(api, {...options, takeOver: true})).rejects.toThrow(
      /another remediation holds the lease signoz-ha-signoz in platform: bob@other-machine pid 4242 \(signoz-ha upgrade --safe\)/,
    )
    expect(api.objects.get(`platform/${ref.name}`)!.metadata!.resourceVersion).toBe('99')
  })

  test('its holder stopped renewing: refused without the flag; taken over with it (a transition more)', async () => {
    const api = new MemoryLeases()
    heldBy(api, 120_000)
    await expect(acquireLease(api, options)).rejects.toThrow(/stopped renewing it 120s ago/)
    const lines: string[] = []
    const held = await acquireLease(api, {...options, takeOver: true, progress: (l) => lines.push(l)})
    expect(lines[0]).toMatch(/taken over from bob@other-machine pid 4242 .* \(not renewed for 120s\)/)
    expect((api.objects.get(`platform/${ref.name}`)!.spec as {leaseTransitions: number; holderIdentity: string}).leaseTransitions).toBe(3)
    await held!.release()
  })

  test('a run of this machine whose process is gone (kill -9): its Lease taken over at once, renewed or not', async () => {
    const api = new MemoryLeases()
    heldBy(api, 1_000, hostname(), 2 ** 22 + 12345)
    const held = await acquireLease(api, options)
    expect(held).toBeDefined()
    await held!.release()
  })

  test('renewing: a Lease someone else took meanwhile is said once, and not deleted at the end', async () => {
    const api = new MemoryLeases()
    const lines: string[] = []
    const held = await acquireLease(api, {...options, progress: (l) => lines.push(l)})
    heldBy(api, 0)
    await held!.renew()
    expect(lines.at(-1)).toMatch(/now held by bob@other-machine pid 4242/)
    await held!.release()
    expect(api.objects.size).toBe(1)
  })

  test('an API that does not let this user hold a Lease: the run goes on, and says so', async () => {
    const api = new MemoryLeases()
    api.getObject = async () => {
      throw new GatewayError('forbidden', 'leases.coordination.k8s.io "signoz-ha-signoz" is forbidden', 'api', 403)
    }
    const lines: string[] = []
    expect(await acquireLease(api, {...options, progress: (l) => lines.push(l)})).toBeUndefined()
    expect(lines[0]).toMatch(/not taken \(leases.coordination.k8s.io .* is forbidden\); nothing stops another run/)
  })
})
