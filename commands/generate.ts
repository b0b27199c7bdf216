import {Flags} from '@oclif/core'
import {BaseCommand, outputFlags} from '../src/cli/base.js'
import {CLOUDS, GENERATE_DEFAULTS, INGRESS_KINDS} from '../src/generate/inputs.js'

export default class Generate extends BaseCommand {
  static override summary =
    'Write the production HA configuration for your topology and cloud: chart values, ClickHouse cluster, schema-migration Job, ingress, host-metrics DaemonSet.'
  static override description = `Every file goes into one directory with a README that says how to apply it. The values pin the ClickHouse name (no duplicate installation on upgrade), turn on replication for the migrator, give ZooKeeper a quorum and a disruption budget, keep replicas of a shard apart (nodes, and zones when named), and size the disks: with --ingest-gb-per-day by the storage planner, else --storage. The ClickHouse password is never written: it is given at install.

Exit codes: 0 written; 2 a bad input or files already there (nothing written).`
  static override examples = [
    '<%= config.bin %> generate --cloud aws --shards 2 --replicas 2 --host signoz.example.com --ingest-gb-per-day 200',
    '<%= config.bin %> generate --cloud gcp --shards 3 --replicas 2 --host signoz.example.com --zones europe-west1-b,europe-west1-c,europe-west1-d --out ./prod',
    '<%= config.bin %> generate --cloud generic --ingress none --storage 500Gi --retention logs=30d,traces=7d',
  ]
  static override flags = {
    ...outputFlags,
    cloud: Flags.string({summary: 'Where it runs: decides the storage class and the ingress.', options: [...CLOUDS], default: 'generic'}),
    shards: Flags.integer({summary: 'ClickHouse shards.', default: GENERATE_DEFAULTS.shards}),
    replicas: Flags.integer({summary: 'Replicas per shard.', default: GENERATE_DEFAULTS.replicas}),
    keeper: Flags.integer({summary: 'ZooKeeper members (odd).', default: GENERATE_DEFAULTS.keeper}),
    storage: Flags.string({summary: `Disk per ClickHouse replica (e.g. 500Gi); default: sized from --ingest-gb-per-day, else ${GENERATE_DEFAULTS.storage}.`}),
    'storage-class': Flags.string({summary: "Storage class (default: the cloud's SSD class; generic: the cluster default)."}),
    zones: Flags.string({summary: 'Comma-separated zones to run in; replicas of a shard are kept in different zones.'}),
    ingress: Flags.string({summary: "Ingress kind (default: the cloud's: aws alb, gcp gce, else nginx).", options: [...INGRESS_KINDS]}),
    host: Flags.string({summary: 'Host name SigNoz is served on (needed unless --ingress none).'}),
    retention: Flags.string({summary: 'Days kept per signal, e.g. traces=15d,logs=15d,metrics=30d (the SigNoz defaults).'}),
    'ingest-gb-per-day': Flags.integer({summary: 'Uncompressed telemetry per day over the cluster, GB: sizes the disks.'}),
    compression: Flags.integer({summary: 'Uncompressed ÷ on-disk size for the sizing (default 8).'}),
    release: Flags.string({summary: 'Helm release name.', default: 'signoz', env: 'SIGNOZ_HA_RELEASE'}),
    namespace: Flags.string({char: 'n', summary: 'Namespace.', default: 'platform', env: 'SIGNOZ_HA_NAMESPACE'}),
    cluster: Flags.string({summary: 'ClickHouse cluster name.', default: 'cluster'}),
    'clickhouse-image-tag': Flags.string({summary: 'ClickHouse server image tag.', default: GENERATE_DEFAULTS.clickhouseImageTag}),
    out: Flags.string({char: 'd', summary: 'Directory to write (default ./signoz-ha-<release>).'}),
    force: Flags.boolean({summary: 'Replace files already in the directory.'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Generate)
    const {generateCommand} = await import('../src/cli/generate-command.js')
    const result = generateCommand(
      {
        release: flags.release,
        namespace: flags.namespace,
        cluster: flags.cluster,
        shards: flags.shards,
        replicas: flags.replicas,
        keeper: flags.keeper,
        storage: flags.storage,
        storageClass: flags['storage-class'],
        zones: flags.zones,
        cloud: flags.cloud,
        ingress: flags.ingress,
        host: flags.host,
        retention: flags.retention,
        ingestGbPerDay: flags['ingest-gb-per-day'],
        compression: flags.compression,
        clickhouseImageTag: flags['clickhouse-image-tag'],
      },
      {out: flags.out, force: flags.force},
    )
    if (this.format(flags) === 'json')
      return this.print(JSON.stringify({dir: result.dir, files: result.files, storage: result.inputs.storage, plan: result.inputs.plan ?? null}, null, 2))
    const width = Math.max(...result.files.map((f) => f.path.length))
    this.print(
      [
        `wrote ${result.dir}`,
        ...result.files.map((f) => `  ${f.path.padEnd(width)}  ${f.purpose}`),
        '',
        `next: signoz-ha values lint ${result.dir}/values.yaml${result.inputs.plan ? ` --plan ${result.dir}/storage-plan.yaml` : ''}, then ${result.dir}/README.md`,
      ].join('\n'),
    )
  }
}
