import {Flags} from '@oclif/core'
import {BaseCommand} from '../src/cli/base.js'
import {boundFlags, clickhouseFlags, kubeFlags} from '../src/cli/kube-flags.js'

export default class Bundle extends BaseCommand {
  static override summary =
    'Write a redacted support bundle of one release: objects, events, Helm release, logs, ClickHouse system tables, doctor and status of the same moment.'
  static override description = `Read-only. Collects what a person needs to see the deployment as it was: every object of the namespace (Secrets as names and keys only), events, the Helm release (history, values, manifest, hooks), logs of every container (current and, after a restart, previous), each ClickHouse host's system tables (clusters, macros, replicas, replication_queue, mutations, parts summary, disks, errors, DDL and distribution queues, Keeper znodes of the SigNoz tables, changed settings), and the doctor and status reports of that moment. A replay file lets doctor and status run again on the bundle, offline (--from-bundle).

Redacted by default: Secret data, values under keys that name a secret, credentials in URLs, <password> elements, IDENTIFIED BY, every value so hidden wherever else it appears, the ClickHouse password and the kubeconfig credentials of the run; --redact adds patterns. Partial access still yields a bundle: manifest.json lists each gap and why.

Exit codes: 0 written; 2 usage (bad flag, the file exists); 3 written, but nothing of the deployment could be read.`
  static override examples = [
    '<%= config.bin %> bundle',
    '<%= config.bin %> bundle --context prod -n platform -o incident-4711.tar.gz --since 6h',
    "<%= config.bin %> bundle --redact 'acme-[a-z0-9]+' --logs-tail 500",
  ]

  static override flags = {
    output: Flags.string({char: 'o', summary: 'Bundle file (default: ./signoz-ha-bundle-NAMESPACE-TIME.tar.gz); never overwritten.'}),
    json: Flags.boolean({summary: 'Print the manifest (what was collected, the gaps) as JSON.'}),
    'no-color': Flags.boolean({summary: 'No colour (also NO_COLOR).'}),
    ...kubeFlags,
    ...clickhouseFlags,
    cluster: Flags.string({summary: 'ClickHouse cluster name (default: from the CHI).', env: 'SIGNOZ_HA_CLUSTER'}),
    config: Flags.string({summary: "doctor's config file (thresholds, exemptions) for the bundle's doctor report.", env: 'SIGNOZ_HA_CONFIG'}),
    since: Flags.string({summary: 'Logs of this long (e.g. 2h, 30m).', default: '2h'}),
    'logs-tail': Flags.integer({summary: 'At most this many lines per container log.', default: 2000, min: 1}),
    'log-bytes': Flags.integer({summary: 'At most this many bytes per container log (its end).', default: 2 * 1024 * 1024, min: 1024}),
    'table-rows': Flags.integer({summary: 'At most this many rows per system table and host.', default: 1000, min: 1}),
    redact: Flags.string({summary: 'Also redact what matches this regular expression (repeatable).', multiple: true}),
    // A bundle reads whole system tables and logs: more per host and in all than a doctor run.
    ...boundFlags({timeout: '60s', hostTimeout: '10s'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Bundle)
    const {bundleCommand, renderBundleResult} = await import('../src/cli/bundle-command.js')
    const result = await bundleCommand(flags, this.config.version)
    if (flags.json) this.print(JSON.stringify({path: result.path, bytes: result.bytes, ...result.bundle.manifest}, null, 2))
    else this.print(renderBundleResult(result))
    if (result.exitCode !== 0) this.exit(result.exitCode)
  }
}
