import type {ObjectStore, WatchEvent} from '../store.js'
import {reconcileEndpoints} from './endpoints.js'
import {reconcileJobs} from './jobs.js'
import {reconcileCronJobs} from './cronjobs.js'
import {Kubelet, type LabWorld} from './kubelet.js'
import {reconcileInstallations} from './operator.js'
import {schedule} from './scheduler.js'
import {reconcileVolumes} from './storage.js'
import {reconcileDeployments, reconcileReplicaSets, reconcileStatefulSets} from './workloads.js'

/**
 * Runs the simulated cluster's controllers: a pass after every change (batched), and a kubelet
 * tick each second so readiness follows the real processes. Passes are synchronous over the
 * store and write only what changed, so an idle cluster settles and stays quiet.
 */
export class ControllerManager {
  private readonly kubelet: Kubelet
  private pending?: NodeJS.Timeout
  private ticker?: NodeJS.Timeout
  private refreshing = false
  private stopped = false
  private readonly onEvent = (event: WatchEvent) => {
    // Events are the controllers' own output; reacting to them would only loop.
    if (event.kind.kind !== 'Event') this.schedulePass()
  }

  constructor(
    private readonly store: ObjectStore,
    private readonly world: LabWorld | undefined,
    private readonly options: {tickMs?: number; onError?: (error: unknown) => void} = {},
  ) {
    this.kubelet = new Kubelet(store, world, () => this.schedulePass())
  }

  start(): void {
    this.store.events.on('change', this.onEvent)
    this.ticker = setInterval(() => void this.tick(), this.options.tickMs ?? 1000)
    this.ticker.unref()
    void this.tick()
  }

  stop(): void {
    this.stopped = true
    this.store.events.off('change', this.onEvent)
    clearInterval(this.ticker)
    clearTimeout(this.pending)
  }

  /** One full pass of every controller; repeated until nothing changes (bounded). */
  pass(): void {
    for (let round = 0; round < 10; round++) {
      const before = this.store.currentRevision()
      try {
        reconcileVolumes(this.store)
        reconcileInstallations(this.store)
        reconcileDeployments(this.store)
        reconcileReplicaSets(this.store)
        reconcileStatefulSets(this.store)
        reconcileCronJobs(this.store)
        reconcileJobs(this.store)
        schedule(this.store)
        this.kubelet.sync()
        reconcileInstallations(this.store)
        reconcileEndpoints(this.store)
      } catch (error) {
        this.options.onError?.(error)
        return
      }
      if (this.store.currentRevision() === before) return
    }
  }

  private schedulePass(): void {
    if (this.pending || this.stopped) return
    this.pending = setTimeout(() => {
      this.pending = undefined
      this.pass()
    }, 5)
  }

  private async tick(): Promise<void> {
    if (this.refreshing || this.stopped) return
    this.refreshing = true
    try {
      await this.world?.refresh()
    } catch (error) {
      this.options.onError?.(error)
    } finally {
      this.refreshing = false
    }
    if (!this.stopped) this.pass()
  }
}
