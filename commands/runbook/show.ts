import {Args, Flags} from '@oclif/core'
import {BaseCommand, outputFlags} from '../../src/cli/base.js'

export default class RunbookShow extends BaseCommand {
  static override summary = 'Show one runbook: symptoms, steps with their safety class, and commands.'
  static override args = {id: Args.string({required: true, description: 'runbook id (signoz-ha runbook list)'})}
  static override flags = {
    ...outputFlags,
    namespace: Flags.string({char: 'n', summary: 'Namespace to fill into commands.', env: 'SIGNOZ_HA_NAMESPACE'}),
    cluster: Flags.string({summary: 'Cluster name to fill into SQL.', env: 'SIGNOZ_HA_CLUSTER', default: 'cluster'}),
    release: Flags.string({summary: 'Release name to fill into commands.', env: 'SIGNOZ_HA_RELEASE'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(RunbookShow)
    // The runbooks (and their actions) load only for the runbook commands, never at start-up.
    const {findRunbook} = await import('../../runbooks/index.js')
    const {renderRunbook} = await import('../../src/render/runbook.js')
    const runbook = findRunbook(args.id)
    if (this.format(flags) === 'json') {
      const steps = runbook.steps.map(({remedy, ...step}) => ({...step, automated: Boolean(remedy)}))
      return this.print(JSON.stringify({...runbook, kind: runbook.kind ?? 'incident', steps}, null, 2))
    }
    this.print(
      renderRunbook(runbook, {chalk: this.chalkFor(flags), namespace: flags.namespace ?? '<namespace>', cluster: flags.cluster, release: flags.release}),
    )
  }
}
