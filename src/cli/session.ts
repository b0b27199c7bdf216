import {setMaxListeners} from 'node:events'
import {parseDuration} from '../core/duration.js'
import {UsageError} from '../core/errors.js'
import type {HttpClickHouseFleet} from '../gateways/clickhouse-fleet.js'
import {clickhouseEndpoints, openClickHouseFleet} from '../gateways/factory.js'
import {KubeGateway} from '../gateways/kube.js'
import {forwardedEndpoints, openKubeTarget, releaseCredentials, type KubeFlags} from './kube-target.js'
import type {KubeTarget} from '../core/check.js'
import {BOOKKEEPING_TABLES} from '../signoz/schema.js'

/** How a command finds ClickHouse: through the cluster, or the URLs given. */
export interface TargetFlags extends KubeFlags {
  'clickhouse-url'?: string[]
  'clickhouse-user'?: string
}

/** The cluster flags and the bounds of a run (a whole run, and one call to one host). */
export interface SessionFlags extends TargetFlags {
  timeout: string
  'host-timeout': string
}

/**
 * One run's view of the world, opened and closed in one place for every command that reads a
 * cluster: the Kubernetes side (kubeconfig, namespace, one snapshot), the run's deadline, and the
 * ClickHouse hosts (port-forwards or the URLs given, with the release's credentials) opened on
 * first use, once.
 */
export interface Session {
  readonly kube: KubeTarget | undefined
  /** Aborts at --timeout; every query and request of the run listens on it. */
  readonly signal: AbortSignal
  readonly timeoutMs: number
  /** Bound on one call to one host. */
  readonly hostTimeoutMs: number
  /** The ClickHouse hosts of the run, probed; opened on the first call. */
  fleet(): Promise<HttpClickHouseFleet>
  /** The credentials the fleet uses (a bundle scrubs the password from everything it keeps). */
  credentials(): Promise<{user: string; password: string}>
}

/** The bounds of a run from its flags: a bad value is a usage error before anything is read. */
export function sessionBounds(flags: Pick<SessionFlags, 'timeout' | 'host-timeout'>): {timeoutMs: number; hostTimeoutMs: number} {
  const timeoutMs = parseDuration(flags.timeout, '--timeout')
  return {timeoutMs, hostTimeoutMs: Math.min(parseDuration(flags['host-timeout'], '--host-timeout'), timeoutMs)}
}

/** Opens a session, runs fn in it and closes it (the fleet, then the Kubernetes connections), whatever fn does. */
export async function withSession<T>(flags: SessionFlags, fn: (session: Session) => Promise<T>): Promise<T> {
  const {timeoutMs, hostTimeoutMs} = sessionBounds(flags)
  const kube = await openKubeSide(flags)
  const signal = AbortSignal.timeout(timeoutMs)
  // Every concurrent query listens on this one signal.
  setMaxListeners(0, signal)
  let opened: ReturnType<typeof openFleetWithCredentials> | undefined
  const open = () => (opened ??= openFleetWithCredentials(kube, flags, hostTimeoutMs, signal))
  try {
    return await fn({
      kube,
      signal,
      timeoutMs,
      hostTimeoutMs,
      fleet: async () => (await open()).fleet,
      credentials: async () => (await open()).credentials,
    })
  } finally {
    try {
      if (opened) await (await opened.catch(() => undefined))?.fleet.close()
    } finally {
      await kube?.gateway.close()
    }
  }
}

/**
 * The Kubernetes side of a run, when there is one: the cluster flags, or no URL and a kubeconfig
 * to find. Neither is a usage error that says how to give ClickHouse.
 */
export async function openKubeSide(flags: TargetFlags): Promise<KubeTarget | undefined> {
  const urls = clickhouseUrls(flags)
  const useKube =
    Boolean(flags.kubeconfig || flags.context || flags['in-cluster'] || flags.namespace || flags.release) || (urls.length === 0 && KubeGateway.configured())
  if (urls.length === 0 && !useKube) {
    throw new UsageError(
      'no ClickHouse host to check',
      'give --kubeconfig (ClickHouse is then reached through the cluster), or --clickhouse-url once per host; for the lab: eval "$(signoz-ha lab env)"',
    )
  }
  return useKube ? openKubeTarget(flags) : undefined
}

// From the environment oclif hands over one string, not a list.
const clickhouseUrls = (flags: TargetFlags): string[] => ([] as string[]).concat(flags['clickhouse-url'] ?? [])

/**
 * The ClickHouse hosts of a run: the URLs given, else every host of the serving installation
 * through a port-forward. Credentials: flag and env first, else what the release's collectors use.
 */
export async function openFleetWithCredentials(kube: KubeTarget | undefined, flags: TargetFlags, hostTimeoutMs: number, signal: AbortSignal) {
  const urls = clickhouseUrls(flags)
  const viaCluster = kube && !kube.unavailable
  const credentials = (viaCluster ? releaseCredentials(kube) : Promise.resolve({} as {user?: string; password?: string})).then((fromRelease) => ({
    user: flags['clickhouse-user'] ?? fromRelease.user ?? 'default',
    password: process.env.SIGNOZ_HA_CLICKHOUSE_PASSWORD ?? fromRelease.password ?? '',
  }))
  // Through the cluster, the port-forwards open while the credentials are read.
  const endpoints =
    urls.length > 0
      ? await credentials.then(({user, password}) => clickhouseEndpoints(urls, user, password))
      : viaCluster
        ? await forwardedEndpoints(kube, credentials)
        : []
  return {fleet: await openClickHouseFleet(endpoints, hostTimeoutMs, signal, BOOKKEEPING_TABLES), credentials: await credentials}
}
