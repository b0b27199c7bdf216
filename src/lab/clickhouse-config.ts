import {createHash} from 'node:crypto'
import {chopDdlPath, chopHostMacros} from './operator-names.js'
import type {LabHost, LabState} from './state.js'

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex')

/** One cluster of remote_servers, the way the operator writes it for a CHI layout. */
function clusterXml(name: string, shards: LabHost[][], internalReplication: boolean, state: LabState): string {
  const shardXml = shards
    .map(
      (replicas) => `      <shard>
        <internal_replication>${internalReplication}</internal_replication>
${replicas
  .map(
    (h) =>
      `        <replica><host>127.0.0.1</host><port>${h.tcpPort}</port><user>${esc(state.user)}</user><password>${esc(state.password)}</password></replica>`,
  )
  .join('\n')}
      </shard>`,
    )
    .join('\n')
  return `    <${name}>\n${shardXml}\n    </${name}>`
}

/** config.xml of one lab host: ports, paths, cluster, macros, Keeper and DDL path as the operator sets them. */
export function serverConfig(state: LabState, host: LabHost): string {
  const byShard: LabHost[][] = []
  for (const h of state.clickhouse) (byShard[h.shard] ??= []).push(h)
  const all = state.clickhouse
  const root = state.engine.kind === 'modern' ? 'clickhouse' : 'yandex'
  const macros = Object.entries(chopHostMacros(state.chi, state.cluster, host.shard, host.replica, state.replicasPerShard))
    .map(([k, v]) => `    <${k}>${esc(v)}</${k}>`)
    .join('\n')
  return `<?xml version="1.0"?>
<${root}>
  <logger>
    <level>information</level>
    <log>${host.dir}/log/clickhouse-server.log</log>
    <errorlog>${host.dir}/log/clickhouse-server.err.log</errorlog>
    <size>20M</size>
    <count>2</count>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${host.httpPort}</http_port>
  <tcp_port>${host.tcpPort}</tcp_port>
${
  state.engine.chdb
    ? ''
    : `  <interserver_http_port>${host.interserverPort}</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>`
}
  <max_connections>512</max_connections>
  <keep_alive_timeout>3</keep_alive_timeout>
  <max_concurrent_queries>${host.maxConcurrentQueries ?? 100}</max_concurrent_queries>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <mark_cache_size>67108864</mark_cache_size>
  <path>${host.dir}/data/</path>
  <tmp_path>${host.dir}/data/tmp/</tmp_path>
  <user_files_path>${host.dir}/data/user_files/</user_files_path>
  <format_schema_path>${host.dir}/data/format_schemas/</format_schema_path>
  <users_config>${host.dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
  <remote_servers>
${clusterXml(state.cluster, byShard, state.replicasPerShard > 1, state)}
${clusterXml('all-replicated', [all], true, state)}
${clusterXml(
  'all-sharded',
  all.map((h) => [h]),
  false,
  state,
)}
  </remote_servers>
${state.engine.chdb ? CHDB_SERVER : ''}${host.keepFreeBytes ? `  <storage_configuration><disks><default><keep_free_space_bytes>${host.keepFreeBytes}</keep_free_space_bytes></default></disks></storage_configuration>\n` : ''}${
    host.withoutKeeper || state.engine.chdb
      ? ''
      : `  <zookeeper>
    <node><host>127.0.0.1</host><port>${state.keeper.port}</port></node>
    <session_timeout_ms>6000</session_timeout_ms>
    <operation_timeout_ms>3000</operation_timeout_ms>
  </zookeeper>`
  }
  <macros>
${macros}
  </macros>
${
  state.engine.chdb
    ? ''
    : `  <distributed_ddl>
    <path>${chopDdlPath(state.chi)}${host.ddlQueueElsewhere ? '-elsewhere' : ''}</path>
  </distributed_ddl>`
}
  <builtin_dictionaries_reload_interval>3600</builtin_dictionaries_reload_interval>
  <max_session_timeout>3600</max_session_timeout>
  <default_session_timeout>60</default_session_timeout>
</${root}>
`
}

/**
 * The chdb engine's local defaults that a server needs: a pool that sends Distributed inserts in
 * the background (0 in local mode, where the send queue would never drain).
 */
const CHDB_SERVER = '  <background_distributed_schedule_pool_size>4</background_distributed_schedule_pool_size>\n'

/**
 * 18.x polls each Distributed table's per-shard send directory every 100 ms, even with nothing to
 * send: on an 18-host lab that polling alone kept half a core busy. Twice a second still delivers well
 * inside the freshness windows the lab's tests use.
 */
const DIRECTORY_MONITOR_SLEEP = '      <distributed_directory_monitor_sleep_time_ms>500</distributed_directory_monitor_sleep_time_ms>\n'
/**
 * 18.16 holds a query beyond max_concurrent_queries in a queue for up to 5 s; servers since 21.x
 * refuse it at once (202), as production does. The lab's legacy engine does as production.
 */
const NO_QUERY_QUEUE = '      <queue_max_wait_ms>0</queue_max_wait_ms>\n'

/** users.xml: the chart-style admin user and a `default` user, both with passwords, loopback only. */
export function usersConfig(state: LabState): string {
  const root = state.engine.kind === 'modern' ? 'clickhouse' : 'yandex'
  const user = (name: string, password: string) => `    <${name}>
      <password_sha256_hex>${sha256(password)}</password_sha256_hex>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </${name}>`
  // The chdb engine's own serving query runs as `default`, which then has no password: it is kept
  // to loopback, as the operator keeps it to the installation's pods.
  const defaultUser = state.engine.chdb
    ? `    <default>
      <no_password/>
      <networks><ip>::1</ip><ip>127.0.0.1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>`
    : user('default', state.defaultPassword)
  return `<?xml version="1.0"?>
<${root}>
  <profiles>
    <default>
      <max_memory_usage>2000000000</max_memory_usage>
      <load_balancing>random</load_balancing>
      <distributed_ddl_task_timeout>60</distributed_ddl_task_timeout>
${state.engine.kind === 'legacy' ? DIRECTORY_MONITOR_SLEEP + NO_QUERY_QUEUE : ''}    </default>
  </profiles>
  <users>
${defaultUser}
${user(state.user, state.password)}
  </users>
  <quotas>
    <default>
      <interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval>
    </default>
  </quotas>
</${root}>
`
}

/** A configuration the server refuses at start (an element never closed): it exits at once (code 78), as after a bad rollout. */
export const unparsableConfig = (config: string): string => config.replace(/<\/(yandex|clickhouse)>\s*$/, '  <remote_servers>\n</$1>\n')

/** zoo.cfg for a single-member ZooKeeper on loopback with the four-letter words doctor uses ('invalid' as the port: a config it refuses). */
export function zookeeperConfig(dataDir: string, port: number | 'invalid'): string {
  return `tickTime=2000
initLimit=10
syncLimit=5
dataDir=${dataDir}
clientPort=${port}
clientPortAddress=127.0.0.1
maxClientCnxns=0
admin.enableServer=false
4lw.commands.whitelist=ruok,mntr,srvr,stat,conf
autopurge.purgeInterval=1
autopurge.snapRetainCount=3
`
}

/** Keeper config for a modern `clickhouse keeper` (used when such a binary is on PATH). */
export function keeperConfig(dir: string, port: number, raftPort: number): string {
  return `<?xml version="1.0"?>
<clickhouse>
  <logger><level>information</level><log>${dir}/keeper.log</log><errorlog>${dir}/keeper.err.log</errorlog><size>20M</size><count>2</count></logger>
  <listen_host>127.0.0.1</listen_host>
  <keeper_server>
    <tcp_port>${port}</tcp_port>
    <server_id>1</server_id>
    <log_storage_path>${dir}/coordination/log</log_storage_path>
    <snapshot_storage_path>${dir}/coordination/snapshots</snapshot_storage_path>
    <four_letter_word_white_list>ruok,mntr,srvr,stat,conf</four_letter_word_white_list>
    <raft_configuration>
      <server><id>1</id><hostname>127.0.0.1</hostname><port>${raftPort}</port></server>
    </raft_configuration>
  </keeper_server>
</clickhouse>
`
}
