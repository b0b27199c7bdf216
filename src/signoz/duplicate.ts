/** What the cluster says about one ClickHouse installation when two or more exist. */
export interface InstallationEvidence {
  name: string
  /** The CHI-level Service components connect to. */
  service: string
  hosts: number
  readyHosts: number
  boundClaims: number
  /** Rows in the SigNoz databases over its hosts; undefined when none could be read. */
  rows?: number
  /** The Helm release that manages it, from Helm's ownership annotation. */
  helmRelease?: string
  /** The installation name the release's current values produce. */
  namedByRelease: boolean
  /** Workloads whose CLICKHOUSE_HOST is its Service. */
  clients: string[]
}

export type DuplicateDecision = {ok: true; active: InstallationEvidence; duplicates: InstallationEvidence[]; reasons: string[]} | {ok: false; reason: string}

/** `signoz-clickhouse.platform.svc.cluster.local` → `signoz-clickhouse`. */
export const serviceOf = (host: string): string => host.split('.')[0]!.split(':')[0]!

/**
 * Which installation is the real one: the one holding the data; with no data anywhere, the one
 * with ready hosts, then the one the release names. Two holding data is no duplicate to remove
 * but a split to merge by hand, and is refused.
 */
export function chooseActive(installations: readonly InstallationEvidence[]): DuplicateDecision {
  if (installations.length === 0) return {ok: false, reason: 'no ClickHouse installation in the namespace'}
  const withData = installations.filter((i) => (i.rows ?? 0) > 0)
  if (withData.length > 1) {
    return {
      ok: false,
      reason: `${withData.map((i) => `${i.name} (${i.rows} rows)`).join(' and ')} both hold SigNoz data: merging them is a manual migration, not a duplicate to remove`,
    }
  }
  const ranked = [...installations].sort(
    (a, b) =>
      (b.rows ?? 0) - (a.rows ?? 0) || b.readyHosts - a.readyHosts || Number(b.namedByRelease) - Number(a.namedByRelease) || a.name.localeCompare(b.name),
  )
  const active = ranked[0]!
  const reasons = [
    withData.length === 1
      ? `${active.name} holds the data (${active.rows} rows in the SigNoz databases)`
      : `no installation holds SigNoz data; ${active.name} has the most ready hosts`,
    `${active.name}: ${active.readyHosts}/${active.hosts} hosts ready, ${active.boundClaims} claims bound${active.clients.length ? `, used by ${active.clients.join(', ')}` : ''}`,
    ...ranked
      .slice(1)
      .map(
        (d) =>
          `${d.name}: ${d.readyHosts}/${d.hosts} hosts ready, ${d.rows === undefined ? 'no host readable' : `${d.rows} rows`}${d.clients.length ? `, used by ${d.clients.join(', ')}` : ''}${d.namedByRelease ? ', named by the release values' : ''}`,
      ),
  ]
  return {ok: true, active, duplicates: ranked.slice(1), reasons}
}

/**
 * On the claims a removed duplicate leaves behind: the installation kept instead. The duplicate
 * was proven empty before removal, so these claims are not lost data (kube/orphaned-claims).
 */
export const KEPT_CLAIM_ANNOTATION = 'signoz-ha.io/empty-duplicate-of'
