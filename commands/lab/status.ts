import {BaseCommand, outputFlags} from '../../src/cli/base.js'
import {labDirFlag} from '../../src/cli/lab-flags.js'

export default class LabStatus extends BaseCommand {
  static override summary = 'What is really running in the lab (the status document with --json).'
  static override flags = {...outputFlags, ...labDirFlag}

  async run(): Promise<void> {
    const {flags} = await this.parse(LabStatus)
    const {labStatus} = await import('../../src/lab/world.js')
    const {resolveLabDir} = await import('../../src/lab/state.js')
    const status = await labStatus(resolveLabDir(flags.dir))
    if (this.format(flags) === 'json') return this.print(JSON.stringify(status, null, 2))
    const c = this.chalkFor(flags)
    const ok = (b: boolean) => (b ? c.green('healthy') : c.red('unhealthy'))
    const lines = [
      `${c.bold('lab')} ${status.dir}: ${status.healthy ? c.green('healthy') : c.red('degraded')} · cluster ${status.cluster} ${status.shards}×${status.replicasPerShard}${status.replication ? '' : ' (no replication)'}`,
      ...(status.chartName ? [`  chart      ${status.chartName}${status.chartClickHouseImage ? ` · asks for ${status.chartClickHouseImage}` : ''}`] : []),
      `  ${status.keeper.kind.padEnd(10)} pid ${status.keeper.pid} port ${status.keeper.port} ${ok(status.keeper.healthy)} (${status.keeper.state})`,
      ...status.clickhouse.map((h) => `  ${h.pod} pid ${h.pid} ${h.url} ${ok(h.healthy)} (${h.state})${h.version ? ` · runs ${h.version}` : ''}`),
      `  ingestion  pid ${status.ingestion.pid} ${status.ingestion.enabled ? ok(status.ingestion.healthy) : c.yellow('stopped')} · ${status.ingestion.rows} rows${status.ingestion.lastError ? c.gray(` · last error: ${status.ingestion.lastError}`) : ''}`,
      `  faults: ${status.faults.length ? status.faults.map((f) => `${f.id}${f.target ? `(${f.target})` : ''}`).join(', ') : 'none'}`,
    ]
    this.print(lines.join('\n'))
  }
}
