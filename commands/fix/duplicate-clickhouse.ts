import {Flags} from '@oclif/core'
import {BaseCommand, outputFlags} from '../../src/cli/base.js'
import {kubeFlags} from '../../src/cli/kube-flags.js'
import {remediationFlags} from '../../src/cli/remediation-flags.js'

export default class FixDuplicateClickhouse extends BaseCommand {
  static override summary =
    'Guarded fix for two ClickHouse installations: point clients at the one with the data, pin its name in the release, remove the empty one.'
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
    ...remediationFlags,
    'allow-destructive': Flags.boolean({summary: 'Allow destructive steps (deleting volume claims) without typing names.'}),
    'delete-claims': Flags.boolean({summary: "Also delete the duplicate's volume claims (destructive)."}),
    undo: Flags.string({summary: 'Reverse the steps a journalled run applied (id from signoz-ha journal list).'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(FixDuplicateClickhouse)
    const {fixDuplicateCommand} = await import('../../src/cli/fix-command.js')
    const code = await fixDuplicateCommand(flags, this.remediationIo(flags))
    if (code !== 0) this.exit(code)
  }
}
