import {defineQuery, list} from '../gateways/queries.js'
import type {PartitionRow} from './storage-report.js'

/** What the storage report and a remediation's choice of installation read: SigNoz data by partition and by host. */
export const STORAGE_Q = {
  /** SigNoz data per partition on one host: rows, bytes on disk and before compression (storage report). */
  storageByPartition: defineQuery<PartitionRow, {databases: readonly string[]}>({
    name: 'storage-by-partition',
    needs: ['system.parts'],
    sql: ({databases}) =>
      `SELECT database, table, partition, partition_id, sum(rows) AS rows, sum(bytes_on_disk) AS bytes, sum(data_compressed_bytes) AS compressed, sum(data_uncompressed_bytes) AS uncompressed, count() AS parts FROM system.parts WHERE active AND database IN (${list(databases)}) GROUP BY database, table, partition, partition_id ORDER BY database, table, partition`,
  }),
  /** Every active part's bytes on one host, SigNoz or not: what fills its disk. */
  hostBytes: defineQuery<{bytes: number}>({
    name: 'host-bytes',
    needs: ['system.parts'],
    sql: () => 'SELECT sum(bytes_on_disk) AS bytes FROM system.parts WHERE active',
  }),
  /** Rows and parts per SigNoz database on a host: which installation holds the data. */
  signozData: defineQuery<{database: string; rows: string; parts: number}, {databases: readonly string[]}>({
    name: 'signoz-data',
    needs: ['system.parts'],
    sql: ({databases}) =>
      `SELECT database, toString(sum(rows)) AS rows, count() AS parts FROM system.parts WHERE active AND database IN (${list(databases)}) GROUP BY database ORDER BY database`,
  }),
}
