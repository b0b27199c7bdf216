import {SkipCheck, defineCheck, fail, pass, type Finding} from '../../src/core/check.js'
import {eventsFor} from '../../src/signoz/deployment.js'
import {bytesOf} from '../../src/core/quantity.js'
import type {KubeItem} from '../../src/gateways/kube.js'

type ClaimSpec = {storageClassName?: string; resources?: {requests?: {storage?: string}}}
type ClaimStatus = {phase?: string; capacity?: {storage?: string}; conditions?: {type: string; message?: string; lastTransitionTime?: string}[]}

/** The data claim size an installation's template asks for. */
function templateSize(chi: KubeItem): string | undefined {
  const templates = (chi.spec as {templates?: {volumeClaimTemplates?: {spec?: ClaimSpec}[]}} | undefined)?.templates?.volumeClaimTemplates ?? []
  return templates[0]?.spec?.resources?.requests?.storage
}

/**
 * Every PersistentVolumeClaim of the release is bound, at the size it asks for and its
 * installation's template says.
 * Why: an unbound claim (a missing StorageClass, no capacity in the zone) keeps its ClickHouse
 * or Keeper pod Pending; a resize left halfway leaves the disk at its old size, and a claim out
 * of step with the CHI template is what the operator may recreate on its next reconcile
 * (catalogue #30).
 * Fails if: a claim is not Bound; the provisioner's event is the evidence. A bound claim's
 * capacity is below its request (the resize condition is the evidence), or a ClickHouse claim's
 * request differs from its installation's volume claim template.
 */
export default defineCheck({
  id: 'kube/pvc',
  title: 'Every volume claim is bound',
  severity: 'critical',
  requires: ['kube'],
  runbook: 'pvc-pending',
  scenarios: [5, 11, 30],
  async run({kube}) {
    const d = kube!.deployment
    if (d.snapshot.errors.persistentvolumeclaims) throw new SkipCheck(`cannot list PersistentVolumeClaims: ${d.snapshot.errors.persistentvolumeclaims.message}`)
    const claims = d.snapshot.items.persistentvolumeclaims ?? []
    const events = d.snapshot.items.events ?? []
    const findings: Finding[] = []
    const installations = new Map(d.installations.map((i) => [i.name, i]))
    for (const claim of claims) {
      const status = (claim.status ?? {}) as ClaimStatus
      const phase = status.phase ?? 'Pending'
      // A claim being deleted is kube/terminating's subject, bound or not.
      if (claim.metadata?.deletionTimestamp) continue
      if (phase === 'Bound') {
        findings.push(...sizeFindings(claim, status, installations.get(claim.metadata?.labels?.['clickhouse.altinity.com/chi'] ?? '')?.item))
        continue
      }
      const name = claim.metadata?.name ?? ''
      const event = eventsFor(events, name)
        .filter((e) => e.type === 'Warning')
        .pop()
      const storageClass = (claim.spec as {storageClassName?: string} | undefined)?.storageClassName ?? null
      findings.push(
        fail(name, `${phase}${event ? `: ${event.reason}: ${event.message}` : ''}`, {
          phase,
          storageClass,
          event: event ? `${event.reason}: ${event.message}` : null,
        }),
      )
    }
    if (findings.length === 0) findings.push(pass(d.namespace, `${claims.length} claims, all bound at their requested size`, {claims: claims.length}))
    return findings
  },
})

function sizeFindings(claim: KubeItem, status: ClaimStatus, chi: KubeItem | undefined): Finding[] {
  const name = claim.metadata?.name ?? ''
  const requested = (claim.spec as ClaimSpec | undefined)?.resources?.requests?.storage
  const capacity = status.capacity?.storage
  const findings: Finding[] = []
  if (requested && capacity && bytesOf(capacity) < bytesOf(requested)) {
    const condition = status.conditions?.find((c) => c.type === 'FileSystemResizePending' || c.type === 'Resizing' || c.type.endsWith('ResizeError'))
    findings.push(
      fail(
        name,
        `resize to ${requested} not finished: the volume has ${capacity}${condition ? ` (${condition.type}: ${condition.message ?? ''})` : ''}`.trim(),
        {
          requested,
          capacity,
          condition: condition ? condition.type : null,
          since: condition?.lastTransitionTime ?? null,
        },
      ),
    )
  }
  const template = chi ? templateSize(chi) : undefined
  if (chi && template && requested && bytesOf(template) !== bytesOf(requested)) {
    findings.push(
      fail(name, `requests ${requested} but installation ${chi.metadata?.name}'s volume claim template says ${template}: sizes out of step`, {
        requested,
        template,
        hint: 'change the size in the values (clickhouse.persistence.size) so the installation, its StatefulSets and the claims agree',
      }),
    )
  }
  return findings
}
