import type {Report} from '../core/report.js'
import type {HttpClickHouseFleet} from '../gateways/clickhouse-fleet.js'
import type {HelmTarget} from '../gateways/helm.js'
import type {KubeGateway} from '../gateways/kube.js'
import type {SignozDeployment} from '../signoz/deployment.js'

/** What every remediation action acts through. */
export interface FixContext {
  kube: KubeGateway
  helm: HelmTarget
  /** Where values files written for the release are kept (the user keeps them with their values). */
  valuesDir: string
  /** Bound on each wait (a rollout, a deletion, a replica catching up). */
  waitMs: number
  /**
   * The release's Lease while the run holds it; takenOverFrom when it was taken from a run that
   * is gone (killed, its machine closed): a release that run left pending is then this run's to recover.
   */
  lease?: {name: string; takenOverFrom?: string}
}

/** The ClickHouse hosts a remedy reaches: by target (the pod name), through port-forwards. */
export type RemedyFleet = Pick<HttpClickHouseFleet, 'hosts' | 'execute' | 'queryNow'>

/** What runbook remedies act through: the fix context, the deployment, doctor's checks and SQL on hosts. */
export interface RemedyContext extends FixContext {
  namespace: string
  release?: string
  /** The chart the release is upgraded with (default signoz/signoz at the deployed version). */
  chart: string
  chartVersion: string | null
  /** The SigNoz deployment read afresh (one snapshot). */
  deployment(): Promise<SignozDeployment>
  /** doctor's own checks, by id, run now: the same code diagnoses and verifies. */
  doctor(only: readonly string[], overrides?: {freshnessWindow?: string}): Promise<Report>
  /** The hosts of the serving installation, opened once per run (closed by the command). */
  clickhouse(): Promise<RemedyFleet>
  /** Rows in the SigNoz databases over an installation's ready hosts (undefined: none could be read). */
  rowsIn(installation: string): Promise<number | undefined>
}

/** Host name (the replica macro, as findings name hosts) → pod, from the fleet's probe or the naming rule. */
export const podOfHost = (fleet: RemedyFleet, host: string): string => fleet.hosts.find((h) => h.name === host)?.target ?? `${host}-0`

/** Polls test until it holds or ms pass; true when it held. */
export async function waitUntil(ms: number, test: () => Promise<boolean>, intervalMs = 500): Promise<boolean> {
  const deadline = Date.now() + ms
  for (;;) {
    if (await test().catch(() => false)) return true
    if (Date.now() > deadline) return false
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}

/** A failing finding's subject "<host>/<database>.<table>", split (table absent for host-level findings). */
export function subjectParts(subject: string): {host: string; table?: string} {
  const slash = subject.indexOf('/')
  return slash < 0 ? {host: subject} : {host: subject.slice(0, slash), table: subject.slice(slash + 1)}
}

/** The failing findings of one check in a report. */
export const failingFindings = (report: Report, checkId: string) =>
  (report.results.find((r) => r.id === checkId)?.findings ?? []).filter((f) => !f.ok && !f.exemption)

/** True when the check ran and passed (on the subjects given, when given, and said something about them). */
export async function checkPasses(ctx: RemedyContext, checkId: string, subjects?: (subject: string) => boolean): Promise<boolean> {
  const result = (await ctx.doctor([checkId])).results.find((r) => r.id === checkId)
  // A check that could not run or was skipped proves nothing: a step it settles is not done.
  if (!result || result.status === 'error' || result.status === 'skip') return false
  if (!subjects) return result.status === 'pass'
  // A subject the check said nothing about (a host it did not reach) is not proven either.
  const about = result.findings.filter((f) => subjects(f.subject))
  return about.length > 0 && about.every((f) => f.ok || f.exemption)
}
