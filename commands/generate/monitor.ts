import {Flags} from '@oclif/core'
import {BaseCommand} from '../../src/cli/base.js'

export default class GenerateMonitor extends BaseCommand {
  static override summary =
    'Write doctor as an in-cluster monitor with least privilege (CronJob exporting over OTLP, or a Deployment serving /metrics), and its alerts and dashboard.'
  static override description = `Without --out the Kubernetes manifests go to stdout, for kubectl apply -f -: a ServiceAccount, a Role with exactly the reads doctor makes in the release's namespace (list per kind, get of Secrets and pods/log, create of pods/portforward), a ClusterRole for nodes and the installation CRD only, their bindings, and a CronJob (concurrencyPolicy Forbid) or a Deployment and Service. The pod runs non-root with a read-only root filesystem and no privilege escalation.

With --out DIR it also writes prometheus-rules.yaml (promtool check rules passes on it), signoz-alerts.json (the same alerts as SigNoz PromQL rules) and signoz-dashboard.json.

Exit codes: 0 written; 2 a bad input or files already there (nothing written).`
  static override examples = [
    '<%= config.bin %> generate monitor -n platform | kubectl apply -f -',
    '<%= config.bin %> generate monitor -n platform --mode serve --out ./monitor',
    "<%= config.bin %> generate monitor -n platform --schedule '*/2 * * * *' --otlp-endpoint http://signoz-otel-collector.platform:4318",
  ]
  static override flags = {
    namespace: Flags.string({char: 'n', summary: "The SigNoz release's namespace (the monitor runs there).", default: 'platform', env: 'SIGNOZ_HA_NAMESPACE'}),
    release: Flags.string({summary: 'Helm release name.', default: 'signoz', env: 'SIGNOZ_HA_RELEASE'}),
    name: Flags.string({summary: 'Name of the monitor objects.', default: 'signoz-ha-monitor'}),
    mode: Flags.string({
      summary: 'cronjob: a run every --schedule, exported over OTLP; serve: a Deployment serving /metrics (and exporting when an endpoint is given).',
      options: ['cronjob', 'serve'],
      default: 'cronjob',
    }),
    schedule: Flags.string({summary: 'CronJob schedule.', default: '*/5 * * * *'}),
    interval: Flags.string({summary: 'serve: a run this often.', default: '1m'}),
    image: Flags.string({summary: 'The signoz-ha image (default: ghcr.io/signoz-ha/signoz-ha:VERSION, built by the Dockerfile).'}),
    'otlp-endpoint': Flags.string({summary: "OTLP/HTTP base URL the runs go to (default: the release's collector Service, port 4318); none for no export."}),
    out: Flags.string({char: 'd', summary: 'Write monitor.yaml, prometheus-rules.yaml, signoz-alerts.json and signoz-dashboard.json into this directory.'}),
    force: Flags.boolean({summary: 'Replace files already in --out.'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(GenerateMonitor)
    const {generateMonitorCommand} = await import('../../src/cli/generate-monitor-command.js')
    const result = generateMonitorCommand(flags, this.config.version)
    if (result.files) this.print(`wrote ${result.files.paths.join(', ')} to ${result.files.dir}\napply: kubectl apply -f ${result.files.dir}/monitor.yaml`)
    else this.print(result.manifests)
  }
}
