import type {Report} from './report.js'
import type {CheckResult} from './runner.js'

/**
 * The posture score: 0–100 for how well the deployment survives the loss of a host, a node, a zone
 * or a Keeper member, and how it stands now. Each component is read from one check's result (or
 * one HA rule of helm/values-ha); a component whose check did not run is left out and the score
 * is over the weights that were measured.
 */
export interface PostureComponent {
  id: string
  weight: number
  /** What it is read from: a check id, or a check id and the HA rule of its findings. */
  from: string
  description: string
}

export const POSTURE_COMPONENTS: readonly PostureComponent[] = [
  {id: 'replicas-per-shard', weight: 20, from: 'helm/values-ha rule replicas', description: 'at least 2 replicas per shard'},
  {id: 'replica-spread', weight: 10, from: 'kube/replica-spread', description: 'replicas of a shard, and Keeper members, on different nodes and zones'},
  {id: 'anti-affinity', weight: 5, from: 'helm/values-ha rule anti-affinity', description: 'anti-affinity keeps them apart on every reschedule'},
  {id: 'keeper-quorum', weight: 15, from: 'keeper/quorum', description: 'at least 3 Keeper members, all ready'},
  {id: 'keeper-pdb', weight: 5, from: 'helm/values-ha rule keeper-pdb', description: 'a disruption budget keeps the Keeper quorum through drains'},
  {id: 'pinned-name', weight: 10, from: 'helm/values-ha rule pinned-name', description: 'the ClickHouse name is pinned (no second installation on a rename)'},
  {id: 'migrator-replication', weight: 10, from: 'helm/values-ha rule migrator-replication', description: 'the schema migrator creates replicated tables'},
  {id: 'disk', weight: 10, from: 'clickhouse/disk-free', description: 'every disk has free space above the threshold'},
  {id: 'last-run', weight: 15, from: 'every check', description: 'the run found nothing critical (half the weight when only warnings)'},
]

export interface PostureScore {
  /** 0–100, or null when no component could be measured. */
  score: number | null
  components: {id: string; weight: number; earned: number | null}[]
}

/** The value of a component from the run: 1, 0, or null when its check did not run. */
function measure(component: PostureComponent, byId: Map<string, CheckResult>, results: readonly CheckResult[]): number | null {
  if (component.id === 'last-run') {
    const ran = results.filter((r) => r.status === 'pass' || r.status === 'fail')
    if (ran.length === 0) return null
    if (ran.some((r) => r.status === 'fail' && r.severity === 'critical')) return 0
    return ran.some((r) => r.status === 'fail') ? 0.5 : 1
  }
  const [checkId, , rule] = component.from.split(' ')
  const result = byId.get(checkId!)
  if (!result || (result.status !== 'pass' && result.status !== 'fail')) return null
  if (!rule) return result.status === 'pass' ? 1 : 0
  const findings = result.findings.filter((f) => f.evidence?.rule === rule)
  if (findings.length === 0) return null
  return findings.every((f) => f.ok) ? 1 : 0
}

export function postureScore(report: Pick<Report, 'results'>): PostureScore {
  const byId = new Map(report.results.map((r) => [r.id, r]))
  const components = POSTURE_COMPONENTS.map((c) => {
    const value = measure(c, byId, report.results)
    return {id: c.id, weight: c.weight, earned: value === null ? null : value * c.weight}
  })
  const measured = components.filter((c) => c.earned !== null)
  const possible = measured.reduce((n, c) => n + c.weight, 0)
  return {score: possible === 0 ? null : Math.round((100 * measured.reduce((n, c) => n + c.earned!, 0)) / possible), components}
}
