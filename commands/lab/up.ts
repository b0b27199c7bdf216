import {Flags} from '@oclif/core'
import {BaseCommand, outputFlags} from '../../src/cli/base.js'
import {labDirFlag} from '../../src/cli/lab-flags.js'

export default class LabUp extends BaseCommand {
  static override summary = 'Start a local SigNoz HA world: real ZooKeeper and ClickHouse cluster, schema, ingestion.'
  static override description = 'Returns when every part is healthy. Re-running it on an existing lab restarts what is not running.'
  static override flags = {
    ...outputFlags,
    ...labDirFlag,
    shards: Flags.integer({summary: 'Shards.', default: 2, min: 1, max: 16}),
    replicas: Flags.integer({summary: 'Replicas per shard.', default: 2, min: 1, max: 8}),
    cluster: Flags.string({summary: 'ClickHouse cluster name.', default: 'cluster'}),
    'no-replication': Flags.boolean({summary: 'Create plain MergeTree tables, as the migrator does with replication off (catalogue #14).'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(LabUp)
    const {labUp, labStatus} = await import('../../src/lab/world.js')
    const {resolveLabDir} = await import('../../src/lab/state.js')
    const dir = resolveLabDir(flags.dir)
    const json = this.format(flags) === 'json'
    const started = performance.now()
    await labUp({
      dir,
      shards: flags.shards,
      replicas: flags.replicas,
      cluster: flags.cluster,
      replication: !flags['no-replication'],
      log: (line) => process.stderr.write(`lab: ${line}\n`),
    })
    const status = await labStatus(dir)
    if (json) return this.print(JSON.stringify(status, null, 2))
    this.print(`lab up in ${((performance.now() - started) / 1000).toFixed(1)}s: ${status.shards}×${status.replicasPerShard} ClickHouse, ${status.keeper.kind}, ingestion running (${dir})\nnext: eval "$(${this.config.bin} lab env)" && ${this.config.bin} doctor`)
  }
}
