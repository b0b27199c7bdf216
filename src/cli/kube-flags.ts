import {Flags} from '@oclif/core'
import {THRESHOLD_KEYS, THRESHOLD_SPECS, formatThreshold} from '../core/thresholds.js'

/** Where doctor's and status's thresholds come from: the configuration file, and the thresholds that declare a flag (the ones most often set by hand). */
export const thresholdFlags = {
  config: Flags.string({summary: 'Config file (default: ./.signoz-ha.yaml, then $XDG_CONFIG_HOME/signoz-ha/config.yaml).', env: 'SIGNOZ_HA_CONFIG'}),
  ...Object.fromEntries(
    THRESHOLD_KEYS.flatMap((key) => {
      const flag = (THRESHOLD_SPECS[key] as {flag?: {name: string; summary: string}}).flag
      return flag
        ? [
            [
              flag.name,
              Flags.string({summary: `${flag.summary} (default ${formatThreshold(key)}).`, env: `SIGNOZ_HA_${flag.name.toUpperCase().replace(/-/g, '_')}`}),
            ],
          ]
        : []
    }),
  ),
}

/** The CONTRACT's cluster flags, shared by every command that talks to a cluster. */
export const kubeFlags = {
  kubeconfig: Flags.string({summary: 'Path to the kubeconfig (default: KUBECONFIG, then ~/.kube/config, then in-cluster).', env: 'KUBECONFIG'}),
  context: Flags.string({summary: 'kubeconfig context (default: the current one).', aliases: ['kube-context'], env: 'SIGNOZ_HA_CONTEXT'}),
  namespace: Flags.string({
    char: 'n',
    summary: "Namespace of the SigNoz release (default: the context's, else the one that holds a release).",
    env: 'SIGNOZ_HA_NAMESPACE',
  }),
  'in-cluster': Flags.boolean({
    summary: "Use the pod's service account (its mounted token, CA and namespace) instead of a kubeconfig.",
    env: 'SIGNOZ_HA_IN_CLUSTER',
    exclusive: ['kubeconfig', 'context'],
  }),
  release: Flags.string({summary: 'Helm release name (default: the one SigNoz release in the namespace).', env: 'SIGNOZ_HA_RELEASE'}),
}

/** ClickHouse given directly instead of through the cluster: the same two flags on every command that reads it. */
export const clickhouseFlags = {
  'clickhouse-url': Flags.string({
    summary: 'ClickHouse HTTP URL of one host (repeatable, or a comma list); default: port-forward through the cluster.',
    multiple: true,
    env: 'SIGNOZ_HA_CLICKHOUSE_URL',
  }),
  'clickhouse-user': Flags.string({summary: 'ClickHouse user (password from SIGNOZ_HA_CLICKHOUSE_PASSWORD).', env: 'SIGNOZ_HA_CLICKHOUSE_USER'}),
}

/** The bounds of a run that reads a cluster; one set of defaults (a remediation's verification uses them too). */
export const RUN_BOUNDS = {timeout: '30s', hostTimeout: '5s'} as const

/** --timeout and --host-timeout; a command that does more per host (bundle) passes larger defaults, and says why. */
export const boundFlags = (defaults: {timeout: string; hostTimeout: string} = RUN_BOUNDS) => ({
  timeout: Flags.string({summary: "Bound on the whole command's network phase.", default: defaults.timeout}),
  'host-timeout': Flags.string({summary: 'Bound on one call to one host (a hung host costs this much).', default: defaults.hostTimeout}),
})
