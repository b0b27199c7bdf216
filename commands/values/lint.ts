import {Args, Flags} from '@oclif/core'
import {BaseCommand, outputFlags} from '../../src/cli/base.js'

export default class ValuesLint extends BaseCommand {
  static override summary = 'Check SigNoz chart values against the HA rules doctor applies to a deployed release.'
  static override description = `The files are merged as Helm merges them (later files and --set win) over the chart's defaults, then judged by the same rules as doctor's helm/values-ha: layout, ZooKeeper members and disruption budget, anti-affinity, pinned installation name, migrator replication, autopurge, persistence, storage (against --plan's ingest and retention), ClickHouse memory, default password. Each finding names the key, where it is set (file:line) and the fix.

Exit codes: 0 no finding at or above --fail-on (default warning); 1 findings; 2 a file is missing or not valid YAML.`
  static override strict = false
  static override args = {file: Args.string({required: true, description: 'values file(s), as given to helm -f'})}
  static override examples = [
    '<%= config.bin %> values lint values.yaml',
    '<%= config.bin %> values lint base.yaml prod.yaml --set clickhouse.layout.replicasCount=3',
    '<%= config.bin %> values lint signoz-ha-signoz/values.yaml --plan signoz-ha-signoz/storage-plan.yaml -o json',
  ]
  static override flags = {
    ...outputFlags,
    set: Flags.string({summary: 'KEY=VALUE over the files, as helm --set (repeatable).', multiple: true}),
    plan: Flags.string({summary: 'A storage plan (ingest, retention) to check the disk size against, as generate writes it.'}),
    'fail-on': Flags.string({summary: 'Lowest severity that fails (exit 1).', options: ['critical', 'warning', 'info', 'none'], default: 'warning'}),
    verbose: Flags.boolean({char: 'v', summary: 'Show passing rules too.'}),
  }

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(ValuesLint)
    const {lintValues, renderLint} = await import('../../src/cli/values-lint.js')
    const files = argv as string[]
    const {findings, code} = lintValues(files, {set: flags.set, plan: flags.plan, failOn: flags['fail-on'] as 'warning'})
    if (this.format(flags) === 'json') {
      const failing = findings.filter((f) => !f.ok)
      this.print(JSON.stringify({schemaVersion: 1, files, status: code === 0 ? (failing.length ? 'ok-with-notes' : 'ok') : 'problems', findings}, null, 2))
    } else this.print(renderLint(files, findings, this.chalkFor(flags), flags.verbose))
    if (code !== 0) this.exit(code)
  }
}
