import {BUNDLE_Q} from '../../src/bundle/queries.js'
import {PROBE, type NamedQuery} from '../../src/gateways/queries.js'
import {Q} from '../../src/signoz/queries.js'
import {STORAGE_Q} from '../../src/signoz/storage-queries.js'

/** Every named query the tool sends, from each registry (the probe, doctor and status, storage, the bundle). */
export const ALL_NAMED_QUERIES = [PROBE, ...Object.values(Q), ...Object.values(STORAGE_Q), ...Object.values(BUNDLE_Q)] as NamedQuery<unknown, unknown>[]

import {SIGNAL_TABLES} from '../../src/signoz/schema.js'

/** Parameters to run each query with; a query missing here fails the coverage test. */
export const SAMPLE_PARAMS: Record<string, unknown> = {
  probe: undefined,
  'cluster-hosts': {cluster: 'cluster'},
  'cluster-names': undefined,
  'replica-status': undefined,
  'replica-counts': undefined,
  'replica-keeper-errors': undefined,
  'replication-queue-failing': {minTries: 5, minAgeSeconds: 600},
  'failing-part-mutations': {minTries: 2},
  'keeper-root': undefined,
  'signoz-data': {databases: ['signoz_traces', 'signoz_logs']},
  'replica-paths': {databases: ['signoz_traces', 'signoz_logs']},
  'keeper-children': {paths: ['/clickhouse', '/clickhouse/tables']},
  'keeper-connection': undefined,
  databases: {names: ['signoz_traces', 'signoz_logs']},
  'signoz-tables': {databases: ['signoz_traces', 'signoz_logs']},
  'table-signatures': {databases: ['signoz_traces', 'signoz_logs']},
  'table-columns': {database: 'signoz_logs', table: 'logs_v2'},
  'migration-status': {databases: ['signoz_traces', 'signoz_logs']},
  'legacy-migration-version': {database: 'signoz_traces'},
  'ingestion-freshness': {tables: SIGNAL_TABLES, windowSeconds: 300},
  'unfinished-mutations': undefined,
  'parts-per-partition': {limit: 20},
  'disk-space': undefined,
  'storage-by-partition': {databases: ['signoz_traces', 'signoz_logs']},
  'host-bytes': undefined,
  'recent-errors': {codes: [47, 242, 252], withinSeconds: 900},
  'distribution-queue': undefined,
  'table-ttls': {tables: SIGNAL_TABLES},
  'ddl-queue-unfinished': {olderThanSeconds: 300},
  'ddl-tasks-in-keeper': {path: '/clickhouse/signoz-clickhouse/task_queue/ddl', olderThanSeconds: 300},
  'ddl-tasks-finished': {
    tasks: [
      {task: 'query-0000000001', path: '/clickhouse/signoz-clickhouse/task_queue'},
      {task: 'query-0000000002', path: '/clickhouse/signoz-clickhouse'},
    ],
  },
  'server-info': undefined,
  'bundle-clusters': undefined,
  'bundle-macros': undefined,
  'bundle-replicas': undefined,
  'bundle-replication-queue': {limit: 1000},
  'bundle-mutations': {limit: 500},
  'bundle-parts-summary': {limit: 2000},
  'bundle-disks': undefined,
  'bundle-errors': undefined,
  'bundle-distributed-ddl-queue': {limit: 200},
  'bundle-distribution-queue': undefined,
  'bundle-settings-changed': undefined,
  'bundle-server-settings-changed': undefined,
  'bundle-keeper-nodes': {paths: ['/clickhouse', '/clickhouse/tables']},
}
