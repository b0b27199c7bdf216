import {Flags} from '@oclif/core'
import {BaseCommand, outputFlags} from '../../src/cli/base.js'
import {boundFlags, clickhouseFlags, kubeFlags} from '../../src/cli/kube-flags.js'

export default class StorageReportCommand extends BaseCommand {
  static override summary =
    'Measure the live cluster: disk per host, size and compression per SigNoz table, TTL, growth per day, days until full, partitions to drop.'
  static override description = `Read-only. Reaches ClickHouse as doctor does: through the cluster (port-forwards, the release's credentials) or --clickhouse-url. Free space comes from system.disks (19.15+), else from the size of each host's volume claim. Growth is the bytes of the last full day's partitions (today's so far on a young cluster). The DROP PARTITION statements are printed, never run.

Exit codes: 0 measured; 1 a host is full within 7 days at this rate; 2 usage; 3 no ClickHouse host answered.`
  static override examples = ['<%= config.bin %> storage report', '<%= config.bin %> storage report --context prod -n platform -o json']
  static override flags = {
    ...outputFlags,
    ...kubeFlags,
    ...clickhouseFlags,
    cluster: Flags.string({summary: 'ClickHouse cluster name, for the printed statements.', env: 'SIGNOZ_HA_CLUSTER'}),
    ...boundFlags(),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(StorageReportCommand)
    const {storageReportCommand} = await import('../../src/cli/storage-report-command.js')
    const {renderStorageReport} = await import('../../src/render/storage.js')
    const {report, target, code} = await storageReportCommand(flags)
    this.print(
      this.format(flags) === 'json'
        ? JSON.stringify({schemaVersion: 1, target, ...report}, null, 2)
        : renderStorageReport(report, target, this.chalkFor(flags)),
    )
    if (code !== 0) this.exit(code)
  }
}
