import type {Severity} from '../core/check.js'
import {bytesOf} from '../core/quantity.js'
import {valueAt} from './helm-release.js'
import {planStorage, quantityToGb, type StorageInputs} from './storage-plan.js'

/** The chart's published default ClickHouse password (the public SigNoz chart). */
export const CHART_DEFAULT_PASSWORD = '27ff0399-0d3a-4bd8-919d-17c2181e6fb9'

export interface ValuesFinding {
  rule: string
  /** The values key the rule reads (what to change). */
  key: string
  ok: boolean
  severity: Severity
  message: string
  /** The values that fix it, as --set arguments. */
  fix?: string
}

type Values = Record<string, unknown>

export interface RuleContext {
  /** Whether the user set a key (their values file, or the release's user values); the rest are chart defaults. */
  userSet?: (key: string) => boolean
  /** Ingest and retention to size the disks against (signoz-ha storage plan's inputs, without the layout). */
  plan?: Omit<StorageInputs, 'shards' | 'replicasPerShard' | 'diskGbPerReplica'>
}

/** A rule's judgement; severity overrides the rule's own when the same rule can be more or less grave. */
type Verdict = {ok: boolean; message: string; fix?: string; severity?: Severity}

/** One HA rule: what it reads, how bad a failure is, why it matters, and how it judges. */
export interface ValuesRule {
  id: string
  key: string
  severity: Severity
  /** Why the rule exists, for the deployment guide. */
  why: string
  evaluate(values: Values, ctx: RuleContext): Verdict | undefined
}

const num = (v: unknown, fallback: number) => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : fallback)
const list = (v: unknown) => (Array.isArray(v) ? v : [])
const layout = (values: Values) => ({
  shards: num(valueAt(values, 'clickhouse.layout.shardsCount'), 1),
  replicas: num(valueAt(values, 'clickhouse.layout.replicasCount'), 1),
})
const bundledKeeper = (values: Values) => valueAt(values, 'clickhouse.zookeeper.enabled') !== false
const keeperMembers = (values: Values) =>
  bundledKeeper(values) ? num(valueAt(values, 'clickhouse.zookeeper.replicaCount'), 1) : list(valueAt(values, 'clickhouse.externalZookeeper.servers')).length

/** Does the ClickHouse pod placement keep two replicas of a shard off one node? */
function hasAntiAffinity(values: Values): boolean {
  const distribution = list(valueAt(values, 'clickhouse.podDistribution')) as {type?: string}[]
  if (distribution.some((d) => ['ClickHouseAntiAffinity', 'ShardAntiAffinity', 'ReplicaAntiAffinity', 'MaxNumberPerNode'].includes(d.type ?? ''))) return true
  const affinity = valueAt(values, 'clickhouse.affinity') as {podAntiAffinity?: unknown} | undefined
  return Boolean(affinity?.podAntiAffinity)
}

/** The ClickHouse memory a production host needs at least: merges and queries run in memory (catalogue #17). */
export const MIN_CLICKHOUSE_MEMORY = '4Gi'

/**
 * The HA rules for the SigNoz chart's values, in report order: the same rules doctor's
 * helm/values-ha applies to a deployed release and `values lint` to a values file.
 */
export const VALUES_RULES: readonly ValuesRule[] = [
  {
    id: 'replicas',
    key: 'clickhouse.layout.replicasCount',
    severity: 'critical',
    why: 'With one replica per shard, losing a host loses that shard: its data is unreadable and its writes fail until the host returns.',
    evaluate(values) {
      const {shards, replicas} = layout(values)
      return replicas >= 2
        ? {ok: true, message: `${shards} shard(s) × ${replicas} replicas`}
        : {ok: false, message: "one replica per shard: losing a host loses that shard's data and stops its writes", fix: 'clickhouse.layout.replicasCount=2'}
    },
  },
  {
    id: 'keeper-members',
    key: 'clickhouse.zookeeper.replicaCount',
    severity: 'critical',
    why: 'Replicated tables need ZooKeeper/Keeper for every write; a quorum survives losing a member only with three or more (catalogue #3, #28).',
    evaluate(values) {
      const members = keeperMembers(values)
      return members >= 3
        ? {ok: true, message: `${members} ZooKeeper/Keeper members`}
        : {
            ok: false,
            message: `${members} ZooKeeper/Keeper member(s): no quorum survives losing one, and every replicated table goes read-only with it`,
            fix: bundledKeeper(values) ? 'clickhouse.zookeeper.replicaCount=3' : undefined,
          }
    },
  },
  {
    id: 'keeper-pdb',
    key: 'clickhouse.zookeeper.pdb.create',
    severity: 'warning',
    why: 'Without a disruption budget a node drain may evict two ZooKeeper members at once and lose the quorum.',
    evaluate(values) {
      if (!bundledKeeper(values)) return {ok: true, message: 'ZooKeeper is external: its disruption budget is managed outside this release'}
      if (keeperMembers(values) < 3) return {ok: true, message: 'fewer than three members: a disruption budget cannot keep a quorum (see keeper-members)'}
      const pdb = valueAt(values, 'clickhouse.zookeeper.pdb.create')
      return pdb === true || pdb === 'true'
        ? {ok: true, message: 'ZooKeeper has a disruption budget'}
        : {
            ok: false,
            message: 'no disruption budget for ZooKeeper: a drain can take two members down at once and lose the quorum',
            fix: 'clickhouse.zookeeper.pdb.create=true',
          }
    },
  },
  {
    id: 'anti-affinity',
    key: 'clickhouse.podDistribution',
    severity: 'critical',
    why: 'Without anti-affinity two replicas of a shard can land on one node (or zone) and fail together; the chart sets none by default.',
    evaluate(values) {
      if (layout(values).replicas < 2) return {ok: true, message: 'one replica per shard: placement has nothing to spread'}
      return hasAntiAffinity(values)
        ? {ok: true, message: 'ClickHouse pods have anti-affinity'}
        : {
            ok: false,
            message: 'no ClickHouse anti-affinity: two replicas of a shard can land on one node and fail together',
            fix: 'clickhouse.podDistribution[0].type=ShardAntiAffinity',
          }
    },
  },
  {
    id: 'pinned-name',
    key: 'clickhouse.fullnameOverride',
    severity: 'warning',
    why: "The installation and Service name follow the release name unless pinned: a rename or reinstall creates a second installation and the collectors follow the empty one (the seed's failure, catalogue #12).",
    evaluate(values) {
      const pinned = valueAt(values, 'clickhouse.fullnameOverride')
      return typeof pinned === 'string' && pinned !== ''
        ? {ok: true, message: `ClickHouse installation name pinned to ${pinned}`}
        : {
            ok: false,
            message: 'the ClickHouse installation name follows the release name: a rename or reinstall creates a second installation',
            fix: 'clickhouse.fullnameOverride=<the current installation name>',
          }
    },
  },
  {
    id: 'migrator-replication',
    key: 'telemetryStoreMigrator.enableReplication',
    severity: 'critical',
    why: 'The schema migrator creates Replicated* tables only with replication on; with replicas and plain MergeTree the replicas silently diverge (catalogue #14).',
    evaluate(values) {
      const key = valueAt(values, 'telemetryStoreMigrator') !== undefined ? 'telemetryStoreMigrator.enableReplication' : 'schemaMigrator.enableReplication'
      const replication = valueAt(values, key)
      const {replicas} = layout(values)
      return replicas < 2 || replication === true || replication === 'true'
        ? {ok: true, message: replicas < 2 ? 'one replica per shard: replicated tables are not needed' : 'the schema migrator creates replicated tables'}
        : {ok: false, message: `${replicas} replicas per shard but the migrator creates non-replicated tables: replicas silently diverge`, fix: `${key}=true`}
    },
  },
  {
    id: 'keeper-autopurge',
    key: 'clickhouse.zookeeper.autopurge.purgeInterval',
    severity: 'warning',
    why: 'With autopurge off ZooKeeper keeps every snapshot and transaction log until its volume fills and the quorum is lost (catalogue #31).',
    evaluate(values) {
      // The clickhouse sub-chart sets 1 over the zookeeper chart's 0; only an explicit 0 turns it off.
      const purge = valueAt(values, 'clickhouse.zookeeper.autopurge.purgeInterval')
      return !bundledKeeper(values) || purge === undefined || num(purge, 1) >= 1
        ? {
            ok: true,
            message: !bundledKeeper(values)
              ? 'ZooKeeper is external: its purge settings are managed outside this release'
              : `ZooKeeper purges old snapshots every ${purge ?? 1}h`,
          }
        : {
            ok: false,
            message: 'ZooKeeper autopurge is off: snapshots and transaction logs are never deleted until the volume fills and quorum is lost',
            fix: 'clickhouse.zookeeper.autopurge.purgeInterval=1',
          }
    },
  },
  {
    id: 'persistence',
    key: 'clickhouse.persistence.enabled',
    severity: 'critical',
    why: 'Without persistent volumes every ClickHouse restart starts empty.',
    evaluate(values) {
      return valueAt(values, 'clickhouse.persistence.enabled') === false
        ? {ok: false, message: "ClickHouse has no persistent volume: a restart loses the host's data", fix: 'clickhouse.persistence.enabled=true'}
        : {ok: true, message: 'ClickHouse data is on persistent volumes'}
    },
  },
  {
    id: 'storage',
    key: 'clickhouse.persistence.size',
    severity: 'warning',
    why: 'Each replica holds a full copy of its shard for the whole retention, plus free room for merges; a full disk stops inserts and merges (catalogue #5). `signoz-ha storage plan` sizes it.',
    evaluate(values, ctx) {
      const size = String(valueAt(values, 'clickhouse.persistence.size') ?? '20Gi')
      const gb = quantityToGb(size)
      if (gb === undefined) return {ok: false, message: `"${size}" is not a storage quantity`, fix: 'clickhouse.persistence.size=<e.g. 500Gi>'}
      if (ctx.plan) {
        const {shards, replicas} = layout(values)
        const plan = planStorage({...ctx.plan, shards, replicasPerShard: replicas, diskGbPerReplica: gb})
        return plan.daysUntilFull === null
          ? {ok: true, message: `${size} per replica holds the ${plan.replicaDataGb} GB the retention keeps (${plan.steadyUsePercent}% of the usable disk)`}
          : {
              ok: false,
              message: `${size} per replica fills in ${plan.daysUntilFull} days: the retention keeps ${plan.replicaDataGb} GB per replica, which needs ${plan.replicaDiskGb} GB with merge headroom`,
              fix: `clickhouse.persistence.size=${plan.replicaDiskGb}G`,
            }
      }
      if (ctx.userSet && !ctx.userSet('clickhouse.persistence.size'))
        return {
          ok: false,
          message: `${size} per replica is the chart default: size it for your ingest and retention`,
          fix: 'clickhouse.persistence.size=<from signoz-ha storage plan>',
        }
      return {ok: true, message: `${size} per replica (no ingest figure to check it against: signoz-ha storage plan)`}
    },
  },
  {
    id: 'clickhouse-memory',
    key: 'clickhouse.resources.requests.memory',
    severity: 'warning',
    why: `Merges and queries run in memory; the chart's 200Mi request lets a host be packed onto a node that cannot hold it, and it is OOM-killed under load (catalogue #17). At least ${MIN_CLICKHOUSE_MEMORY}.`,
    evaluate(values) {
      const memory = valueAt(values, 'clickhouse.resources.requests.memory')
      return bytesOf(typeof memory === 'string' ? memory : undefined) >= bytesOf(MIN_CLICKHOUSE_MEMORY)
        ? {ok: true, message: `ClickHouse requests ${String(memory)} of memory`}
        : {
            ok: false,
            message: `ClickHouse requests ${memory === undefined ? 'no' : String(memory)} memory: too little for merges and queries, it gets OOM-killed under load`,
            fix: `clickhouse.resources.requests.memory=${MIN_CLICKHOUSE_MEMORY}`,
          }
    },
  },
  {
    id: 'default-password',
    key: 'clickhouse.password',
    severity: 'critical',
    why: "The chart's default password is published; anyone who reaches the Service can read and drop the data.",
    evaluate(values, ctx) {
      const password = valueAt(values, 'clickhouse.password')
      if (password !== CHART_DEFAULT_PASSWORD) return {ok: true, message: 'ClickHouse password is not the chart default'}
      // A values file kept in Git rightly holds no secret: the password is given at install.
      if (ctx.userSet && !ctx.userSet('clickhouse.password')) {
        return {
          ok: false,
          severity: 'info',
          message: "not set here: the chart's published default applies unless you give one at install (--set clickhouse.password=… from your secret store)",
          fix: 'clickhouse.password=<a generated secret>',
        }
      }
      return {ok: false, message: "ClickHouse uses the chart's published default password", fix: 'clickhouse.password=<a generated secret>'}
    },
  },
]

/**
 * Evaluates every rule on values (chart defaults with the user's values over them). With
 * ClickHouse external, the layout rules have nothing to judge.
 */
export function evaluateHaValues(values: Values, ctx: RuleContext = {}): ValuesFinding[] {
  if (valueAt(values, 'clickhouse.enabled') === false) {
    return [
      {
        rule: 'external-clickhouse',
        key: 'clickhouse.enabled',
        ok: true,
        severity: 'info',
        message: 'ClickHouse is external: its layout is managed outside this release',
      },
    ]
  }
  return VALUES_RULES.flatMap((rule) => {
    const verdict = rule.evaluate(values, ctx)
    return verdict ? [{rule: rule.id, key: rule.key, ...verdict, severity: verdict.severity ?? rule.severity}] : []
  })
}
