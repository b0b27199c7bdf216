import {parseDuration} from '../core/duration.js'
import {UsageError} from '../core/errors.js'
import {clickhouseFullname} from '../signoz/naming.js'
import {SIGNALS, STORAGE_DEFAULTS, gbToQuantity, planStorage, quantityToGb, type Signal, type StoragePlan} from '../signoz/storage-plan.js'

export const CLOUDS = ['aws', 'gcp', 'azure', 'generic'] as const
export type Cloud = (typeof CLOUDS)[number]
export const INGRESS_KINDS = ['alb', 'gce', 'nginx', 'none'] as const
export type IngressKind = (typeof INGRESS_KINDS)[number]

/** What each cloud gets unless told otherwise: its SSD storage class and its load balancer. */
export const CLOUD_DEFAULTS: Record<Cloud, {storageClass: string | null; ingress: IngressKind; note: string}> = {
  aws: {storageClass: 'gp3', ingress: 'alb', note: 'EKS: gp3 volumes (EBS CSI driver), the AWS Load Balancer Controller for the ALB'},
  gcp: {storageClass: 'premium-rwo', ingress: 'gce', note: 'GKE: premium-rwo (pd-ssd, CSI), the GCE ingress controller'},
  azure: {storageClass: 'managed-csi-premium', ingress: 'nginx', note: 'AKS: managed-csi-premium (Premium SSD), ingress-nginx'},
  generic: {storageClass: null, ingress: 'nginx', note: "any cluster: the cluster's default storage class, ingress-nginx"},
}

/** Sizing and versions the generator uses when not told otherwise (rendered into the deployment guide). */
export const GENERATE_DEFAULTS = {
  shards: 2,
  replicas: 2,
  keeper: 3,
  /** Per replica when no ingest figure is given to size it. */
  storage: '200Gi',
  clickhouseImageTag: '25.12.5',
  clickhouseCpu: '2',
  clickhouseMemory: '8Gi',
  collectorReplicas: 2,
  migratorTimeout: '15m',
  hostmetricsImage: 'otel/opentelemetry-collector-contrib:0.116.0',
} as const

export interface GenerateInputs {
  release: string
  namespace: string
  cluster: string
  shards: number
  replicas: number
  keeper: number
  /** Per replica, as a Kubernetes quantity. */
  storage: string
  /** How the storage size was reached: given, sized from ingest, or the default. */
  storageSource: 'given' | 'planned' | 'default'
  storageClass: string | null
  zones: string[]
  cloud: Cloud
  ingress: IngressKind
  host: string | null
  retentionDays: Record<Signal, number>
  clickhouseImageTag: string
  /** The storage plan, when an ingest figure was given. */
  plan?: StoragePlan
}

export interface RawInputs {
  release: string
  namespace: string
  cluster: string
  shards: number
  replicas: number
  keeper: number
  storage?: string
  storageClass?: string
  zones?: string
  cloud: string
  ingress?: string
  host?: string
  retention?: string
  ingestGbPerDay?: number
  compression?: number
  clickhouseImageTag?: string
}

/** "traces=15d,logs=15d,metrics=30d" (any subset; days or durations such as 720h) → days per signal. */
export function parseRetention(text: string | undefined): Record<Signal, number> {
  const days = {...STORAGE_DEFAULTS.retentionDays}
  for (const part of (text ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [signal, value] = part.split('=').map((s) => s.trim())
    if (!SIGNALS.includes(signal as Signal) || !value)
      throw new UsageError(`invalid retention "${part}"`, 'use e.g. --retention traces=15d,logs=30d,metrics=90d')
    const n = /^\d+$/.test(value) ? Number(value) : parseDuration(value, '--retention') / 86_400_000
    if (!(n >= 1)) throw new UsageError(`retention for ${signal} must be at least one day ("${value}")`)
    days[signal as Signal] = Math.round(n)
  }
  return days
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/

/** Checks and completes the flags: every problem is a one-line usage error, before anything is written. */
export function resolveInputs(raw: RawInputs): GenerateInputs {
  for (const [flag, value] of [
    ['--release', raw.release],
    ['--namespace', raw.namespace],
  ] as const) {
    if (!DNS_LABEL.test(value) || value.length > 53)
      throw new UsageError(`${flag} "${value}" is not a valid Kubernetes name (lower-case letters, digits and "-", at most 53)`)
  }
  if (!/^[A-Za-z0-9_-]+$/.test(raw.cluster)) throw new UsageError(`--cluster "${raw.cluster}" is not a valid ClickHouse cluster name`)
  if (!Number.isInteger(raw.shards) || raw.shards < 1 || raw.shards > 64) throw new UsageError('--shards must be 1 to 64')
  if (!Number.isInteger(raw.replicas) || raw.replicas < 1 || raw.replicas > 8) throw new UsageError('--replicas must be 1 to 8 per shard')
  if (!Number.isInteger(raw.keeper) || raw.keeper < 1 || raw.keeper % 2 === 0)
    throw new UsageError(`--keeper ${raw.keeper}: use an odd number of members (3 or 5); an even one adds no fault tolerance`)
  if (!CLOUDS.includes(raw.cloud as Cloud)) throw new UsageError(`unknown cloud "${raw.cloud}"`, `clouds: ${CLOUDS.join(', ')}`)
  const cloud = raw.cloud as Cloud
  const ingress = (raw.ingress ?? CLOUD_DEFAULTS[cloud].ingress) as IngressKind
  if (!INGRESS_KINDS.includes(ingress)) throw new UsageError(`unknown ingress "${raw.ingress}"`, `ingress kinds: ${INGRESS_KINDS.join(', ')}`)
  const host = raw.host?.trim() || null
  if (ingress !== 'none' && !host) throw new UsageError(`an ${ingress} ingress needs --host (the name SigNoz is served on)`, 'or --ingress none')
  if (host && !/^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(host)) throw new UsageError(`--host "${host}" is not a DNS name`)
  const zones = (raw.zones ?? '')
    .split(',')
    .map((z) => z.trim())
    .filter(Boolean)
  if (zones.length > 0 && zones.length < Math.min(raw.replicas, 3))
    throw new UsageError(
      `${zones.length} zone(s) for ${raw.replicas} replicas per shard: give at least ${Math.min(raw.replicas, 3)} so replicas of a shard live in different zones`,
    )
  const retentionDays = parseRetention(raw.retention)
  if (raw.storage !== undefined && quantityToGb(raw.storage) === undefined)
    throw new UsageError(`--storage "${raw.storage}" is not a quantity`, 'use e.g. 500Gi or 1Ti')
  if (raw.ingestGbPerDay !== undefined && !(raw.ingestGbPerDay > 0)) throw new UsageError('--ingest-gb-per-day must be more than 0')
  if (raw.compression !== undefined && !(raw.compression >= 1)) throw new UsageError('--compression must be at least 1 (uncompressed ÷ on disk)')
  const plan =
    raw.ingestGbPerDay === undefined
      ? undefined
      : planStorage({
          ingestGbPerDay: raw.ingestGbPerDay,
          share: {...STORAGE_DEFAULTS.share},
          retentionDays,
          compressionRatio: raw.compression ?? STORAGE_DEFAULTS.compressionRatio,
          shards: raw.shards,
          replicasPerShard: raw.replicas,
          headroomPercent: STORAGE_DEFAULTS.headroomPercent,
          diskGbPerReplica: raw.storage === undefined ? undefined : quantityToGb(raw.storage),
        })
  const storage = raw.storage ?? (plan ? gbToQuantity(plan.replicaDiskGb) : GENERATE_DEFAULTS.storage)
  return {
    release: raw.release,
    namespace: raw.namespace,
    cluster: raw.cluster,
    shards: raw.shards,
    replicas: raw.replicas,
    keeper: raw.keeper,
    storage,
    storageSource: raw.storage !== undefined ? 'given' : plan ? 'planned' : 'default',
    storageClass: raw.storageClass ?? CLOUD_DEFAULTS[cloud].storageClass,
    zones,
    cloud,
    ingress,
    host,
    retentionDays,
    clickhouseImageTag: raw.clickhouseImageTag ?? GENERATE_DEFAULTS.clickhouseImageTag,
    plan,
  }
}

/** The names the chart and the operator give this release's objects. */
export function namesOf(i: Pick<GenerateInputs, 'release' | 'namespace'>) {
  const chi = clickhouseFullname(i.release)
  const signoz = i.release.includes('signoz') ? i.release : `${i.release}-signoz`
  return {
    chi,
    service: chi,
    signoz,
    collector: `${signoz}-otel-collector`,
    zookeeper: `${i.release}-zookeeper`,
    passwordSecret: `${i.release}-clickhouse-password`,
  }
}
