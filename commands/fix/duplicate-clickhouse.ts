import {Flags} from '@oclif/core'
import {BaseCommand, outputFlags} from '../../src/cli/base.js'
import {kubeFlags} from '../../src/cli/kube-flags.js'

export default class FixDuplicateClickhouse extends BaseCommand {
  static override summary = 'Guarded fix for two ClickHouse installations: point clients at the one with the data, pin its name in the release, remove the empty one.'
  static override description = `Decides which installation is the real one from evidence (the data it holds, ready hosts, bound claims, which workloads use it, the release), then plans: 1) collectors and SigNoz pointed at it, 2) clickhouse.fullnameOverride pinned in the Helm release (helm upgrade --reuse-values with a values file), 3) the empty duplicate removed, its claims kept. Each step is previewed, confirmed, backed up, applied, verified and journalled; doctor verifies the result.

Without a terminal nothing changes unless --yes is given (exit 4). Exit codes: 0 fixed or nothing to do; 2 usage error; 3 a step or the verification failed (the journal says what was applied; --undo reverses it); 4 not confirmed.`
  static override examples = [
    '<%= config.bin %> fix duplicate-clickhouse --dry-run',
    '<%= config.bin %> fix duplicate-clickhouse --yes --chart signoz/signoz --chart-version 0.130.1',
    '<%= config.bin %> fix duplicate-clickhouse --undo 20261125-061500-duplicate-clickhouse --yes',
  ]
  static override flags = {
    ...outputFlags,
    ...kubeFlags,
    yes: Flags.boolean({char: 'y', summary: 'Apply without asking (required without a terminal).'}),
    'dry-run': Flags.boolean({summary: 'Print the plan and change nothing.'}),
    'allow-destructive': Flags.boolean({summary: 'Allow destructive steps (deleting volume claims) without typing names.'}),
    'delete-claims': Flags.boolean({summary: "Also delete the duplicate's volume claims (destructive)."}),
    chart: Flags.string({summary: 'Chart to upgrade the release with (default signoz/signoz at the deployed version; a local path for air-gapped clusters).', env: 'SIGNOZ_HA_CHART'}),
    'chart-version': Flags.string({summary: 'Chart version (default: the deployed one; ignored for a local chart path).'}),
    helm: Flags.string({summary: 'The helm binary.', env: 'SIGNOZ_HA_HELM', default: 'helm'}),
    undo: Flags.string({summary: 'Reverse the steps a journalled run applied (id from signoz-ha journal list).'}),
    wait: Flags.string({summary: 'Bound on each wait: a rollout, a deletion, ingestion resuming.', default: '120s'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(FixDuplicateClickhouse)
    const {fixDuplicateCommand} = await import('../../src/cli/fix-command.js')
    const chalk = this.chalkFor(flags)
    const code = await fixDuplicateCommand(flags, {
      chalk,
      json: this.format(flags) === 'json',
      print: (text) => this.print(text),
      progress: (line) => process.stderr.write(`${this.chalkFor(flags, process.stderr).gray(line)}\n`),
    })
    if (code !== 0) this.exit(code)
  }
}
