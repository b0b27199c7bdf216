import {Flags} from '@oclif/core'
import {BaseCommand, outputFlags} from '../src/cli/base.js'
import {boundFlags, clickhouseFlags, kubeFlags, thresholdFlags} from '../src/cli/kube-flags.js'

export default class Status extends BaseCommand {
  static override summary = 'The deployment right now on one screen: release, installation, every host, Keeper, ingestion, problems.'
  static override description = `Read-only, within doctor's budget: one LIST per kind, one port-forward session per host, every query at once. A host that does not answer shows its pod's state and "—" in the ClickHouse columns.

Exit codes: 0 shown (problems or not; doctor judges); 2 usage; 3 nothing could be read (no API, no host).`
  static override examples = [
    '<%= config.bin %> status',
    '<%= config.bin %> status --context prod -n platform -o json',
    '<%= config.bin %> status --watch 5s',
    '<%= config.bin %> status --from-bundle signoz-ha-bundle-platform-20261203T011500Z.tar.gz',
  ]

  static override flags = {
    ...outputFlags,
    output: Flags.string({
      char: 'o',
      summary: 'Output format: text, json, or html (one self-contained page).',
      options: ['text', 'json', 'html'],
      env: 'SIGNOZ_HA_OUTPUT',
    }),
    'output-file': Flags.string({summary: 'Write the status in the -o format to this file; the console gets the text.'}),
    ...kubeFlags,
    ...thresholdFlags,
    ...clickhouseFlags,
    ...boundFlags(),
    watch: Flags.string({summary: 'Redraw every DURATION (e.g. 5s): in place on a terminal, one report after another otherwise; Ctrl-C stops.'}),
    count: Flags.integer({summary: 'With --watch: stop after this many.', min: 1, dependsOn: ['watch']}),
    'from-bundle': Flags.string({summary: 'Show the status recorded in a bundle (signoz-ha bundle) instead of a cluster.'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Status)
    const json = this.format(flags) === 'json'
    const html = flags.output === 'html'
    const chalk = this.chalkFor(flags)
    const {statusCommand, watchStatus} = await import('../src/cli/status-command.js')
    const {renderStatus} = await import('../src/render/status.js')
    const {renderStatusHtml} = await import('../src/render/html.js')
    const render = (view: Parameters<typeof renderStatus>[0]) =>
      json ? JSON.stringify(view, null, 2) : html ? renderStatusHtml(view) : renderStatus(view, chalk)
    if (flags.watch) {
      const code = await watchStatus(flags, this.config.version, render, process.stdout.isTTY === true && !json)
      if (code !== 0) this.exit(code)
      return
    }
    const {view, exitCode} = await statusCommand(flags, this.config.version)
    if (flags['output-file']) {
      const {writeReportFile} = await import('../src/cli/output-file.js')
      writeReportFile(flags['output-file'], render(view))
      this.print(renderStatus(view, chalk))
    } else this.print(render(view))
    if (exitCode !== 0) this.exit(exitCode)
  }
}
