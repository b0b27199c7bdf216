import {SkipCheck, defineCheck, fail, pass, type Finding} from '../../src/core/check.js'

/**
 * Every PersistentVolumeClaim of the release is bound.
 * Why: an unbound claim (a missing StorageClass, no capacity in the zone) keeps its ClickHouse
 * or Keeper pod Pending: a host or member that never comes back.
 * Fails if: a claim is not Bound; the provisioner's event is the evidence.
 */
export default defineCheck({
  id: 'kube/pvc',
  title: 'Every volume claim is bound',
  severity: 'critical',
  requires: ['kube'],
  runbook: 'pvc-pending',
  async run({kube}) {
    const d = kube!.deployment
    if (d.snapshot.errors.persistentvolumeclaims) throw new SkipCheck(`cannot list PersistentVolumeClaims: ${d.snapshot.errors.persistentvolumeclaims.message}`)
    const claims = d.snapshot.items.persistentvolumeclaims ?? []
    const events = d.snapshot.items.events ?? []
    const findings: Finding[] = []
    for (const claim of claims) {
      const phase = (claim.status as {phase?: string} | undefined)?.phase ?? 'Pending'
      // A claim being deleted is kube/terminating's subject, bound or not.
      if (phase === 'Bound' || claim.metadata?.deletionTimestamp) continue
      const name = claim.metadata?.name ?? ''
      const event = events.filter((e) => (e.involvedObject as {name?: string; kind?: string} | undefined)?.name === name && e.type === 'Warning').pop()
      const storageClass = (claim.spec as {storageClassName?: string} | undefined)?.storageClassName ?? null
      findings.push(fail(name, `${phase}${event ? `: ${event.reason}: ${event.message}` : ''}`, {phase, storageClass, event: event ? `${event.reason}: ${event.message}` : null}))
    }
    if (findings.length === 0) findings.push(pass(d.namespace, `${claims.length} claims, all bound`, {claims: claims.length}))
    return findings
  },
})
