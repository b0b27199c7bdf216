import type {Runbook} from '../src/core/runbook.js'
import {UsageError} from '../src/core/errors.js'
import clickhouseHostDown from './clickhouse-host-down.js'
import clickhouseRollingRestart from './clickhouse-rolling-restart.js'
import clusterTopologyMismatch from './cluster-topology-mismatch.js'
import replicaReadonly from './replica-readonly.js'
import replicaInactive from './replica-inactive.js'
import replicationQueueStuck from './replication-queue-stuck.js'
import keeperDown from './keeper-down.js'
import schemaMissing from './schema-missing.js'
import schemaDrift from './schema-drift.js'
import staleReplica from './stale-replica.js'
import versionMismatch from './version-mismatch.js'
import upgradePath from './upgrade-path.js'
import tablesNotReplicated from './tables-not-replicated.js'
import migrationFailed from './migration-failed.js'
import ingestionStopped from './ingestion-stopped.js'
import errorFingerprints from './error-fingerprints.js'
import operatorStuck from './operator-stuck.js'
import stuckTerminating from './stuck-terminating.js'
import distributionQueue from './distribution-queue.js'
import retention from './retention.js'
import mutationStuck from './mutation-stuck.js'
import tooManyParts from './too-many-parts.js'
import diskFull from './disk-full.js'
import ddlQueueStuck from './ddl-queue-stuck.js'
import duplicateClickhouse from './duplicate-clickhouse.js'
import installationRenamed from './installation-renamed.js'
import collectorWrongTarget from './collector-wrong-target.js'
import podsPending from './pods-pending.js'
import crashloop from './crashloop.js'
import pvcPending from './pvc-pending.js'
import replicaSpread from './replica-spread.js'
import migratorJobFailed from './migrator-job-failed.js'
import keeperQuorum from './keeper-quorum.js'
import helmReleaseStuck from './helm-release-stuck.js'
import valuesNotHa from './values-not-ha.js'
import defaultPassword from './default-password.js'

/** Every runbook. Explicit: a contract test proves each file is listed and every check's runbook exists. */
export const ALL_RUNBOOKS: readonly Runbook[] = [
  ingestionStopped,
  clickhouseHostDown,
  clickhouseRollingRestart,
  replicaReadonly,
  keeperDown,
  migrationFailed,
  schemaMissing,
  schemaDrift,
  staleReplica,
  versionMismatch,
  upgradePath,
  tablesNotReplicated,
  clusterTopologyMismatch,
  replicaInactive,
  replicationQueueStuck,
  duplicateClickhouse,
  installationRenamed,
  collectorWrongTarget,
  podsPending,
  crashloop,
  pvcPending,
  replicaSpread,
  migratorJobFailed,
  keeperQuorum,
  helmReleaseStuck,
  valuesNotHa,
  defaultPassword,
  mutationStuck,
  tooManyParts,
  diskFull,
  ddlQueueStuck,
  distributionQueue,
  retention,
  operatorStuck,
  stuckTerminating,
  errorFingerprints,
]

/** A runbook by id; an unknown id is a usage error that lists them. */
export function findRunbook(id: string): Runbook {
  const runbook = ALL_RUNBOOKS.find((r) => r.id === id)
  if (!runbook) throw new UsageError(`no runbook "${id}"`, `runbooks: ${ALL_RUNBOOKS.map((r) => r.id).join(', ')}`)
  return runbook
}

/** A runbook by id, or undefined (for renderers that show what they have). */
export const runbookOf = (id: string): Runbook | undefined => ALL_RUNBOOKS.find((r) => r.id === id)
