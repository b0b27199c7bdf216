import {Flags} from '@oclif/core'
import {BaseCommand, outputFlags} from '../src/cli/base.js'
import {boundFlags, clickhouseFlags, kubeFlags, thresholdFlags} from '../src/cli/kube-flags.js'
import type {ReportFormat} from '../src/cli/doctor-command.js'

export default class Doctor extends BaseCommand {
  static override summary = 'Read-only health check of a SigNoz HA deployment, with evidence and a runbook per finding.'
  static override description = `Checks the Kubernetes objects, the Helm release and every ClickHouse host (reached through the cluster by port-forward, or by --clickhouse-url) and reports every finding with its evidence.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above --fail-on; 2 usage error; 3 the run could not complete (nothing reachable, a check errored).`
  static override examples = [
    'SIGNOZ_HA_CLICKHOUSE_PASSWORD=… <%= config.bin %> doctor --clickhouse-url http://ch-0-0:8123 --clickhouse-url http://ch-0-1:8123 --clickhouse-user admin',
    '<%= config.bin %> doctor --kubeconfig .signoz-ha-lab/kubeconfig',
    '<%= config.bin %> doctor --context prod -n platform --release signoz',
    'eval "$(<%= config.bin %> lab env)" && <%= config.bin %> doctor',
    '<%= config.bin %> doctor --only clickhouse --skip clickhouse/replication-lag -o json',
    '<%= config.bin %> doctor --from-bundle signoz-ha-bundle-platform-20261203T011500Z.tar.gz',
  ]

  static override flags = {
    ...outputFlags,
    output: Flags.string({
      char: 'o',
      summary:
        'Output format: text for a person, json (CONTRACT), junit or sarif for pipelines, markdown for an incident ticket, html (one self-contained page: mail it, attach it, open it offline), line (status, summary and failing checks on one JSON line, for a log).',
      options: ['text', 'json', 'junit', 'sarif', 'markdown', 'line', 'html'],
      env: 'SIGNOZ_HA_OUTPUT',
    }),
    'output-file': Flags.string({summary: 'Write the report in the -o format to this file; the console gets the text report.'}),
    ...kubeFlags,
    ...thresholdFlags,
    ...clickhouseFlags,
    cluster: Flags.string({summary: 'ClickHouse cluster name SigNoz uses (default: from the CHI, else "cluster").', env: 'SIGNOZ_HA_CLUSTER'}),
    shards: Flags.integer({summary: 'Expected number of shards (default: what system.clusters says).', env: 'SIGNOZ_HA_SHARDS', min: 1}),
    replicas: Flags.integer({summary: 'Expected replicas per shard (default: what system.clusters says).', env: 'SIGNOZ_HA_REPLICAS', min: 1}),
    only: Flags.string({summary: 'Run only these checks (id or prefix; repeatable, or comma-separated).', multiple: true, delimiter: ','}),
    skip: Flags.string({summary: 'Skip these checks (id or prefix; repeatable, or comma-separated).', multiple: true, delimiter: ','}),
    'fail-on': Flags.string({
      summary: 'Lowest severity that makes the exit code 1 (default: the config file, else warning).',
      options: ['critical', 'warning', 'info', 'none'],
      env: 'SIGNOZ_HA_FAIL_ON',
    }),
    ...boundFlags(),
    concurrency: Flags.integer({summary: 'Checks run at once (they wait on the network, not the CPU).', default: 64, min: 1}),
    verbose: Flags.boolean({char: 'v', summary: 'Also show passing findings.'}),
    watch: Flags.string({summary: 'Re-run every DURATION (e.g. 30s) and show what changed since the previous run; Ctrl-C stops.'}),
    count: Flags.integer({summary: 'With --watch: stop after this many runs.', min: 1, dependsOn: ['watch']}),
    stats: Flags.boolean({summary: 'Print the wall time, ClickHouse queries and Kubernetes API requests to stderr.'}),
    export: Flags.string({
      summary:
        'Also send the run over OTLP/HTTP (metrics per check and subject, a log record per failing finding); a failed export is one line on stderr, never another exit code.',
      options: ['otlp'],
      env: 'SIGNOZ_HA_EXPORT',
    }),
    'otlp-endpoint': Flags.string({summary: 'OTLP/HTTP base URL (default: OTEL_EXPORTER_OTLP_ENDPOINT, else http://localhost:4318).'}),
    'otlp-header': Flags.string({
      summary: 'Header KEY=VALUE for the OTLP requests, e.g. signoz-ingestion-key=… (repeatable; default: OTEL_EXPORTER_OTLP_HEADERS).',
      multiple: true,
    }),
    'otlp-protocol': Flags.string({
      summary: 'http/protobuf or http/json (default: OTEL_EXPORTER_OTLP_PROTOCOL, else http/protobuf).',
      options: ['http/protobuf', 'http/json'],
    }),
    'otlp-timeout': Flags.string({summary: 'Bound on each OTLP request (default: OTEL_EXPORTER_OTLP_TIMEOUT, else 5s).'}),
    'from-bundle': Flags.string({
      summary: 'Run the checks offline on a support bundle (signoz-ha bundle), as of when it was collected; no cluster is contacted.',
    }),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Doctor)
    const format = (flags.json ? 'json' : (flags.output ?? this.format(flags))) as ReportFormat
    const {doctorCommand, renderReport} = await import('../src/cli/doctor-command.js')
    const show = async (result: Awaited<ReturnType<typeof doctorCommand>>) => {
      if (flags['output-file']) {
        const {writeReportFile} = await import('../src/cli/output-file.js')
        writeReportFile(flags['output-file'], result.output)
        this.print(renderReport(result.report, 'text', {chalk: this.chalkFor(flags), verbose: flags.verbose}))
      } else {
        this.print(result.output)
      }
    }
    if (flags.watch) {
      const {watchDoctor} = await import('../src/cli/doctor-watch.js')
      const last = await watchDoctor(
        flags.watch,
        flags.count,
        () => doctorCommand(flags, {format, chalk: this.chalkFor(flags), version: this.config.version}),
        show,
      )
      if (last.exitCode !== 0) this.exit(last.exitCode)
      return
    }
    const result = await doctorCommand(flags, {format, chalk: this.chalkFor(flags), version: this.config.version})
    await show(result)
    if ('warning' in result && result.warning) process.stderr.write(`signoz-ha: ${result.warning}\n`)
    if (flags.stats) process.stderr.write(`${result.stats}\n`)
    // An export the SDK still retries would keep the process alive: doctor is done.
    if (result.exitCode !== 0 || ('exported' in result && result.exported?.pending)) this.exit(result.exitCode)
  }
}
