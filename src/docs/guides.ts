import {CLOUD_DEFAULTS, CLOUDS, GENERATE_DEFAULTS} from '../generate/inputs.js'
import {planStorage, SIGNALS, STORAGE_DEFAULTS} from '../signoz/storage-plan.js'
import type {ValuesRule} from '../signoz/values-rules.js'
import {code, commandBlock, generatedFrom, table} from './markdown.js'

/**
 * docs/PRODUCTION_DEPLOYMENT_GUIDE.md: generate → lint → install → doctor, with the rules and
 * defaults the tool applies (the same definitions the commands use).
 */
export function deploymentGuide(rules: readonly ValuesRule[]): string {
  return [
    '# SigNoz production deployment guide (HA)',
    '',
    generatedFrom('src/signoz/values-rules.ts and src/generate/inputs.ts'),
    '',
    'A SigNoz deployment that survives a node, a zone or an upgrade: ClickHouse sharded and replicated, ZooKeeper with a',
    'quorum, replicas kept apart, the installation name pinned so an upgrade never creates a second one, the schema',
    'migrator creating replicated tables, and disks sized for the retention. `signoz-ha` writes that configuration for',
    'your topology and cloud, checks it, and verifies the running result.',
    '',
    '## 1. Generate',
    '',
    commandBlock([
      'signoz-ha generate --cloud aws --shards 2 --replicas 2 --host signoz.example.com --ingest-gb-per-day 200',
      'signoz-ha generate --cloud gcp --shards 3 --replicas 2 --zones europe-west1-b,europe-west1-c,europe-west1-d \\',
      '  --host signoz.example.com --storage 750Gi --retention logs=30d,traces=15d,metrics=90d --out ./prod',
    ]),
    '',
    'One directory: `values.yaml` for the SigNoz chart, `clickhouse-installation.yaml` (the same cluster for teams running',
    'the Altinity operator themselves), `schema-migrator-job.yaml` (the migration with this cluster name and replication),',
    "`ingress.yaml` for the cloud's load balancer, `hostmetrics-daemonset.yaml`, `storage-plan.yaml` when sized from ingest, and a",
    'README with the install commands. No password is ever written: it comes from your secret store at install.',
    '',
    table(
      ['cloud', 'storage class', 'ingress', 'notes'],
      CLOUDS.map((c) => [
        c,
        CLOUD_DEFAULTS[c].storageClass ? code(CLOUD_DEFAULTS[c].storageClass!) : "the cluster's default",
        CLOUD_DEFAULTS[c].ingress.toUpperCase(),
        CLOUD_DEFAULTS[c].note,
      ]),
    ),
    '',
    table(
      ['input', 'default'],
      [
        ['shards × replicas', `${GENERATE_DEFAULTS.shards} × ${GENERATE_DEFAULTS.replicas}`],
        ['ZooKeeper members', String(GENERATE_DEFAULTS.keeper)],
        ['disk per replica', `sized from \`--ingest-gb-per-day\`, else ${GENERATE_DEFAULTS.storage}`],
        [
          'ClickHouse requests',
          `${GENERATE_DEFAULTS.clickhouseCpu} CPU, ${GENERATE_DEFAULTS.clickhouseMemory} memory (limit ${GENERATE_DEFAULTS.clickhouseMemory})`,
        ],
        ['ClickHouse image', GENERATE_DEFAULTS.clickhouseImageTag],
        ['collectors', String(GENERATE_DEFAULTS.collectorReplicas)],
        ['migrator timeout', GENERATE_DEFAULTS.migratorTimeout],
        ['retention', SIGNALS.map((s) => `${s} ${STORAGE_DEFAULTS.retentionDays[s]} days`).join(', ')],
        ['placement', 'replicas of a shard on different nodes (ShardAntiAffinity); in different zones when `--zones` names enough; spread over zones'],
      ],
    ),
    '',
    '## 2. Lint',
    '',
    commandBlock([
      'signoz-ha values lint values.yaml --plan storage-plan.yaml',
      'signoz-ha values lint base.yaml prod.yaml --set clickhouse.layout.replicasCount=3',
    ]),
    '',
    "Files merge as Helm merges them, over the chart's defaults. Every rule below is also what `signoz-ha doctor` checks",
    'on a deployed release (`helm/values-ha`); each finding names the key, the file and line, and the fix.',
    '',
    table(
      ['rule', 'key', 'severity', 'why'],
      rules.map((r) => [r.id, code(r.key), r.severity, r.why]),
    ),
    '',
    '## 3. Install',
    '',
    commandBlock([
      'kubectl create namespace platform',
      'kubectl -n platform create secret generic signoz-clickhouse-password --from-literal=password="$(openssl rand -hex 24)"',
      'helm -n platform upgrade --install signoz signoz/signoz -f values.yaml \\',
      "  --set-file clickhouse.password=<(kubectl -n platform get secret signoz-clickhouse-password -o jsonpath='{.data.password}' | base64 -d)",
      'kubectl -n platform apply -f ingress.yaml -f hostmetrics-daemonset.yaml',
    ]),
    '',
    "Try it first in the lab: `signoz-ha lab up --values values.yaml` builds a local cluster to the file's layout and",
    'installs the release with it (the lab keeps its own credentials and server version).',
    '',
    '## 4. Verify, and keep verifying',
    '',
    commandBlock(['signoz-ha doctor -n platform --release signoz', 'signoz-ha storage report -n platform']),
    '',
    'Upgrades: `signoz-ha upgrade --safe` refuses an upgrade that would rename the installation, skip a required version,',
    'or start on an unhealthy cluster. Incidents: `signoz-ha runbook list`.',
  ]
    .join('\n')
    .concat('\n')
}

/** docs/STORAGE_ARCHITECTURE_GUIDE.md: how data sits on disk, the sizing model, worked examples, and the live report. */
export function storageGuide(): string {
  const example = (ingest: number, shards: number, replicas: number) =>
    planStorage({
      ingestGbPerDay: ingest,
      share: {...STORAGE_DEFAULTS.share},
      retentionDays: {...STORAGE_DEFAULTS.retentionDays},
      compressionRatio: STORAGE_DEFAULTS.compressionRatio,
      shards,
      replicasPerShard: replicas,
      headroomPercent: STORAGE_DEFAULTS.headroomPercent,
    })
  const examples = [
    [50, 1, 2],
    [200, 2, 2],
    [500, 3, 2],
    [2000, 6, 3],
  ] as const
  return [
    '# SigNoz storage architecture guide',
    '',
    generatedFrom('src/signoz/storage-plan.ts'),
    '',
    '## Where the data lives',
    '',
    '- Each shard holds a part of every signal; each replica of a shard holds a **full copy** of that shard (ReplicatedMergeTree),',
    "  so disk per replica = the shard's data, and the cluster stores every byte `replicas` times.",
    '- Tables are partitioned by day: retention (TTL) drops whole days, so data grows for the retention period and then stays flat.',
    '- Merges rewrite parts into bigger ones and need free room while they run; mutations and TTL changes rewrite parts too.',
    '  A full disk stops inserts and merges (catalogue #5), and parts pile up (catalogue #7).',
    '- ZooKeeper keeps only metadata (8Gi is plenty) but must purge its snapshots (`autopurge`, catalogue #31).',
    '',
    '## The sizing model (`signoz-ha storage plan`)',
    '',
    commandBlock([
      'signoz-ha storage plan --ingest-gb-per-day 200 --shards 2 --replicas 2',
      'signoz-ha storage plan --ingest-gb-per-day 500 --retention logs=30d --compression 12 --disk 1Ti',
    ]),
    '',
    '1. Per signal: ingest × share ÷ compression = GB per day on disk; × retention days = what it keeps.',
    '2. Summed, one copy of everything; ÷ shards = what each replica keeps.',
    `3. ÷ (1 − headroom) = the disk each replica needs, rounded up to 10 GB (headroom default ${STORAGE_DEFAULTS.headroomPercent}%, for merges).`,
    '4. With `--disk`: the days until that disk is full (growth per signal stops at its retention), or that it holds the steady state.',
    '',
    table(
      ['default', 'value', 'why'],
      [
        ['share traces / logs / metrics', SIGNALS.map((s) => STORAGE_DEFAULTS.share[s]).join(' / '), 'a mixed workload; measure yours with `storage report`'],
        ['compression', `${STORAGE_DEFAULTS.compressionRatio}×`, "LZ4 on SigNoz's columns, conservative; `storage report` shows the real ratio per table"],
        ['retention', SIGNALS.map((s) => `${s} ${STORAGE_DEFAULTS.retentionDays[s]} days`).join(', '), "SigNoz's defaults"],
        ['headroom', `${STORAGE_DEFAULTS.headroomPercent}%`, 'free room for merges, mutations and TTL rewrites'],
      ],
    ),
    '',
    '## Worked examples (the defaults above)',
    '',
    table(
      ['ingest GB/day', 'layout', 'kept per replica', 'disk per replica', 'disk in total'],
      examples.map(([ingest, shards, replicas]) => {
        const p = example(ingest, shards, replicas)
        return [String(ingest), `${shards} × ${replicas}`, `${p.replicaDataGb} GB`, `${p.replicaDiskGb} GB`, `${p.totalDiskGb} GB`]
      }),
    ),
    '',
    '## Measuring the live cluster (`signoz-ha storage report`)',
    '',
    'Disk per host (system.disks, or the size of its volume claim on older servers), bytes and compression per SigNoz table',
    '(one replica per shard), the TTL each table really has, growth over the last full day, the days until each disk is full',
    'at that rate (exit 1 under a week), and the oldest days of the biggest tables with the statement that would drop each.',
    'Nothing is dropped by the tool.',
    '',
    '## When a disk fills',
    '',
    "- Grow the claims if the storage class allows expansion (`allowVolumeExpansion`), then the installation's volume claim",
    '  template to match (`clickhouse.persistence.size`); `signoz-ha doctor --only kube/pvc` shows a resize that has not finished.',
    '- Shorten retention in SigNoz (it runs `ALTER TABLE … MODIFY TTL` on the cluster), or drop the oldest days by hand.',
    '- See the `disk-full` runbook: `signoz-ha runbook show disk-full`.',
  ]
    .join('\n')
    .concat('\n')
}
