import {SkipCheck, defineCheck, fail, pass, type Finding} from '../../src/core/check.js'
import {bytesOf, formatBytes} from '../../src/core/quantity.js'
import type {KubeItem} from '../../src/gateways/kube.js'
import {KEPT_CLAIM_ANNOTATION} from '../../src/signoz/duplicate.js'

const CHI_LABEL = 'clickhouse.altinity.com/chi'

const sizeOf = (claims: KubeItem[]) =>
  claims.reduce(
    (sum, c) =>
      sum +
      bytesOf(
        String(
          (c.status as {capacity?: {storage?: string}} | undefined)?.capacity?.storage ??
            (c.spec as {resources?: {requests?: {storage?: string}}} | undefined)?.resources?.requests?.storage ??
            '0',
        ),
      ),
    0,
  )

/**
 * Every ClickHouse data claim in the namespace belongs to an installation that exists.
 * Why: the public SigNoz chart names its installation after the release (or
 * `clickhouse.fullnameOverride`) and keeps the data claims (`reclaimPolicy: Retain`). A release
 * renamed or a name override changed makes Helm delete the old installation and create an empty
 * one: the data stays behind on claims nothing mounts, and SigNoz shows none of it ("lost all
 * data", catalogue #12). Pinning the old name back lets the operator mount them again.
 * Fails if: a claim labelled `clickhouse.altinity.com/chi=X` exists (not being deleted) and no
 * installation X does; one finding per missing installation, with its claims. Claims that
 * `fix duplicate-clickhouse` kept of the empty duplicate it removed (annotated
 * signoz-ha.io/empty-duplicate-of) pass, named, with the command that reclaims them.
 */
export default defineCheck({
  id: 'kube/orphaned-claims',
  title: 'Every ClickHouse data claim belongs to an installation',
  severity: 'critical',
  requires: ['kube'],
  runbook: 'installation-renamed',
  scenarios: [12],
  async run({kube}) {
    const d = kube!.deployment
    if (d.snapshot.errors.persistentvolumeclaims) throw new SkipCheck(`cannot list PersistentVolumeClaims: ${d.snapshot.errors.persistentvolumeclaims.message}`)
    if (d.snapshot.errors.clickhouseinstallations)
      throw new SkipCheck(`cannot list ClickHouseInstallations: ${d.snapshot.errors.clickhouseinstallations.message}`)
    const existing = new Set(d.installations.map((i) => i.name))
    const byInstallation = new Map<string, KubeItem[]>()
    const keptOnPurpose = new Map<string, KubeItem[]>()
    let clickhouseClaims = 0
    for (const claim of d.snapshot.items.persistentvolumeclaims ?? []) {
      const chi = claim.metadata?.labels?.[CHI_LABEL]
      if (!chi) continue
      clickhouseClaims++
      if (existing.has(chi) || claim.metadata?.deletionTimestamp) continue
      const orphans = claim.metadata?.annotations?.[KEPT_CLAIM_ANNOTATION] ? keptOnPurpose : byInstallation
      orphans.set(chi, [...(orphans.get(chi) ?? []), claim])
    }
    // Claims `fix duplicate-clickhouse` kept of a duplicate it proved empty: disk to reclaim, not data lost.
    const kept = [...keptOnPurpose].map(([chi, claims]) =>
      pass(
        chi,
        `${claims.length} claim(s) of ${chi}, the empty duplicate removed in favour of ${claims[0]!.metadata!.annotations![KEPT_CLAIM_ANNOTATION]}, kept (${formatBytes(sizeOf(claims))}): delete them when no longer wanted`,
        {
          claims: claims.map((c) => c.metadata?.name ?? '').sort(),
          size: formatBytes(sizeOf(claims)),
          hint: `kubectl delete pvc -n ${d.namespace} -l ${CHI_LABEL}=${chi}`,
        },
      ),
    )
    if (byInstallation.size === 0)
      return [
        pass(d.namespace, `${clickhouseClaims} ClickHouse claims, each of an installation that exists${kept.length ? ' or kept on purpose' : ''}`, {
          claims: clickhouseClaims,
          installations: [...existing],
        }),
        ...kept,
      ]
    const serving = d.active
    const findings: Finding[] = [...kept]
    for (const [chi, claims] of byInstallation) {
      const size = sizeOf(claims)
      const since = claims.map((c) => String(c.metadata?.creationTimestamp ?? '')).sort()[0] || null
      findings.push(
        fail(
          chi,
          `installation ${chi} is gone but its ${claims.length} data claim(s) remain (${formatBytes(size)}): the data of a renamed or deleted installation, mounted by nothing; ${serving ? `${serving.name} serves now` : 'no installation serves'}`,
          {
            claims: claims.map((c) => c.metadata?.name ?? '').sort(),
            phases: [...new Set(claims.map((c) => String((c.status as {phase?: string} | undefined)?.phase ?? 'Pending')))],
            size: formatBytes(size),
            claimedSince: since,
            serving: serving?.name ?? null,
            hint: `to mount them again, pin the old name: helm upgrade ${d.release?.name ?? '<release>'} … --reuse-values --set clickhouse.fullnameOverride=${chi}`,
          },
        ),
      )
    }
    return findings
  },
})
