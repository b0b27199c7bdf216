import {UsageError} from '../core/errors.js'
import {hostByPod} from './hosts.js'
import type {ActiveFault, LabHost, LabState} from './state.js'

/**
 * A fault the lab can inject for real and undo. Each one reproduces a scenario of
 * docs/FAILURE_CATALOGUE.md with the real processes, never by faking a check's input.
 * The registry of faults is src/lab/faults.ts; this type stands apart so the fault tables need not import it.
 */
export interface Fault {
  id: string
  summary: string
  /** What --target names, when the fault takes one. */
  target?: {description: string; default(state: LabState): string}
  inject(state: LabState, target: string | undefined): Promise<Record<string, unknown>>
  heal(state: LabState, fault: ActiveFault): Promise<void>
}

/**
 * The lab's one way to read a host a user names: its pod name, its host name (the pod's without
 * "-0") or SHARD-REPLICA; without a name, the fallback (by default the last host).
 */
export function labHost(state: LabState, target: string | undefined, fallback: LabHost = state.clickhouse[state.clickhouse.length - 1]!): LabHost {
  if (!target) return fallback
  const host = hostByPod(state, target) ?? state.clickhouse.find((h) => `${h.shard}-${h.replica}` === target || h.pod.replace(/-0$/, '') === target)
  if (!host) throw new UsageError(`no ClickHouse host "${target}" in this lab`, `hosts: ${state.clickhouse.map((h) => h.pod).join(', ')}`)
  return host
}
