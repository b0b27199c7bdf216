import {defineQuery} from '../gateways/queries.js'
import {quote} from '../gateways/sql.js'

/** What a support bundle keeps of each host: whole system tables, each capped by rows. */
export const BUNDLE_Q = {
  // What a support bundle keeps of each host: whole system tables, each capped by rows.
  bundleClusters: defineQuery<Record<string, unknown>>({name: 'bundle-clusters', needs: ['system.clusters'], sql: () => 'SELECT * FROM system.clusters'}),
  bundleMacros: defineQuery<Record<string, unknown>>({name: 'bundle-macros', needs: ['system.macros'], sql: () => 'SELECT * FROM system.macros'}),
  bundleReplicas: defineQuery<Record<string, unknown>>({
    name: 'bundle-replicas',
    needs: ['system.replicas'],
    sql: () => 'SELECT * FROM system.replicas ORDER BY database, table',
  }),
  bundleReplicationQueue: defineQuery<Record<string, unknown>, {limit: number}>({
    name: 'bundle-replication-queue',
    needs: ['system.replication_queue'],
    sql: ({limit}) => `SELECT * FROM system.replication_queue ORDER BY create_time LIMIT ${Math.max(1, Math.floor(limit))}`,
  }),
  bundleMutations: defineQuery<Record<string, unknown>, {limit: number}>({
    name: 'bundle-mutations',
    needs: ['system.mutations'],
    sql: ({limit}) => `SELECT * FROM system.mutations ORDER BY create_time DESC LIMIT ${Math.max(1, Math.floor(limit))}`,
  }),
  /** Parts per partition, active and not: the shape of the data without a row of it. */
  bundleParts: defineQuery<Record<string, unknown>, {limit: number}>({
    name: 'bundle-parts-summary',
    needs: ['system.parts'],
    sql: ({limit}) =>
      `SELECT database, table, partition, countIf(active) AS active_parts, count() AS parts, sumIf(rows, active) AS rows, sumIf(bytes_on_disk, active) AS bytes_on_disk, toString(max(modification_time)) AS last_modified FROM system.parts GROUP BY database, table, partition ORDER BY database, table, partition LIMIT ${Math.max(1, Math.floor(limit))}`,
  }),
  bundleDisks: defineQuery<Record<string, unknown>>({name: 'bundle-disks', needs: ['system.disks'], sql: () => 'SELECT * FROM system.disks'}),
  bundleErrors: defineQuery<Record<string, unknown>>({
    name: 'bundle-errors',
    needs: ['system.errors'],
    sql: () => 'SELECT * FROM system.errors ORDER BY value DESC',
  }),
  bundleDdlQueue: defineQuery<Record<string, unknown>, {limit: number}>({
    name: 'bundle-distributed-ddl-queue',
    needs: ['system.distributed_ddl_queue'],
    sql: ({limit}) => `SELECT * FROM system.distributed_ddl_queue ORDER BY entry DESC LIMIT ${Math.max(1, Math.floor(limit))}`,
  }),
  bundleDistributionQueue: defineQuery<Record<string, unknown>>({
    name: 'bundle-distribution-queue',
    needs: ['system.distribution_queue'],
    sql: () => 'SELECT * FROM system.distribution_queue',
  }),
  bundleSettingsChanged: defineQuery<{name: string; value: string}>({
    name: 'bundle-settings-changed',
    needs: ['system.settings'],
    sql: () => 'SELECT name, value FROM system.settings WHERE changed ORDER BY name',
  }),
  bundleServerSettingsChanged: defineQuery<{name: string; value: string}>({
    name: 'bundle-server-settings-changed',
    needs: ['system.server_settings'],
    sql: () => 'SELECT name, value FROM system.server_settings WHERE changed ORDER BY name',
  }),
  /** The znodes under given Keeper paths, values cut short (a table's metadata, a replica's pointers). */
  bundleKeeperNodes: defineQuery<
    {parent: string; name: string; value: string; data_length: number; children: number; modified: string},
    {paths: readonly string[]}
  >({
    name: 'bundle-keeper-nodes',
    needs: ['system.zookeeper'],
    sql: ({paths}) =>
      paths
        .map(
          (p) =>
            `SELECT ${quote(p)} AS parent, name, substring(value, 1, 512) AS value, dataLength AS data_length, numChildren AS children, toString(mtime) AS modified FROM system.zookeeper WHERE path = ${quote(p)}`,
        )
        .join(' UNION ALL '),
  }),
}
