import {Flags} from '@oclif/core'
import {BaseCommand} from '../src/cli/base.js'
import {kubeFlags} from '../src/cli/kube-flags.js'
import Doctor from './doctor.js'

// doctor's flags that make sense on every run of a long-running exporter.
const {
  watch: _watch,
  count: _count,
  'output-file': _outputFile,
  output: _output,
  json: _json,
  verbose: _verbose,
  stats: _stats,
  'from-bundle': _fromBundle,
  ...doctorFlags
} = Doctor.flags

export default class Serve extends BaseCommand {
  static override summary =
    'Run doctor on an interval and serve its results to Prometheus (/metrics), with /healthz and /readyz; optionally push each run over OTLP.'
  static override description = `Never two runs at once: a run slower than the interval delays the next. Each run replaces every series (a subject that went away leaves none behind) and logs one JSON line on stdout. SIGTERM or SIGINT ends it after the run in progress.

Series: signoz_ha_check_status{check,severity,subject,runbook} (0 pass, 1 fail, 2 error), signoz_ha_run_duration_seconds, signoz_ha_failing_checks{severity}, signoz_ha_posture_score, signoz_ha_last_run_timestamp_seconds, signoz_ha_runs_total, signoz_ha_run_errors_total, and the process's own (signoz_ha_process_*).

Exit codes: 0 stopped by a signal; 2 usage (bad flag, the port taken).`
  static override examples = [
    '<%= config.bin %> serve',
    '<%= config.bin %> serve --listen :9464 --interval 1m --context prod -n platform',
    '<%= config.bin %> serve --in-cluster -n platform --export otlp --otlp-endpoint http://signoz-otel-collector:4318',
  ]

  static override flags = {
    ...doctorFlags,
    ...kubeFlags,
    listen: Flags.string({summary: 'Where to serve /metrics, /healthz and /readyz ([HOST]:PORT).', default: ':9464', env: 'SIGNOZ_HA_LISTEN'}),
    interval: Flags.string({summary: 'Start a doctor run this often (e.g. 1m, 30s).', default: '1m', env: 'SIGNOZ_HA_INTERVAL'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Serve)
    const {serveCommand} = await import('../src/cli/serve-command.js')
    const stop = new AbortController()
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => stop.abort())
    await serveCommand({...flags, verbose: false}, this.config.version, stop.signal)
    this.exit(0)
  }
}
