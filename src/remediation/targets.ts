import type {Report} from '../core/report.js'
import {label, podReady} from '../signoz/deployment.js'
import {zookeeperName} from '../signoz/naming.js'
import type {HostRef} from './actions/clickhouse.js'
import {failingFindings, podOfHost, subjectParts, type RemedyContext} from './context.js'

/** The hosts a check's failing findings name, each once, with their pods. */
export async function failingHosts(ctx: RemedyContext, diagnosis: Report, checkId: string): Promise<HostRef[]> {
  const findings = failingFindings(diagnosis, checkId)
  if (findings.length === 0) return []
  const fleet = await ctx.clickhouse()
  const hosts = [...new Set(findings.map((f) => subjectParts(f.subject).host))]
  return hosts.map((host) => ({host, pod: podOfHost(fleet, host)}))
}

/** The tables a check's failing findings name on one host. */
export const failingTables = (diagnosis: Report, checkId: string, host: string): string[] => [
  ...new Set(
    failingFindings(diagnosis, checkId)
      .map((f) => subjectParts(f.subject))
      .filter((s) => s.host === host && s.table)
      .map((s) => s.table!),
  ),
]

/** Every host of the serving installation, in pod-name order, with the other replicas of its shard. */
export async function installationHosts(ctx: RemedyContext): Promise<{pod: string; host: string; peers: {pod: string; host: string}[]}[]> {
  const pods = (await ctx.deployment()).active?.pods ?? []
  const ref = (pod: (typeof pods)[number]) => {
    const name = pod.metadata?.name ?? ''
    return {pod: name, host: name.replace(/-0$/, ''), shard: label(pod, 'clickhouse.altinity.com/shard')}
  }
  return pods
    .map(ref)
    .map((h, _, all) => ({pod: h.pod, host: h.host, peers: all.filter((o) => o.shard === h.shard && o.pod !== h.pod).map(({pod, host}) => ({pod, host}))}))
}

/** The release's ZooKeeper member pods that are not ready. */
export async function unreadyKeeperPods(ctx: RemedyContext): Promise<string[]> {
  const d = await ctx.deployment()
  const prefix = `${zookeeperName(d.release?.name ?? ctx.release ?? '')}-`
  return (d.snapshot.items.pods ?? [])
    .filter((p) => (p.metadata?.name ?? '').startsWith(prefix) && !podReady(p))
    .map((p) => p.metadata!.name!)
    .sort()
}
