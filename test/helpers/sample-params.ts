import {SIGNAL_TABLES} from '../../src/signoz/schema.js'

/** Parameters to run each query with; a query missing here fails the coverage test. */
export const SAMPLE_PARAMS: Record<string, unknown> = {
  'server-version': undefined,
  'system-columns': undefined,
  macros: undefined,
  'cluster-hosts': {cluster: 'cluster'},
  'cluster-names': undefined,
  'replica-status': undefined,
  'replication-queue-failing': {minTries: 5, minAgeSeconds: 600},
  'keeper-root': undefined,
  'keeper-connection': undefined,
  databases: {names: ['signoz_traces', 'signoz_logs']},
  'signoz-tables': {databases: ['signoz_traces', 'signoz_logs']},
  'migration-status': {database: 'signoz_traces'},
  'legacy-migration-version': {database: 'signoz_traces'},
  'ingestion-freshness': {...SIGNAL_TABLES[0], windowSeconds: 300},
}

