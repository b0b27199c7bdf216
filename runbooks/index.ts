import type {Runbook} from '../src/core/runbook.js'
import clickhouseHostDown from './clickhouse-host-down.js'
import clusterTopologyMismatch from './cluster-topology-mismatch.js'
import replicaReadonly from './replica-readonly.js'
import replicaInactive from './replica-inactive.js'
import replicationQueueStuck from './replication-queue-stuck.js'
import keeperDown from './keeper-down.js'
import schemaMissing from './schema-missing.js'
import tablesNotReplicated from './tables-not-replicated.js'
import migrationFailed from './migration-failed.js'
import ingestionStopped from './ingestion-stopped.js'

/** Every runbook. Explicit: a contract test proves each file is listed and every check's runbook exists. */
export const ALL_RUNBOOKS: readonly Runbook[] = [
  ingestionStopped,
  clickhouseHostDown,
  replicaReadonly,
  keeperDown,
  migrationFailed,
  schemaMissing,
  tablesNotReplicated,
  clusterTopologyMismatch,
  replicaInactive,
  replicationQueueStuck,
]
