import {parseDuration} from './duration.js'
import {THRESHOLD_KEYS, THRESHOLD_SPECS, type ThresholdKey, type Thresholds, type ThresholdsConfig} from './thresholds.js'
import type {Severity} from './check.js'

/** The config file (`.signoz-ha.yaml`, or the XDG path): what a team decides once for its cluster. */
export interface ConfigFile {
  thresholds?: ThresholdsConfig
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
const THRESHOLD_SCHEMA = {duration, count: {type: 'integer', minimum: 1}, percent: {type: 'number', minimum: 0, maximum: 100}} as const

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
      properties: Object.fromEntries(THRESHOLD_KEYS.map((k) => [THRESHOLD_SPECS[k].config, THRESHOLD_SCHEMA[THRESHOLD_SPECS[k].unit]])),
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

/** A threshold's value as the file or a flag gives it, in the unit Thresholds holds. */
const valueOf = (key: ThresholdKey, given: string | number | undefined, what: string): number | undefined =>
  THRESHOLD_SPECS[key].unit === 'duration' ? seconds(given === undefined ? undefined : String(given), what) : (given as number | undefined)

/** Thresholds: the flag (or its env var) first, then the file, then the default. Flags are keyed by the threshold they set. */
export function resolveThresholds(file: ThresholdsConfig = {}, flags: Partial<Record<ThresholdKey, string>> = {}): Thresholds {
  const given = file as Record<string, string | number | undefined>
  return Object.fromEntries(
    THRESHOLD_KEYS.map((key) => {
      const spec: {config: string; flag?: {name: string}; default: number} = THRESHOLD_SPECS[key]
      const value =
        valueOf(key, flags[key], spec.flag ? `--${spec.flag.name}` : spec.config) ??
        valueOf(key, given[spec.config], `thresholds.${spec.config}`) ??
        spec.default
      return [key, value]
    }),
  ) as Thresholds
}

/** The threshold overrides among a command's parsed flags, by each threshold's declared flag. */
export function thresholdOverrides(flags: object): Partial<Record<ThresholdKey, string>> {
  const given = flags as Record<string, unknown>
  const out: Partial<Record<ThresholdKey, string>> = {}
  for (const key of THRESHOLD_KEYS) {
    const flag = (THRESHOLD_SPECS[key] as {flag?: {name: string}}).flag
    const value = flag ? given[flag.name] : undefined
    if (typeof value === 'string') out[key] = value
  }
  return out
}
