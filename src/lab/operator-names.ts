/**
 * The names the Altinity clickhouse-operator gives what it creates from a ClickHouseInstallation,
 * as its source has them (pkg/model/chi/namer: patterns.go, the short namer's name-part limits;
 * pkg/model/chi/config/generator.go: macros and the DDL path). Written here for the lab on its
 * own, from the operator's rules, so that a naming mistake in the product cannot be mirrored by
 * the lab it is tested against.
 */

/** A name part cut to its limit and trimmed of '-', '_' and '.' at both ends (short namer: CR 60, cluster 15, host 15). */
const part = (value: string, limit: number): string => value.slice(0, limit).replace(/^[-_.]+|[-_.]+$/g, '')

/** A host's name within its cluster: "<shard>-<replica>" (0-based indexes). */
const hostName = (shard: number, replica: number): string => part(`${shard}-${replica}`, 15)

/** patternStatefulSetName, also the host's Service (patternStatefulSetServiceName): chi-{chi}-{cluster}-{host}. */
export const chopStatefulSetName = (chi: string, cluster: string, shard: number, replica: number): string =>
  `chi-${part(chi, 60)}-${part(cluster, 15)}-${hostName(shard, replica)}`

/** patternPodName: each host StatefulSet has one pod, "<StatefulSet>-0". */
export const chopPodName = (chi: string, cluster: string, shard: number, replica: number): string => `${chopStatefulSetName(chi, cluster, shard, replica)}-0`

/** createPVCName: "<volume claim template>-<pod>". */
export const chopPvcName = (template: string, chi: string, cluster: string, shard: number, replica: number): string =>
  `${template}-${chopPodName(chi, cluster, shard, replica)}`

/** patternCRServiceName, used when the installation has no service template: clickhouse-{chi}. */
export const chopCrServiceName = (chi: string): string => `clickhouse-${part(chi, 60)}`

/** DistributedDDLPathPattern: where the installation's ON CLUSTER tasks live in Keeper. */
export const chopDdlPath = (chi: string): string => `/clickhouse/${chi}/task_queue/ddl`

/**
 * getHostMacros: installation; <all-sharded cluster>-shard, the host's index across the whole
 * installation (every host is its own shard there); cluster; shard; replica, the host's Service name.
 */
export function chopHostMacros(chi: string, cluster: string, shard: number, replica: number, replicasPerShard: number): Record<string, string> {
  return {
    installation: chi,
    'all-sharded-shard': String(shard * replicasPerShard + replica),
    cluster,
    shard: String(shard),
    replica: chopStatefulSetName(chi, cluster, shard, replica),
  }
}
