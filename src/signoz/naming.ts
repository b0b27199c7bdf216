/**
 * Names the SigNoz chart and the Altinity operator give to objects (the public SigNoz chart).
 * What checks and plans expect; the lab has its own copy of the operator's rules (src/lab/operator-names.ts).
 */

const MAX_NAME = 63
const CLUSTER_PART_MAX = 15

const truncate = (name: string, max = MAX_NAME): string => name.slice(0, max).replace(/-+$/, '')

/** The ClickHouse installation (CHI) and Service name: `<release>-clickhouse`, or the release if it contains "clickhouse". */
export function clickhouseFullname(release: string, fullnameOverride?: string): string {
  if (fullnameOverride) return truncate(fullnameOverride)
  return truncate(release.includes('clickhouse') ? release : `${release}-clickhouse`)
}

/** Per-host StatefulSet and Service: `chi-<chi>-<cluster≤15>-<shard>-<replica>`. */
export function hostStatefulSetName(chi: string, cluster: string, shard: number, replica: number): string {
  return `chi-${chi}-${cluster.slice(0, CLUSTER_PART_MAX)}-${shard}-${replica}`
}

/** The one pod of a host StatefulSet. */
export const hostPodName = (chi: string, cluster: string, shard: number, replica: number): string => `${hostStatefulSetName(chi, cluster, shard, replica)}-0`

/** Where ON CLUSTER tasks live in Keeper for an installation. */
export const ddlQueuePath = (chi: string): string => `/clickhouse/${chi}/task_queue/ddl`

export const zookeeperName = (release: string): string => truncate(`${release}-zookeeper`)
