import type {Check} from '../src/core/check.js'
import clickhouseReachable from './clickhouse/reachable.js'
import clickhouseClusterTopology from './clickhouse/cluster-topology.js'
import clickhouseReplicasReadonly from './clickhouse/replicas-readonly.js'
import clickhouseReplicasActive from './clickhouse/replicas-active.js'
import clickhouseReplicationLag from './clickhouse/replication-lag.js'
import clickhouseDdlQueue from './clickhouse/ddl-queue.js'
import clickhouseMutationsStuck from './clickhouse/mutations-stuck.js'
import clickhousePartsPerPartition from './clickhouse/parts-per-partition.js'
import clickhouseDiskFree from './clickhouse/disk-free.js'
import clickhouseDistributionQueue from './clickhouse/distribution-queue.js'
import clickhouseErrors from './clickhouse/errors.js'
import signozRetention from './signoz/retention.js'
import signozClusterName from './signoz/cluster-name.js'
import signozSchemaConsistent from './signoz/schema-consistent.js'
import signozVersionCompat from './signoz/version-compat.js'
import keeperReachable from './keeper/reachable.js'
import signozDatabases from './signoz/databases.js'
import signozTablesReplicated from './signoz/tables-replicated.js'
import signozDistributedTables from './signoz/distributed-tables.js'
import signozMigrations from './signoz/migrations.js'
import signozIngestionFresh from './signoz/ingestion-fresh.js'
import kubeDuplicateClickhouse from './kube/duplicate-clickhouse.js'
import kubeOrphanedClaims from './kube/orphaned-claims.js'
import kubeCollectorClickhouseTarget from './kube/collector-clickhouse-target.js'
import kubePodsPending from './kube/pods-pending.js'
import kubeCrashloops from './kube/crashloops.js'
import kubePvc from './kube/pvc.js'
import kubeReplicaSpread from './kube/replica-spread.js'
import kubeMigratorJob from './kube/migrator-job.js'
import kubeOperator from './kube/operator.js'
import kubeTerminating from './kube/terminating.js'
import keeperQuorum from './keeper/quorum.js'
import keeperStaleReplicas from './keeper/stale-replicas.js'
import helmReleaseStatus from './helm/release-status.js'
import helmValuesHa from './helm/values-ha.js'
import helmUpgradePath from './helm/upgrade-path.js'
import securityDefaultPassword from './security/default-password.js'

/** Every check, in report order. Explicit: a contract test proves each file is listed and ids match paths. */
export const ALL_CHECKS: readonly Check[] = [
  clickhouseReachable,
  clickhouseClusterTopology,
  clickhouseReplicasReadonly,
  clickhouseReplicasActive,
  clickhouseReplicationLag,
  clickhouseDdlQueue,
  clickhouseMutationsStuck,
  clickhousePartsPerPartition,
  clickhouseDiskFree,
  clickhouseDistributionQueue,
  clickhouseErrors,
  keeperReachable,
  keeperQuorum,
  keeperStaleReplicas,
  signozDatabases,
  signozTablesReplicated,
  signozDistributedTables,
  signozSchemaConsistent,
  signozMigrations,
  signozIngestionFresh,
  signozRetention,
  signozClusterName,
  signozVersionCompat,
  kubeDuplicateClickhouse,
  kubeOrphanedClaims,
  kubeCollectorClickhouseTarget,
  kubePodsPending,
  kubeCrashloops,
  kubePvc,
  kubeReplicaSpread,
  kubeMigratorJob,
  kubeOperator,
  kubeTerminating,
  helmReleaseStatus,
  helmValuesHa,
  helmUpgradePath,
  securityDefaultPassword,
]
