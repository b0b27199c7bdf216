import type {KubeItem, ObjectRef} from '../../gateways/kube.js'
import {podReady, templateContainers} from '../../signoz/deployment.js'
import {serviceOf} from '../../signoz/duplicate.js'
import type {Action} from '../action.js'
import {checkPasses, subjectParts, waitUntil, type FixContext, type RemedyContext} from '../context.js'

const HOST_ENV = 'CLICKHOUSE_HOST'
const podRef = (namespace: string, name: string): ObjectRef => ({apiVersion: 'v1', kind: 'Pod', name, namespace})
const nodeRef = (name: string): ObjectRef => ({apiVersion: 'v1', kind: 'Node', name})

/** The CLICKHOUSE_HOST of each container of a workload that has one. */
async function hostsOf(ctx: FixContext, ref: ObjectRef): Promise<{container: string; value: string}[]> {
  const item = await ctx.kube.getObject(ref)
  return templateContainers(item).flatMap((c) =>
    (c.env ?? []).filter((e) => e.name === HOST_ENV && e.value !== undefined).map((e) => ({container: c.name, value: e.value!})),
  )
}

/**
 * Points the workloads that talk to ClickHouse (collectors, SigNoz) at one Service and waits for
 * their rollout: ingestion first (catalogue #12). Undo puts the saved values back.
 */
export function pointClients(p: {namespace: string; service: string; clients: {kind: string; name: string}[]}): Action<FixContext> {
  const refs = p.clients.map((c): ObjectRef => ({apiVersion: 'apps/v1', kind: c.kind, name: c.name, namespace: p.namespace}))
  const wrong = async (ctx: FixContext) =>
    (await Promise.all(refs.map(async (ref) => (await hostsOf(ctx, ref)).filter((h) => serviceOf(h.value) !== p.service).map((h) => ({ref, ...h}))))).flat()
  const patch = (ctx: FixContext, ref: ObjectRef, container: string, value: string) =>
    ctx.kube.patchObject(ref, {spec: {template: {spec: {containers: [{name: container, env: [{name: HOST_ENV, value}]}]}}}})
  return {
    id: 'point-clients',
    title: `Point the collectors and SigNoz at ${p.service}`,
    safety: 'safe',
    done: async (ctx) => (await wrong(ctx)).length === 0,
    async preview(ctx) {
      return (await wrong(ctx)).map((w) => ({
        kind: 'kubernetes' as const,
        summary: `${w.ref.kind}/${w.ref.name} container ${w.container}`,
        detail: `- ${HOST_ENV}=${w.value}\n+ ${HOST_ENV}=${p.service}`,
      }))
    },
    async backup(ctx) {
      return {clients: (await wrong(ctx)).map((w) => ({kind: w.ref.kind, name: w.ref.name, container: w.container, from: w.value}))}
    },
    async apply(ctx) {
      for (const w of await wrong(ctx)) await patch(ctx, w.ref, w.container, p.service)
    },
    async verify(ctx) {
      // Rolled out: every workload points there and has its replicas ready again.
      const ok = await waitUntil(ctx.waitMs, async () => {
        if ((await wrong(ctx)).length) return false
        for (const ref of refs) {
          const item = await ctx.kube.getObject(ref)
          const want = Number((item?.spec as {replicas?: number} | undefined)?.replicas ?? 1)
          if (((item?.status as {readyReplicas?: number} | undefined)?.readyReplicas ?? 0) < want) return false
        }
        return true
      })
      return ok
        ? {ok, message: `${refs.length} workloads use ${p.service} and are ready`}
        : {ok, message: `the workloads did not become ready on ${p.service} within ${ctx.waitMs / 1000}s`}
    },
    async undo(ctx, backup) {
      for (const c of (backup.clients ?? []) as {kind: string; name: string; container: string; from: string}[]) {
        await patch(ctx, {apiVersion: 'apps/v1', kind: c.kind, name: c.name, namespace: p.namespace}, c.container, c.from)
      }
    },
  }
}

const readyPod = async (ctx: FixContext, namespace: string, name: string): Promise<KubeItem | undefined> => {
  const pod = await ctx.kube.getObject(podRef(namespace, name))
  return pod && !pod.metadata?.deletionTimestamp && podReady(pod) ? pod : undefined
}

/**
 * Deletes the pods of a StatefulSet that are not ready, so their controller recreates them and
 * the container starts afresh (a process that stopped answering, Keeper that went down).
 */
export function restartUnreadyPods(p: {id: string; title: string; namespace: string; pods: string[]}): Action<FixContext> {
  const unready = async (ctx: FixContext) =>
    (await Promise.all(p.pods.map(async (name) => ((await readyPod(ctx, p.namespace, name)) ? undefined : name)))).filter((n): n is string => Boolean(n))
  return {
    id: p.id,
    title: p.title,
    safety: 'disruptive',
    done: async (ctx) => (await unready(ctx)).length === 0,
    async preview(ctx) {
      return (await unready(ctx)).map((name) => ({
        kind: 'kubernetes' as const,
        summary: `delete Pod/${name}`,
        detail: 'its StatefulSet recreates it; the claim and its data stay',
      }))
    },
    async backup(ctx) {
      return {pods: await unready(ctx)}
    },
    async apply(ctx) {
      for (const name of await unready(ctx)) await ctx.kube.deleteObject(podRef(p.namespace, name))
    },
    async verify(ctx) {
      const ok = await waitUntil(ctx.waitMs, async () => (await unready(ctx)).length === 0, 1000)
      return ok ? {ok, message: `${p.pods.join(', ')} ready`} : {ok, message: `still not ready after ${ctx.waitMs / 1000}s: ${(await unready(ctx)).join(', ')}`}
    },
  }
}

/**
 * Makes cordoned nodes schedulable again: a drain for maintenance that was never undone leaves
 * ClickHouse pods Pending on anti-affinity (catalogue #11). Undo cordons them again.
 */
export function uncordonNodes(p: {nodes: string[]; waitForPods: string[]; namespace: string}): Action<FixContext> {
  const cordoned = async (ctx: FixContext) =>
    (
      await Promise.all(
        p.nodes.map(async (name) =>
          ((await ctx.kube.getObject(nodeRef(name)))?.spec as {unschedulable?: boolean} | undefined)?.unschedulable ? name : undefined,
        ),
      )
    ).filter((n): n is string => Boolean(n))
  return {
    id: 'uncordon-nodes',
    title: `Uncordon ${p.nodes.join(', ')} so the Pending pods can be scheduled`,
    safety: 'safe',
    done: async (ctx) => (await cordoned(ctx)).length === 0,
    async preview(ctx) {
      return (await cordoned(ctx)).map((name) => ({
        kind: 'kubernetes' as const,
        summary: `Node/${name}`,
        detail: '- spec.unschedulable: true\n+ spec.unschedulable: (unset)',
      }))
    },
    async backup(ctx) {
      return {nodes: await cordoned(ctx)}
    },
    async apply(ctx) {
      for (const name of await cordoned(ctx)) await ctx.kube.patchObject(nodeRef(name), {spec: {unschedulable: null}})
    },
    async verify(ctx) {
      const ok = await waitUntil(
        ctx.waitMs,
        async () => (await Promise.all(p.waitForPods.map((name) => readyPod(ctx, p.namespace, name)))).every(Boolean),
        1000,
      )
      return ok
        ? {ok, message: `${p.waitForPods.join(', ') || 'the pods'} scheduled and ready`}
        : {ok, message: `${p.waitForPods.join(', ')} not ready after ${ctx.waitMs / 1000}s`}
    },
    async undo(ctx, backup) {
      for (const name of (backup.nodes ?? []) as string[]) await ctx.kube.patchObject(nodeRef(name), {spec: {unschedulable: true}})
    },
  }
}

export type HostRestart = {
  pod: string
  /** The host's replica name (its findings' subject). */
  host: string
  /** The other replicas of its shard, as pods and host names. */
  peers: {pod: string; host: string}[]
  /**
   * An ISO time: restart unless its pod was created after it (a rolling restart, resumable);
   * "unhealthy": restart only while its tables are read-only or behind.
   */
  since: string
}

/**
 * Restarts one ClickHouse host by deleting its pod, only while every other replica of its shard
 * is ready and caught up (never the last caught-up replica), and waits until the new pod is
 * ready with every replicated table writable and caught up.
 */
export function restartClickhouseHost(r: HostRestart): Action<RemedyContext> {
  const aboutHost = (host: string) => (subject: string) => subjectParts(subject).host === host
  const settled = async (ctx: RemedyContext, host: string) =>
    (await checkPasses(ctx, 'clickhouse/replicas-readonly', aboutHost(host))) && (await checkPasses(ctx, 'clickhouse/replication-lag', aboutHost(host)))
  return {
    id: `restart-${r.pod}`,
    title:
      r.since === 'unhealthy'
        ? `Restart ${r.pod} if its tables are still read-only or behind`
        : `Restart ${r.pod} (its shard's other replicas serve meanwhile)`,
    safety: 'disruptive',
    async done(ctx) {
      const pod = await readyPod(ctx, ctx.namespace, r.pod)
      if (!pod) return false
      if (r.since === 'unhealthy') return settled(ctx, r.host)
      return Date.parse(String(pod.metadata?.creationTimestamp)) >= Date.parse(r.since)
    },
    async preview() {
      return [
        {
          kind: 'kubernetes',
          summary: `delete Pod/${r.pod}`,
          detail: `only if ${r.peers.map((p) => p.pod).join(', ') || 'no other replica'} ${r.peers.length === 1 ? 'is' : 'are'} ready and caught up; then wait for it to be ready, writable and caught up`,
        },
      ]
    },
    async backup() {
      return {}
    },
    async apply(ctx) {
      if (r.peers.length === 0) throw new Error(`${r.pod} is the only replica of its shard: restarting it stops that shard (not done)`)
      // A peer restarted moments ago may still be catching up: give it the wait, then refuse.
      for (const peer of r.peers) {
        const good = await waitUntil(ctx.waitMs, async () => Boolean(await readyPod(ctx, ctx.namespace, peer.pod)) && (await settled(ctx, peer.host)), 2000)
        if (!good) throw new Error(`${peer.pod} is not ready and caught up: restarting ${r.pod} now could leave its shard without a good replica (not done)`)
      }
      await ctx.kube.deleteObject(podRef(ctx.namespace, r.pod))
    },
    async verify(ctx) {
      const ok = await waitUntil(ctx.waitMs, async () => Boolean(await readyPod(ctx, ctx.namespace, r.pod)) && (await settled(ctx, r.host)), 1000)
      return ok
        ? {ok, message: `${r.pod} is back: ready, writable, caught up`}
        : {ok, message: `${r.pod} is not ready, writable and caught up after ${ctx.waitMs / 1000}s`}
    },
  }
}
