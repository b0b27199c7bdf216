import {parseDuration} from './duration.js'
import {DEFAULT_THRESHOLDS, type Thresholds} from './thresholds.js'
import type {Severity} from './check.js'

/** The config file (`.signoz-ha.yaml`, or the XDG path): what a team decides once for its cluster. */
export interface ConfigFile {
  thresholds?: {
    replicaDelay?: string
    replicationQueueSize?: number
    replicationQueueTries?: number
    replicationQueueStuck?: string
    freshnessWindow?: string
    migrationStuck?: string
    podPending?: string
    podRestarts?: number
    mutationStuck?: string
    partsPerPartition?: number
    diskFreePercent?: number
    ddlTaskStuck?: string
    distributionQueueFiles?: number
    terminatingStuck?: string
  }
  /** Check id (or area prefix) → the severity this team gives it. */
  severity?: Record<string, Severity>
  /** Check ids or prefixes never run. */
  disable?: string[]
  /** Known, accepted findings: a failing finding of `check` whose subject matches the glob passes, with the reason. */
  exempt?: {check: string; subject?: string; reason: string; until?: string}[]
  failOn?: Severity | 'none'
}

const duration = {type: 'string', pattern: '^(\\d+(\\.\\d+)?(ms|s|m|h))+$|^\\d+(\\.\\d+)?$'}
const severity = {enum: ['critical', 'warning', 'info']}

/** JSON Schema of the config file (draft 2020-12); unknown keys are errors, so typos are caught. */
export const CONFIG_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://signoz-ha.dev/schemas/config.json',
  title: 'signoz-ha configuration',
  type: 'object',
  additionalProperties: false,
  properties: {
    thresholds: {
      type: 'object',
      additionalProperties: false,
      properties: {
        replicaDelay: duration,
        replicationQueueSize: {type: 'integer', minimum: 1},
        replicationQueueTries: {type: 'integer', minimum: 1},
        replicationQueueStuck: duration,
        freshnessWindow: duration,
        migrationStuck: duration,
        podPending: duration,
        podRestarts: {type: 'integer', minimum: 1},
        mutationStuck: duration,
        partsPerPartition: {type: 'integer', minimum: 1},
        diskFreePercent: {type: 'number', minimum: 0, maximum: 100},
        ddlTaskStuck: duration,
        distributionQueueFiles: {type: 'integer', minimum: 1},
        terminatingStuck: duration,
      },
    },
    severity: {type: 'object', additionalProperties: severity, propertyNames: {pattern: '^[a-z]+(/[a-z0-9-]+)?$'}},
    disable: {type: 'array', items: {type: 'string', pattern: '^[a-z]+(/[a-z0-9-]+)?$'}, uniqueItems: true},
    exempt: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['check', 'reason'],
        properties: {
          check: {type: 'string', pattern: '^[a-z]+/[a-z0-9-]+$'},
          subject: {type: 'string', minLength: 1},
          reason: {type: 'string', minLength: 3},
          until: {type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$'},
        },
      },
    },
    failOn: {enum: ['critical', 'warning', 'info', 'none']},
  },
} as const

const seconds = (text: string | undefined, what: string) => (text === undefined ? undefined : Math.round(parseDuration(text, what) / 1000))

/** Thresholds: the flag (or its env var) first, then the file, then the default. */
export function resolveThresholds(file: ConfigFile['thresholds'] = {}, flags: {freshnessWindow?: string; replicaDelay?: string} = {}): Thresholds {
  const pick = <T>(...values: (T | undefined)[]) => values.find((v) => v !== undefined)
  return {
    replicaDelaySeconds: pick(seconds(flags.replicaDelay, '--max-replica-delay'), seconds(file.replicaDelay, 'thresholds.replicaDelay'), DEFAULT_THRESHOLDS.replicaDelaySeconds)!,
    replicationQueueSize: file.replicationQueueSize ?? DEFAULT_THRESHOLDS.replicationQueueSize,
    replicationQueueTries: file.replicationQueueTries ?? DEFAULT_THRESHOLDS.replicationQueueTries,
    replicationQueueStuckSeconds: seconds(file.replicationQueueStuck, 'thresholds.replicationQueueStuck') ?? DEFAULT_THRESHOLDS.replicationQueueStuckSeconds,
    freshnessWindowSeconds: pick(seconds(flags.freshnessWindow, '--freshness-window'), seconds(file.freshnessWindow, 'thresholds.freshnessWindow'), DEFAULT_THRESHOLDS.freshnessWindowSeconds)!,
    migrationStuckSeconds: seconds(file.migrationStuck, 'thresholds.migrationStuck') ?? DEFAULT_THRESHOLDS.migrationStuckSeconds,
    podPendingSeconds: seconds(file.podPending, 'thresholds.podPending') ?? DEFAULT_THRESHOLDS.podPendingSeconds,
    podRestarts: file.podRestarts ?? DEFAULT_THRESHOLDS.podRestarts,
    mutationStuckSeconds: seconds(file.mutationStuck, 'thresholds.mutationStuck') ?? DEFAULT_THRESHOLDS.mutationStuckSeconds,
    partsPerPartition: file.partsPerPartition ?? DEFAULT_THRESHOLDS.partsPerPartition,
    diskFreePercent: file.diskFreePercent ?? DEFAULT_THRESHOLDS.diskFreePercent,
    ddlTaskStuckSeconds: seconds(file.ddlTaskStuck, 'thresholds.ddlTaskStuck') ?? DEFAULT_THRESHOLDS.ddlTaskStuckSeconds,
    distributionQueueFiles: file.distributionQueueFiles ?? DEFAULT_THRESHOLDS.distributionQueueFiles,
    terminatingStuckSeconds: seconds(file.terminatingStuck, 'thresholds.terminatingStuck') ?? DEFAULT_THRESHOLDS.terminatingStuckSeconds,
  }
}
