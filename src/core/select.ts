import {UsageError} from './errors.js'
import type {Check} from './check.js'

const matches = (id: string, pattern: string) => id === pattern || id.startsWith(pattern.endsWith('/') ? pattern : `${pattern}/`)

/** --only and --skip by id or prefix ("clickhouse", "clickhouse/"); an unknown pattern is a usage error. */
export function selectChecks(all: readonly Check[], {only = [], skip = []}: {only?: readonly string[]; skip?: readonly string[]}): Check[] {
  for (const pattern of [...only, ...skip]) {
    if (!all.some((c) => matches(c.id, pattern))) {
      throw new UsageError(`no check matches "${pattern}"`, 'list them with: signoz-ha checks list')
    }
  }
  return all.filter((c) => (only.length === 0 || only.some((p) => matches(c.id, p))) && !skip.some((p) => matches(c.id, p)))
}
