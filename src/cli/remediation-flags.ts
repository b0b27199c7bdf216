import {Flags} from '@oclif/core'

/** The flags of every command that changes the cluster through the remediation engine. */
export const remediationFlags = {
  yes: Flags.boolean({char: 'y', summary: 'Apply without asking (required without a terminal).'}),
  'dry-run': Flags.boolean({summary: 'Print the plan and change nothing.'}),
  'allow-destructive': Flags.boolean({summary: 'Allow destructive steps without typing names back.'}),
  chart: Flags.string({
    summary: 'Chart to upgrade the release with (default signoz/signoz at the deployed version; a local path for air-gapped clusters).',
    env: 'SIGNOZ_HA_CHART',
  }),
  'chart-version': Flags.string({summary: 'Chart version (default: the deployed one; ignored for a local chart path).'}),
  helm: Flags.string({summary: 'The helm binary.', env: 'SIGNOZ_HA_HELM', default: 'helm'}),
  config: Flags.string({summary: 'Config file whose thresholds diagnosis and verification use (as doctor).', env: 'SIGNOZ_HA_CONFIG'}),
  wait: Flags.string({summary: 'Bound on each wait: a rollout, a restart, a replica catching up, ingestion resuming.', default: '120s'}),
  'take-over-lease': Flags.boolean({summary: "Take the release's remediation Lease from a run that stopped renewing it (its machine closed, killed)."}),
}
