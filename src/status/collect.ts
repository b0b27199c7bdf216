import type {KubeContext} from '../core/check.js'
import type {ClickHouseFleet} from '../gateways/clickhouse-fleet.js'
import {Q} from '../signoz/queries.js'
import {SIGNAL_TABLES} from '../signoz/schema.js'
import type {Thresholds} from '../core/thresholds.js'
import {buildStatus, keeperPods, type StatusView} from './view.js'

/** Ingestion rates are over this window: the last five minutes. */
export const STATUS_WINDOW_SECONDS = 300

export interface StatusSources {
  fleet: ClickHouseFleet
  kube?: {context: KubeContext; contextName: string; unavailable?: string}
  now: number
  version: string
  signal: AbortSignal
  thresholds: Thresholds
}

/** A member pod's client port: the container port named client, else ZooKeeper's 2181 (Keeper's 9181 by image). */
function clientPort(pod: {spec?: Record<string, unknown>}): number {
  const containers = (pod.spec?.containers as {image?: string; ports?: {name?: string; containerPort: number}[]}[] | undefined) ?? []
  const ports = containers.flatMap((c) => c.ports ?? [])
  const named = ports.find((p) => p.name === 'client' || p.name === 'tcp-client')
  if (named) return named.containerPort
  if (ports.some((p) => p.containerPort === 2181)) return 2181
  return containers.some((c) => /clickhouse-keeper/.test(c.image ?? '')) ? 9181 : 2181
}

/**
 * Everything status shows, read at once: per host six small queries in one wave (the ones doctor
 * also sends, so a bundle's recording serves both), and mntr from each Keeper member.
 */
export async function collectStatus(sources: StatusSources): Promise<StatusView> {
  const {fleet, kube, signal} = sources
  const d = kube && !kube.unavailable ? kube.context.deployment : undefined
  const askKeeper = async (pod: string, port: number): Promise<[string, {text?: string; error?: string}]> => {
    if (!kube?.context.fourLetterWord) return [pod, {error: 'no port-forward'}]
    try {
      const text = await kube.context.fourLetterWord(d!.namespace, pod, port, 'mntr')
      return [pod, text === undefined ? {error: 'no answer to mntr'} : {text}]
    } catch (error) {
      return [pod, {error: (error as Error).message}]
    }
  }
  const members = keeperPods(d).filter((p) => (p.status as {phase?: string} | undefined)?.phase === 'Running')
  const [uptime, replicas, parts, disks, keeperRoot, keeperConnection, freshness, words] = await Promise.all([
    fleet.queryEach(Q.serverInfo, undefined, signal),
    fleet.queryEach(Q.replicaStatus, undefined, signal),
    fleet.queryEach(Q.partsPerPartition, {limit: 20}, signal),
    fleet.queryEach(Q.diskSpace, undefined, signal),
    fleet.queryEach(Q.keeperRoot, undefined, signal),
    fleet.queryEach(Q.keeperConnection, undefined, signal),
    fleet.queryEach(Q.freshness, {tables: SIGNAL_TABLES, windowSeconds: STATUS_WINDOW_SECONDS}, signal),
    Promise.all(members.map((p) => askKeeper(p.metadata?.name ?? '', clientPort(p)))),
  ])
  return buildStatus({
    now: sources.now,
    version: sources.version,
    contextName: kube?.contextName,
    deployment: d,
    kubeUnavailable: kube?.unavailable,
    hosts: fleet.hosts,
    uptime,
    replicas,
    parts,
    disks,
    keeperRoot,
    keeperConnection,
    freshness,
    windowSeconds: STATUS_WINDOW_SECONDS,
    thresholds: sources.thresholds,
    keeperWords: new Map(words),
    signals: SIGNAL_TABLES.map((t) => t.signal),
  })
}
