import {Args, Flags} from '@oclif/core'
import {BaseCommand, outputFlags} from '../../src/cli/base.js'
import {kubeFlags} from '../../src/cli/kube-flags.js'
import {remediationFlags} from '../../src/cli/remediation-flags.js'

export default class RunbookRun extends BaseCommand {
  static override summary = 'Carry out a runbook: diagnose with its checks, plan its automated steps, confirm, apply, verify.'
  static override description = `Runs the runbook's checks; if they pass there is nothing to do (a procedure such as clickhouse-rolling-restart needs them passing to start). Its automated steps are planned from what the checks found, previewed, confirmed, applied one at a time through the remediation engine (backup, verify, journal) and verified with the same checks. Steps that need a person are listed.

Without a terminal nothing changes unless --yes is given (exit 4); destructive steps also need --allow-destructive. A re-run skips what is done, so an interrupted run resumes. Exit codes: 0 fixed or nothing to do; 1 only manual steps apply; 2 usage error; 3 a step or the verification failed; 4 not confirmed.`
  static override args = {id: Args.string({required: true, description: 'runbook id (signoz-ha runbook list)'})}
  static override examples = [
    '<%= config.bin %> runbook run helm-release-stuck --dry-run',
    '<%= config.bin %> runbook run replica-readonly --yes',
    '<%= config.bin %> runbook run clickhouse-rolling-restart --yes --wait 5m',
    '<%= config.bin %> runbook run keeper-quorum --undo 20261202-104500-runbook-keeper-quorum --yes',
  ]
  static override flags = {
    ...outputFlags,
    ...kubeFlags,
    ...remediationFlags,
    undo: Flags.string({summary: 'Reverse the steps a journalled run of this runbook applied (id from signoz-ha journal list).'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(RunbookRun)
    const {runbookRunCommand} = await import('../../src/cli/runbook-command.js')
    const code = await runbookRunCommand(args.id, flags, this.remediationIo(flags))
    if (code !== 0) this.exit(code)
  }
}
