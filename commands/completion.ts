import {Args} from '@oclif/core'
import {BaseCommand} from '../src/cli/base.js'
import {UsageError} from '../src/core/errors.js'

export default class Completion extends BaseCommand {
  static override summary = 'Print a shell completion script (bash, zsh or fish).'
  static override description = `Completes commands, topics, flags, enumerated flag values (-o, --fail-on, --cloud, …), check ids for --only/--skip, runbook ids for runbook show/run and fault names for lab break/heal.

  bash:  source <(signoz-ha completion bash)      (or save it in /etc/bash_completion.d/signoz-ha)
  zsh:   source <(signoz-ha completion zsh)
  fish:  signoz-ha completion fish > ~/.config/fish/completions/signoz-ha.fish`
  static override args = {shell: Args.string({description: 'bash, zsh or fish', required: true})}

  async run(): Promise<void> {
    const {args} = await this.parse(Completion)
    const {SHELLS, completionScript} = await import('../src/cli/completion.js')
    if (!SHELLS.includes(args.shell as never)) throw new UsageError(`no completion for "${args.shell}"`, `shells: ${SHELLS.join(', ')}`)
    const {completionModel} = await import('../src/cli/completion-model.js')
    this.print(
      completionScript(
        args.shell as (typeof SHELLS)[number],
        await completionModel(this.config.bin, this.config.pjson.oclif.topics as Record<string, {description: string}> | undefined),
      ),
    )
  }
}
