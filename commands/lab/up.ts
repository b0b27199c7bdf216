import {Flags} from '@oclif/core'
import {BaseCommand, outputFlags} from '../../src/cli/base.js'
import {labDirFlag} from '../../src/cli/lab-flags.js'

export default class LabUp extends BaseCommand {
  static override summary = 'Start a local SigNoz HA world: real ZooKeeper and ClickHouse cluster, schema, ingestion.'
  static override description = 'Returns when every part is healthy. Re-running it on an existing lab restarts what is not running.'
  static override flags = {
    ...outputFlags,
    ...labDirFlag,
    shards: Flags.integer({summary: 'Shards (default 2, or the layout of --values).', min: 1, max: 16}),
    replicas: Flags.integer({summary: 'Replicas per shard (default 2, or the layout of --values).', min: 1, max: 8}),
    cluster: Flags.string({summary: 'ClickHouse cluster name (default cluster, or that of --values).'}),
    'no-replication': Flags.boolean({summary: 'Create plain MergeTree tables, as the migrator does with replication off (catalogue #14).'}),
    values: Flags.string({
      summary:
        "Install the release with this values file (e.g. from signoz-ha generate) over the lab's own; the lab takes its layout, cluster and installation name.",
    }),
    chart: Flags.string({
      summary: "Install this SigNoz chart (.tgz or directory, e.g. a public release) instead of the lab's stand-in; the lab backs its pods by image.",
    }),
    set: Flags.string({summary: 'A chart value for the release, as helm --set takes it (repeatable).', multiple: true}),
    clickhouse: Flags.string({
      summary: "ClickHouse engine: debian (Debian's 18.16, replicated; the default) or modern (26.x from the chdb package: shards × 1, no replication).",
      options: ['debian', 'modern'],
      default: 'debian',
    }),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(LabUp)
    const {labUp, labStatus} = await import('../../src/lab/world.js')
    const {resolveLabDir} = await import('../../src/lab/state.js')
    const dir = resolveLabDir(flags.dir)
    const {labShapeFromValues} = await import('../../src/lab/release.js')
    const {resolve} = await import('node:path')
    const shape = flags.values ? labShapeFromValues(flags.values) : {}
    const json = this.format(flags) === 'json'
    const started = performance.now()
    await labUp({
      dir,
      shards: flags.shards ?? shape.shards ?? 2,
      replicas: flags.replicas ?? shape.replicas ?? (flags.clickhouse === 'modern' ? 1 : 2),
      cluster: flags.cluster ?? shape.cluster ?? 'cluster',
      replication: !flags['no-replication'] && shape.replication !== false,
      values: flags.values ? resolve(flags.values) : undefined,
      chi: shape.chi,
      chart: flags.chart,
      clickhouse: flags.clickhouse as 'modern' | 'debian',
      set: flags.set,
      log: (line) => process.stderr.write(`lab: ${line}\n`),
    })
    const status = await labStatus(dir)
    if (json) return this.print(JSON.stringify(status, null, 2))
    this.print(
      `lab up in ${((performance.now() - started) / 1000).toFixed(1)}s: ${status.shards}×${status.replicasPerShard} ClickHouse, ${status.keeper.kind}, ${status.chartName ?? 'the lab chart'}, ingestion running (${dir})\nnext: eval "$(${this.config.bin} lab env)" && ${this.config.bin} doctor`,
    )
  }
}
