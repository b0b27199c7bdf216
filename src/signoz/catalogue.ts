/**
 * The failures this tool was built for, gathered from SigNoz, ClickHouse, operator and chart
 * issues and numbered once: a check's and a runbook's `scenarios` and a lab fault's summary
 * ("catalogue #N") use these numbers. What detects each is not written here: it is read from the
 * checks that name the scenario (docs/FAILURE_CATALOGUE.md is generated from both).
 */
export interface FailureScenario {
  number: number
  /** The failure as an operator meets it, with the ClickHouse error code where there is one. */
  scenario: string
  /** What the checks cannot see of it, or where they need a server version or a lab fault proves them. */
  note?: string
}

export const FAILURE_SCENARIOS: readonly FailureScenario[] = [
  {number: 1, scenario: '`ON CLUSTER` DDL timeout in a migration (159)'},
  {number: 2, scenario: 'migrator Job / hook orchestration breaks install or upgrade'},
  {number: 3, scenario: 'ZooKeeper/Keeper unavailable'},
  {number: 4, scenario: 'replicated tables read-only (242)'},
  {number: 5, scenario: 'disk or PVC full (243)', note: 'disk figures need `system.disks` (19.15+); the claim side is its binding'},
  {number: 6, scenario: 'retention/TTL not applied or wrong', note: 'table TTL is read from 19.6 on; proven on chdb'},
  {number: 7, scenario: 'too many parts (252)'},
  {number: 8, scenario: 'collector insert timeouts, data dropped'},
  {number: 9, scenario: 'ClickHouse version incompatible with the migrator', note: 'lab faults `collector-needs-newer-clickhouse`, `clickhouse-version-skew`'},
  {number: 10, scenario: 'legacy migration "dirty"'},
  {number: 11, scenario: 'ClickHouse/ZooKeeper pods Pending'},
  {
    number: 12,
    scenario: 'data "lost" after a rename; duplicate installation',
    note: 'the old installation deleted and its claims left behind: lab fault `installation-deleted`; a pinned installation name in the values',
  },
  {number: 13, scenario: 'Helm release stuck `pending-*`'},
  {number: 14, scenario: 'replicas configured, tables not replicated', note: "the values' migrator replication setting too"},
  {number: 15, scenario: 'distributed insert backlog', note: "19.x+: the lab's 18.16 exposes no queue"},
  {
    number: 16,
    scenario: 'shards added without tables',
    note: 'lab fault `shard-missing-tables`; data not rebalanced onto new shards is by design of ClickHouse, not a fault to detect',
  },
  {number: 17, scenario: 'OOMKilled / memory limit (241)', note: 'the OOMKilled termination reason'},
  {
    number: 18,
    scenario: 'liveness kills while tables load',
    note: "the kubelet's Unhealthy/Killing events, the time the probe allows, no `startupProbe`; lab fault `liveness-kill`",
  },
  {number: 19, scenario: 'cluster name mismatch (170/701)'},
  {number: 20, scenario: 'authentication / IP allow-list failures', note: 'an authentication failure on connecting'},
  {number: 21, scenario: 'stuck or failed mutations'},
  {
    number: 22,
    scenario: 'DNS cache / pod IP changes',
    note: "the effects only (`DNS_ERROR` from 21.x): a stale address in a server's DNS cache is visible in neither system tables nor the API; the runbook's `SYSTEM DROP DNS CACHE` is the test",
  },
  {number: 23, scenario: 'ZooKeeper crash-loops; single-node ZooKeeper'},
  {number: 24, scenario: 'replication queue stuck, lag'},
  {
    number: 25,
    scenario: 'schema drift across replicas',
    note: 'columns compared across hosts (lab fault `schema-drift`); error codes 517 and 47 proven on chdb',
  },
  {number: 26, scenario: '`ON CLUSTER` queue blocked cluster-wide'},
  {number: 27, scenario: 'operator reconcile stuck'},
  {number: 28, scenario: 'Keeper loses quorum'},
  {number: 29, scenario: 'stale replica metadata after scale-down', note: 'lab fault `stale-replica`'},
  {number: 30, scenario: 'PVC resize problems', note: 'resize not finished, claim vs installation template; lab fault `pvc-resize-pending`'},
  {
    number: 31,
    scenario: 'ZooKeeper disk grows without bound',
    note: "autopurge off in the values (lab fault `keeper-no-autopurge`); the volume's usage itself needs kubelet volume stats, which doctor does not read",
  },
  {number: 32, scenario: 'uninstall hangs on finalizers'},
  {number: 33, scenario: 'UDF init container fails', note: 'Pending with the waiting reason'},
  {
    number: 34,
    scenario: 'upgrade skipped a required version',
    note: "from the release's stored revisions; lab-tested with two real Helm revisions v0.70.0 → v0.80.0",
  },
  {number: 35, scenario: 'a whole shard down', note: 'lab fault `shard-down`'},
  {
    number: 36,
    scenario: 'cold storage tiering',
    note: 'every disk of `system.disks`, the object-storage one included (19.15+); failed moves live in `system.part_log`, which is off by default: not read',
  },
  {number: 37, scenario: 'operator/CRD version drift', note: 'CRD version label vs operator image; lab fault `operator-crd-drift`'},
]
