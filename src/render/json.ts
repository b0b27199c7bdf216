import type {Report} from '../core/report.js'

/** The stable machine document (CONTRACT.md, schemaVersion 1). Arrays are always present. */
export function renderJson(report: Report): string {
  return JSON.stringify(report, (key, value: unknown) => (key === 'evidence' && value === undefined ? {} : value), 2)
}
