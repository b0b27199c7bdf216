import {Flags} from '@oclif/core'
import {BaseCommand, outputFlags} from '../../src/cli/base.js'
import {UsageError} from '../../src/core/errors.js'

export default class StoragePlanCommand extends BaseCommand {
  static override summary = 'Size ClickHouse disks from ingest, retention and compression: disk per replica with merge headroom, and days until a disk is full.'
  static override description = `Each replica keeps its shard's share of every signal for that signal's retention; merges, mutations and TTL rewrites need free room on top (--headroom). Without measurements, compression 8× and a 40/40/20 traces/logs/metrics split are the defaults; signoz-ha storage report measures both on a running cluster.

Exit codes: 0 the plan (and --disk holds it); 1 --disk fills before retention is reached; 2 bad input.`
  static override examples = [
    '<%= config.bin %> storage plan --ingest-gb-per-day 200 --shards 2 --replicas 2',
    '<%= config.bin %> storage plan --ingest-gb-per-day 500 --retention logs=30d,traces=7d,metrics=90d --compression 12 --disk 1Ti',
  ]
  static override flags = {
    ...outputFlags,
    'ingest-gb-per-day': Flags.string({summary: 'Uncompressed telemetry per day over the cluster, GB.', required: true}),
    retention: Flags.string({summary: 'Days kept per signal, e.g. traces=15d,logs=15d,metrics=30d (the SigNoz defaults).'}),
    share: Flags.string({summary: 'Share of the ingest per signal, e.g. traces=0.5,logs=0.4,metrics=0.1 (default 0.4/0.4/0.2).'}),
    compression: Flags.string({summary: 'Uncompressed ÷ on-disk size (default 8; storage report measures yours).'}),
    shards: Flags.integer({summary: 'ClickHouse shards.', default: 2}),
    replicas: Flags.integer({summary: 'Replicas per shard.', default: 2}),
    headroom: Flags.integer({summary: 'Percent of each disk kept free for merges (default 25).'}),
    disk: Flags.string({summary: 'A disk size per replica (e.g. 500Gi) to measure: days until full.'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(StoragePlanCommand)
    const {parseRetention} = await import('../../src/generate/inputs.js')
    const {planStorage, quantityToGb, STORAGE_DEFAULTS, SIGNALS} = await import('../../src/signoz/storage-plan.js')
    const {renderStoragePlan} = await import('../../src/render/storage.js')
    const number = (flag: string, value: string | undefined, min: number) => {
      if (value === undefined) return undefined
      const n = Number(value)
      if (!(n >= min)) throw new UsageError(`--${flag} must be a number of at least ${min} ("${value}")`)
      return n
    }
    const share = {...STORAGE_DEFAULTS.share}
    for (const part of (flags.share ?? '').split(',').filter(Boolean)) {
      const [signal, value] = part.split('=')
      if (!SIGNALS.includes(signal as never) || !(Number(value) >= 0))
        throw new UsageError(`invalid --share "${part}"`, 'use e.g. traces=0.5,logs=0.4,metrics=0.1')
      share[signal as 'traces'] = Number(value)
    }
    const total = SIGNALS.reduce((sum, s) => sum + share[s], 0)
    if (Math.abs(total - 1) > 0.01) throw new UsageError(`--share adds up to ${total}, not 1`)
    const disk = flags.disk === undefined ? undefined : quantityToGb(flags.disk)
    if (flags.disk !== undefined && disk === undefined) throw new UsageError(`--disk "${flags.disk}" is not a quantity`, 'use e.g. 500Gi or 1Ti')
    if (flags.shards < 1 || flags.replicas < 1) throw new UsageError('--shards and --replicas must be at least 1')
    const plan = planStorage({
      ingestGbPerDay: number('ingest-gb-per-day', flags['ingest-gb-per-day'], 0.001)!,
      share,
      retentionDays: parseRetention(flags.retention),
      compressionRatio: number('compression', flags.compression, 1) ?? STORAGE_DEFAULTS.compressionRatio,
      shards: flags.shards,
      replicasPerShard: flags.replicas,
      headroomPercent: number('headroom', flags.headroom === undefined ? undefined : String(flags.headroom), 0) ?? STORAGE_DEFAULTS.headroomPercent,
      diskGbPerReplica: disk,
    })
    this.print(this.format(flags) === 'json' ? JSON.stringify({schemaVersion: 1, ...plan}, null, 2) : renderStoragePlan(plan, this.chalkFor(flags)))
    if (plan.daysUntilFull !== undefined && plan.daysUntilFull !== null) this.exit(1)
  }
}
