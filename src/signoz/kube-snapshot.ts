import {trace} from '../core/trace.js'
import {isGatewayError, type GatewayError} from '../gateways/errors.js'
import {SNAPSHOT_KINDS, type KubeGateway, type KubeItem, type SnapshotKind} from '../gateways/kube.js'

/** Every kind doctor reads, listed once per run; a kind that could not be read keeps its reason. */
export interface KubeSnapshot {
  namespace: string
  items: Partial<Record<SnapshotKind, KubeItem[]>>
  errors: Partial<Record<SnapshotKind, GatewayError>>
}

/** Lists every snapshot kind concurrently: one request per kind, whatever the number of checks. */
export async function takeSnapshot(kube: KubeGateway, namespace: string, kinds: readonly SnapshotKind[] = SNAPSHOT_KINDS): Promise<KubeSnapshot> {
  const snapshot: KubeSnapshot = {namespace, items: {}, errors: {}}
  await Promise.all(
    kinds.map(async (kind) => {
      try {
        snapshot.items[kind] = await kube.list(kind, namespace, kind === 'secrets' ? 'owner=helm' : undefined)
        trace(`list ${kind} answered (${snapshot.items[kind]!.length})`)
      } catch (error) {
        if (!isGatewayError(error)) throw error
        snapshot.errors[kind] = error
      }
    }),
  )
  return snapshot
}
