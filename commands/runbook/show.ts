import {Args, Flags} from '@oclif/core'
import {BaseCommand, outputFlags} from '../../src/cli/base.js'
import {UsageError} from '../../src/core/errors.js'
import {ALL_RUNBOOKS} from '../../runbooks/index.js'
import {renderRunbook} from '../../src/render/runbook.js'

export default class RunbookShow extends BaseCommand {
  static override summary = 'Show one runbook: symptoms, steps with their safety class, and commands.'
  static override args = {id: Args.string({required: true, description: 'runbook id (signoz-ha runbook list)'})}
  static override flags = {
    ...outputFlags,
    namespace: Flags.string({char: 'n', summary: 'Namespace to fill into commands.', env: 'SIGNOZ_HA_NAMESPACE'}),
    cluster: Flags.string({summary: 'Cluster name to fill into SQL.', env: 'SIGNOZ_HA_CLUSTER', default: 'cluster'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(RunbookShow)
    const runbook = ALL_RUNBOOKS.find((r) => r.id === args.id)
    if (!runbook) throw new UsageError(`no runbook "${args.id}"`, `runbooks: ${ALL_RUNBOOKS.map((r) => r.id).join(', ')}`)
    if (this.format(flags) === 'json') return this.print(JSON.stringify(runbook, null, 2))
    this.print(renderRunbook(runbook, {chalk: this.chalkFor(flags), namespace: flags.namespace ?? '<namespace>', cluster: flags.cluster}))
  }
}
