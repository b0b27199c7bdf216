import type {ClickHouseFleet} from '../gateways/clickhouse-fleet.js'
import type {KubeGateway} from '../gateways/kube.js'
import type {SignozDeployment} from '../signoz/deployment.js'
import type {Thresholds} from './thresholds.js'

export type Severity = 'critical' | 'warning' | 'info'
export type Status = 'pass' | 'fail' | 'skip' | 'error'
/**
 * What a check needs to run; the runner skips it with one shared reason when a part is missing.
 * clickhouse: at least one host answered; hosts: the hosts to probe, answering or not.
 */
export type Requirement = 'clickhouse' | 'hosts' | 'kube' | 'helm'

export type EvidenceValue = string | number | boolean | null | EvidenceValue[] | {[key: string]: EvidenceValue}
export type Evidence = Readonly<Record<string, EvidenceValue>>

/** One observation about one subject. Passing findings are kept so reports prove coverage. */
export interface Finding {
  subject: string
  ok: boolean
  message: string
  evidence?: Evidence
  /** Set when a config exemption turned this failing finding into a pass: its reason. */
  exemption?: string
}

/** What the operator expects the deployment to look like (from flags, the CHI or the chart values). */
export interface Expectations {
  cluster: string
  shards?: number
  replicasPerShard?: number
}

/** What checks that need Kubernetes get: the deployment read from one snapshot, and logs on demand. */
/** Which log: the container (required on a pod with several) and the run before the current one. */
export interface PodLogOptions {
  container?: string
  previous?: boolean
}

export interface KubeContext {
  deployment: SignozDeployment
  /** The last lines of a pod's log, of one container and run (one API request; only where a finding needs the reason). */
  podLog(namespace: string, pod: string, tailLines: number, options?: PodLogOptions): Promise<string>
  /** A ZooKeeper/Keeper four-letter word sent to a member pod through a port-forward; undefined when nothing answers. */
  fourLetterWord?(namespace: string, pod: string, port: number, word: 'mntr' | 'srvr' | 'ruok'): Promise<string | undefined>
}

/** A cluster opened for a run: its API, the context's name, and what checks read of it. */
export interface KubeTarget {
  gateway: KubeGateway
  contextName: string
  context: KubeContext
  /** Why nothing could be read from the API (it was unreachable or refused us). */
  unavailable?: string
}

export interface CheckContext {
  /** The moment the run looks at (ms since the epoch): now for a live run, the collection time for a bundle. */
  now: number
  clickhouse: ClickHouseFleet
  /** Present when the Kubernetes API was read (requires: kube / helm). */
  kube?: KubeContext
  expect: Expectations
  thresholds: Thresholds
  signal: AbortSignal
}

export interface Check {
  /** Equals the file path under checks/ without extension. */
  id: string
  /** The healthy condition, stated positively. */
  title: string
  severity: Severity
  requires: readonly Requirement[]
  /** Id of a procedure in runbooks/. */
  runbook: string
  /**
   * The failure-catalogue scenarios it detects (src/signoz/catalogue.ts, by number); none for a
   * posture check no scenario names. docs/FAILURE_CATALOGUE.md is generated from these.
   */
  scenarios: readonly number[]
  run(ctx: CheckContext): Promise<Finding[]>
}

export const defineCheck = (check: Check): Check => Object.freeze(check)

export const pass = (subject: string, message: string, evidence?: Evidence): Finding => ({subject, ok: true, message, evidence})
export const fail = (subject: string, message: string, evidence?: Evidence): Finding => ({subject, ok: false, message, evidence})

export const SEVERITY_RANK: Record<Severity, number> = {critical: 3, warning: 2, info: 1}

/** Thrown by a check that has nothing it can look at (e.g. the server lacks the table); the runner marks it skipped. */
export class SkipCheck extends Error {}
