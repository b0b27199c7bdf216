import {Flags} from '@oclif/core'
import {BaseCommand, outputFlags} from '../src/cli/base.js'
import {kubeFlags} from '../src/cli/kube-flags.js'
import {remediationFlags} from '../src/cli/remediation-flags.js'

export default class Upgrade extends BaseCommand {
  static override summary = 'Helm upgrade with preflight gates, a plan in ClickHouse terms, migrator watching, postflight on data, and rollback.'
  static override description = `Always safe (--safe is the only mode): renders the upgrade with Helm first and refuses it when a gate fails — an unhealthy cluster, a skipped required version, a ClickHouse too old for the target, CRDs behind the operator, a renamed installation (a duplicate), a migrator whose cluster or replication is wrong, no recent backup. Then it shows what changes in ClickHouse terms, asks, runs the real helm upgrade (the migrator's log streamed, known failures named with their runbook; Ctrl-C makes Helm stop cleanly), checks the data afterwards (every host up, migrations done, one installation, fresh rows on every shard) and rolls back when that fails.

Exit codes: 0 upgraded or nothing to do; 2 usage (bad chart, values file); 3 a gate or the upgrade failed and nothing was rolled back; 4 not confirmed; 5 the upgrade failed and was rolled back. With --plan --detailed-exitcode: 0 no change, 5 changes pending.`
  static override examples = [
    '<%= config.bin %> upgrade --safe --plan --version 0.131.0',
    '<%= config.bin %> upgrade --safe --version 0.131.0 -f values.yaml --yes --rollback-on-failure',
    '<%= config.bin %> upgrade --safe --set otelCollector.resources.requests.cpu=500m --backup-confirmed',
  ]
  static override flags = {
    ...outputFlags,
    ...kubeFlags,
    safe: Flags.boolean({summary: 'Gates, plan, postflight and rollback (always on; accepted for clarity).', default: true, allowNo: false}),
    version: Flags.string({summary: 'Target chart version (default: the latest the chart repository has).'}),
    values: Flags.string({char: 'f', summary: 'Values file, as helm -f (repeatable).', multiple: true}),
    set: Flags.string({summary: 'KEY=VALUE, as helm --set (repeatable).', multiple: true}),
    'reset-values': Flags.boolean({summary: "Start from the chart's defaults instead of the deployed values."}),
    timeout: Flags.string({
      summary: 'The whole upgrade, a rollback included: Helm gets two thirds (its --timeout, hooks included), a rollback the rest.',
      default: '15m',
    }),
    plan: Flags.boolean({summary: 'Print the gates and the plan, change nothing.'}),
    'detailed-exitcode': Flags.boolean({summary: 'With --plan: exit 5 when the upgrade would change something.'}),
    'skip-gate': Flags.string({summary: 'Override one gate by id, at your own risk (repeatable).', multiple: true}),
    'rollback-on-failure': Flags.boolean({summary: 'Roll back without asking when the upgrade or its postflight fails.'}),
    'backup-confirmed': Flags.boolean({summary: 'A backup of the ClickHouse volumes from the last day exists (the backup gate).'}),
    yes: remediationFlags.yes,
    'dry-run': remediationFlags['dry-run'],
    chart: remediationFlags.chart,
    helm: remediationFlags.helm,
    config: remediationFlags.config,
    'take-over-lease': remediationFlags['take-over-lease'],
    wait: Flags.string({summary: 'Bound on the postflight and on a rollback: every check passing, fresh rows.', default: '180s'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Upgrade)
    const {upgradeCommand} = await import('../src/cli/upgrade-command.js')
    const code = await upgradeCommand({...flags, 'allow-destructive': false}, {...this.remediationIo(flags), tty: Boolean(process.stderr.isTTY)})
    if (code !== 0) this.exit(code)
  }
}
