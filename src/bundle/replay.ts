import {existsSync, readFileSync} from 'node:fs'
import type {Expectations, KubeContext, PodLogOptions} from '../core/check.js'
import {UsageError} from '../core/errors.js'
import type {Thresholds} from '../core/thresholds.js'
import type {KubeItem, SnapshotKind} from '../gateways/kube.js'
import {ReplayFleet, type RecordedHost} from '../gateways/recorded-fleet.js'
import {replayError, Tape, type RecordedError, type Take} from '../gateways/tape.js'
import {readDeployment} from '../signoz/deployment.js'
import type {KubeSnapshot} from '../signoz/kube-snapshot.js'
import {readArchive} from './archive.js'

/** The bundle's replay file: what doctor and status read, so they can run again offline. */
export const BUNDLE_FORMAT = 1
export const REPLAY_FILE = 'replay.json'

export interface ReplayFile {
  format: typeof BUNDLE_FORMAT
  tool: string
  collectedAt: string
  kube?: {
    contextName: string
    namespace: string
    release?: string
    unavailable?: string
    snapshot: {items: Partial<Record<SnapshotKind, KubeItem[]>>; errors: Partial<Record<SnapshotKind, RecordedError>>}
  }
  clickhouse: {hosts: RecordedHost[]}
  expect: Expectations
  thresholds: Thresholds
  /** Every gateway call of the run that made the bundle: ClickHouse queries, pod logs, four-letter words. */
  tape: Record<string, Take>
}

export const podLogKey = (namespace: string, pod: string, tail: number, options?: PodLogOptions) =>
  `kube|log|${namespace}/${pod}|${tail}${options?.container ? `|${options.container}` : ''}${options?.previous ? '|previous' : ''}`
export const keeperWordKey = (namespace: string, pod: string, port: number, word: string) => `keeper|${word}|${namespace}/${pod}:${port}`

/** The live run's Kubernetes side, recorded on the tape as it is used. */
export function recordingKubeContext(context: KubeContext, tape: Tape): KubeContext {
  const word = context.fourLetterWord
  return {
    deployment: context.deployment,
    podLog: (ns, pod, tail, options) => tape.record(podLogKey(ns, pod, tail, options), () => context.podLog(ns, pod, tail, options)),
    ...(word
      ? {
          fourLetterWord: (ns: string, pod: string, port: number, w: 'mntr' | 'srvr' | 'ruok') =>
            tape.record(keeperWordKey(ns, pod, port, w), () => word(ns, pod, port, w)),
        }
      : {}),
  }
}

export interface OpenedBundle {
  file: string
  replay: ReplayFile
  collectedAt: number
  fleet: ReplayFleet
  kube?: {context: KubeContext; contextName: string; unavailable?: string}
}

/** Reads a bundle (the .tar.gz signoz-ha bundle wrote, or its unpacked replay.json); bad input is a usage error. */
export function openBundle(file: string): OpenedBundle {
  if (!existsSync(file)) throw new UsageError(`bundle ${file} does not exist`)
  let text: string
  try {
    const bytes = readFileSync(file)
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
      const files = readArchive(bytes)
      const path = [...files.keys()].find((p) => p === REPLAY_FILE || p.endsWith(`/${REPLAY_FILE}`))
      if (!path) throw new UsageError(`${file} is not a signoz-ha bundle (no ${REPLAY_FILE} in it)`)
      text = files.get(path)!.toString('utf8')
    } else text = bytes.toString('utf8')
  } catch (error) {
    if (error instanceof UsageError) throw error
    throw new UsageError(`cannot read bundle ${file}: ${(error as Error).message.split('\n')[0]}`)
  }
  let replay: ReplayFile
  try {
    replay = JSON.parse(text) as ReplayFile
  } catch {
    throw new UsageError(`${file} is not a signoz-ha bundle (its ${REPLAY_FILE} is not JSON)`)
  }
  if (replay.format !== BUNDLE_FORMAT || !replay.clickhouse || !replay.tape)
    throw new UsageError(`${file} is not a signoz-ha bundle of format ${BUNDLE_FORMAT}`)
  const tape = new Tape(replay.tape)
  const collectedAt = Date.parse(replay.collectedAt)
  const k = replay.kube
  let kube: OpenedBundle['kube']
  if (k) {
    const snapshot: KubeSnapshot = {
      namespace: k.namespace,
      items: k.snapshot.items,
      errors: Object.fromEntries(Object.entries(k.snapshot.errors).map(([kind, e]) => [kind, replayError(e!)])),
    }
    kube = {
      contextName: k.contextName,
      unavailable: k.unavailable,
      context: {
        deployment: readDeployment(snapshot, k.release),
        podLog: (ns, pod, tail, options) => tape.play<string>(podLogKey(ns, pod, tail, options)),
        fourLetterWord: (ns, pod, port, word) => tape.play<string | undefined>(keeperWordKey(ns, pod, port, word)),
      },
    }
  }
  return {file, replay, collectedAt, fleet: new ReplayFleet(replay.clickhouse.hosts, tape), kube}
}
