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
  'recent-errors': {codes: [47, 242, 252], withinSeconds: 900},
  'distribution-queue': undefined,
  'table-ttls': {tables: SIGNAL_TABLES},
  'ddl-queue-unfinished': {olderThanSeconds: 300},
  'ddl-tasks-in-keeper': {path: '/clickhouse/signoz-clickhouse/task_queue/ddl', olderThanSeconds: 300},
  'ddl-task-finished': {path: '/clickhouse/signoz-clickhouse/task_queue'},
}

