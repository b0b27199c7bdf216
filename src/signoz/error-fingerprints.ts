/**
 * ClickHouse error codes that are fingerprints of catalogue scenarios (docs/FAILURE_CATALOGUE.md):
 * seeing one recently on a host says which failure is happening and where to go.
 */
export interface ErrorFingerprint {
  code: number
  name: string
  scenario: number
  runbook: string
}

export const ERROR_FINGERPRINTS: readonly ErrorFingerprint[] = [
  {code: 159, name: 'TIMEOUT_EXCEEDED', scenario: 1, runbook: 'ddl-queue-stuck'},
  {code: 999, name: 'KEEPER_EXCEPTION', scenario: 3, runbook: 'keeper-down'},
  {code: 242, name: 'TABLE_IS_READ_ONLY', scenario: 4, runbook: 'replica-readonly'},
  {code: 243, name: 'NOT_ENOUGH_SPACE', scenario: 5, runbook: 'disk-full'},
  {code: 252, name: 'TOO_MANY_PARTS', scenario: 7, runbook: 'too-many-parts'},
  {code: 241, name: 'MEMORY_LIMIT_EXCEEDED', scenario: 17, runbook: 'crashloop'},
  {code: 170, name: 'BAD_GET', scenario: 19, runbook: 'cluster-topology-mismatch'},
  {code: 701, name: 'CLUSTER_DOESNT_EXIST', scenario: 19, runbook: 'cluster-topology-mismatch'},
  {code: 516, name: 'AUTHENTICATION_FAILED', scenario: 20, runbook: 'clickhouse-host-down'},
  {code: 195, name: 'IP_ADDRESS_NOT_ALLOWED', scenario: 20, runbook: 'clickhouse-host-down'},
  {code: 517, name: 'CANNOT_ASSIGN_ALTER', scenario: 25, runbook: 'mutation-stuck'},
  {code: 47, name: 'UNKNOWN_IDENTIFIER', scenario: 25, runbook: 'migration-failed'},
  {code: 253, name: 'REPLICA_ALREADY_EXISTS', scenario: 29, runbook: 'replica-inactive'},
]
