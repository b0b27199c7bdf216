import {BaseCommand} from '../../src/cli/base.js'
import {labDirFlag} from '../../src/cli/lab-flags.js'

export default class LabEnv extends BaseCommand {
  static override summary = 'Print shell exports that point doctor (and kubectl, helm) at the lab (eval "$(signoz-ha lab env)").'
  static override flags = {...labDirFlag}

  async run(): Promise<void> {
    const {flags} = await this.parse(LabEnv)
    const {readState, resolveLabDir, hostUrl, kubeconfigPath} = await import('../../src/lab/state.js')
    const state = readState(resolveLabDir(flags.dir))
    const {releaseChartPath} = await import('../../src/lab/release.js')
    const {labHelmBinary, labKubectlBinary} = await import('../../src/lab/helm-binary.js')
    const {dirname} = await import('node:path')
    const helm = labHelmBinary(3)
    const kubectl = labKubectlBinary(31)
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`
    // The lab is local and disposable; its own credentials are the one password this tool prints.
    this.print(
      [
        `export SIGNOZ_HA_CLICKHOUSE_URL=${q(state.clickhouse.map(hostUrl).join(','))}`,
        `export SIGNOZ_HA_CLICKHOUSE_USER=${q(state.user)}`,
        `export SIGNOZ_HA_CLICKHOUSE_PASSWORD=${q(state.password)}`,
        `export SIGNOZ_HA_CLUSTER=${q(state.cluster)}`,
        `export SIGNOZ_HA_SHARDS=${state.shards}`,
        `export SIGNOZ_HA_REPLICAS=${state.replicasPerShard}`,
        ...(state.kubeApi ? [`export KUBECONFIG=${q(kubeconfigPath(state.dir))}`] : []),
        // What fix and upgrade run Helm with against the lab: its Helm binary and its chart.
        ...(helm ? [`export SIGNOZ_HA_HELM=${q(helm)}`] : []),
        // A real kubectl first on PATH, so the quick reference's commands run against the lab as written.
        ...(kubectl ? [`export PATH=${q(dirname(kubectl))}:"$PATH"`] : []),
        `export SIGNOZ_HA_CHART=${q(releaseChartPath(state))}`,
        // doctor --export otlp sends to the lab's collectors, as to SigNoz's.
        ...(state.ingestion.otlpPort ? [`export OTEL_EXPORTER_OTLP_ENDPOINT=${q(`http://127.0.0.1:${state.ingestion.otlpPort}`)}`] : []),
      ].join('\n'),
    )
  }
}
