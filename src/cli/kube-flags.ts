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
