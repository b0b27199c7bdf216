import {hostname, userInfo} from 'node:os'
import {IncompleteError} from '../core/errors.js'
import type {KubeItem, ObjectRef} from '../gateways/kube.js'
import {isGatewayError} from '../gateways/errors.js'

/**
 * One remediation at a time per release: a run that changes the cluster (fix, runbook run,
 * upgrade, an undo) holds a coordination.k8s.io/v1 Lease in the release's namespace, renewed while
 * it runs and deleted at the end. A second run is refused, naming who holds it and since when. A
 * Lease its holder stopped renewing (a laptop closed, kill -9) is taken over only when asked, or
 * at once when its holder was a process of this machine that is gone.
 */
export const LEASE_SECONDS = 60
const RENEW_EVERY_MS = 15_000
const HOST_ANNOTATION = 'signoz-ha.io/holder-host'
const PID_ANNOTATION = 'signoz-ha.io/holder-pid'

/** The parts of the Kubernetes gateway a Lease needs. */
export interface LeaseApi {
  getObject(ref: ObjectRef): Promise<KubeItem | undefined>
  createObject(object: KubeItem & {apiVersion: string; kind: string}): Promise<KubeItem>
  replaceObject(object: KubeItem & {apiVersion: string; kind: string}): Promise<KubeItem>
  deleteObject(ref: ObjectRef): Promise<boolean>
}

type LeaseSpec = {
  holderIdentity?: string | null
  leaseDurationSeconds?: number
  acquireTime?: string
  renewTime?: string
  leaseTransitions?: number
  [k: string]: unknown
}

type LeaseObject = KubeItem & {apiVersion: string; kind: string}

export const leaseName = (release: string): string => `signoz-ha-${release}`.slice(0, 253)

/** MicroTime, as the API stores acquire and renew times. */
const microTime = (ms: number): string => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z')

const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export interface LeaseOptions {
  namespace: string
  release: string
  /** What the holder does, for the one who is refused ("fix duplicate-clickhouse"). */
  command: string
  /** Take over a Lease whose holder stopped renewing. */
  takeOver: boolean
  progress(line: string): void
  now?: () => number
}

/** A Lease held by this run: renewed until released. */
export class HeldLease {
  private timer?: NodeJS.Timeout
  private lost = false

  constructor(
    private readonly api: LeaseApi,
    private current: LeaseObject,
    readonly holder: string,
    private readonly options: LeaseOptions,
    /** The holder this run took the Lease from (a run that is gone): what it left half-done is this run's to recover. */
    readonly takenOverFrom?: string,
  ) {}

  get name(): string {
    return this.current.metadata?.name ?? ''
  }

  /** Renews every 15 s (a quarter of its duration); a Lease taken by someone else is said once. */
  startRenewing(): void {
    this.timer = setInterval(() => void this.renew(), RENEW_EVERY_MS)
    this.timer.unref()
  }

  async renew(): Promise<void> {
    if (this.lost) return
    const now = (this.options.now ?? Date.now)()
    try {
      this.current = (await this.api.replaceObject({...this.current, spec: {...(this.current.spec as LeaseSpec), renewTime: microTime(now)}})) as LeaseObject
    } catch (error) {
      const fresh = await this.api.getObject(leaseRef(this.options)).catch(() => undefined)
      const spec = fresh?.spec as LeaseSpec | undefined
      if (fresh && spec?.holderIdentity === this.holder) {
        this.current = {...fresh, apiVersion: 'coordination.k8s.io/v1', kind: 'Lease'}
        return
      }
      this.lost = true
      this.options.progress(
        `lease ${this.name}: ${fresh ? `now held by ${spec?.holderIdentity ?? 'nobody'}` : 'deleted'} (${isGatewayError(error) ? error.message : String(error)}); another run may act on the release too`,
      )
    }
  }

  /** Stops renewing and deletes the Lease, if it is still this run's. */
  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    if (this.lost) return
    const fresh = await this.api.getObject(leaseRef(this.options)).catch(() => undefined)
    if ((fresh?.spec as LeaseSpec | undefined)?.holderIdentity === this.holder) await this.api.deleteObject(leaseRef(this.options)).catch(() => undefined)
  }
}

const leaseRef = (o: Pick<LeaseOptions, 'namespace' | 'release'>): ObjectRef => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  name: leaseName(o.release),
  namespace: o.namespace,
})

/** Who this run is, for the one it refuses: user@host, pid and command. */
export const holderIdentity = (command: string): string => `${safeUser()}@${hostname()} pid ${process.pid} (signoz-ha ${command})`

function safeUser(): string {
  try {
    return userInfo().username
  } catch {
    return 'unknown'
  }
}

/**
 * Takes the release's Lease, or refuses (exit 3) naming its holder. undefined when the API does
 * not let this user hold one (forbidden or not served): the run goes on, and says so.
 */
export async function acquireLease(api: LeaseApi, options: LeaseOptions): Promise<HeldLease | undefined> {
  const now = (options.now ?? Date.now)()
  const holder = holderIdentity(options.command)
  const ref = leaseRef(options)
  const ours = (spec: LeaseSpec, transitions: number, acquireNow: boolean): LeaseSpec => ({
    ...spec,
    holderIdentity: holder,
    leaseDurationSeconds: LEASE_SECONDS,
    ...(acquireNow ? {acquireTime: microTime(now)} : {}),
    renewTime: microTime(now),
    leaseTransitions: transitions,
  })
  const annotations = {[HOST_ANNOTATION]: hostname(), [PID_ANNOTATION]: String(process.pid)}
  try {
    const existing = await api.getObject(ref)
    if (!existing) {
      const created = await api.createObject({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: {
          name: ref.name,
          namespace: ref.namespace,
          labels: {'app.kubernetes.io/managed-by': 'signoz-ha', 'app.kubernetes.io/instance': options.release},
          annotations,
        },
        spec: ours({}, 0, true),
      })
      return held(api, created, holder, options)
    }
    const spec = (existing.spec ?? {}) as LeaseSpec
    const renewedAt = Date.parse(spec.renewTime ?? spec.acquireTime ?? '') || 0
    const expired = now - renewedAt > (spec.leaseDurationSeconds ?? LEASE_SECONDS) * 1000
    const held_ = Boolean(spec.holderIdentity)
    const sameMachineGone =
      existing.metadata?.annotations?.[HOST_ANNOTATION] === hostname() && !pidAlive(Number(existing.metadata?.annotations?.[PID_ANNOTATION]))
    if (held_ && !expired && !sameMachineGone) {
      throw new IncompleteError(
        `another remediation holds the lease ${ref.name} in ${ref.namespace}: ${spec.holderIdentity}, since ${spec.acquireTime ?? '?'}, renewed ${Math.round((now - renewedAt) / 1000)}s ago`,
        'wait for it to finish; nothing was changed',
      )
    }
    if (held_ && expired && !sameMachineGone && !options.takeOver) {
      throw new IncompleteError(
        `the lease ${ref.name} in ${ref.namespace} is held by ${spec.holderIdentity}, which stopped renewing it ${Math.round((now - renewedAt) / 1000)}s ago (since ${spec.acquireTime ?? '?'})`,
        'if that run is gone (its machine closed, killed), --take-over-lease takes it; nothing was changed',
      )
    }
    if (held_)
      options.progress(
        `lease ${ref.name}: taken over from ${spec.holderIdentity} (${sameMachineGone ? 'its process on this machine is gone' : `not renewed for ${Math.round((now - renewedAt) / 1000)}s`})`,
      )
    const replaced = await api.replaceObject({
      ...(existing as KubeItem),
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {...existing.metadata, annotations: {...existing.metadata?.annotations, ...annotations}},
      spec: ours(spec, (spec.leaseTransitions ?? 0) + (held_ ? 1 : 0), true),
    })
    return held(api, replaced, holder, options, held_ ? (spec.holderIdentity ?? undefined) : undefined)
  } catch (error) {
    if (error instanceof IncompleteError) throw error
    if (isGatewayError(error) && error.code === 409) {
      // Someone took it between the read and the write: their run goes first.
      const now_ = await api.getObject(ref).catch(() => undefined)
      throw new IncompleteError(
        `another remediation took the lease ${ref.name} in ${ref.namespace} just now: ${(now_?.spec as LeaseSpec | undefined)?.holderIdentity ?? 'unknown'}`,
        'wait for it to finish; nothing was changed',
      )
    }
    if (isGatewayError(error) && (error.kind === 'forbidden' || error.kind === 'not-found')) {
      options.progress(`lease ${ref.name}: not taken (${error.message}); nothing stops another run from acting on the release at the same time`)
      return undefined
    }
    throw error
  }
}

function held(api: LeaseApi, object: KubeItem, holder: string, options: LeaseOptions, takenOverFrom?: string): HeldLease {
  const lease = new HeldLease(api, {...(object as KubeItem), apiVersion: 'coordination.k8s.io/v1', kind: 'Lease'}, holder, options, takenOverFrom)
  lease.startRenewing()
  return lease
}
