import {SkipCheck, defineCheck, fail, pass, type Finding} from '../../src/core/check.js'
import type {SnapshotKind} from '../../src/gateways/kube.js'

const KINDS: readonly [SnapshotKind, string][] = [
  ['clickhouseinstallations', 'ClickHouseInstallation'],
  ['persistentvolumeclaims', 'PersistentVolumeClaim'],
  ['pods', 'Pod'],
  ['statefulsets', 'StatefulSet'],
  ['deployments', 'Deployment'],
  ['jobs', 'Job'],
]

/**
 * Nothing in the namespace is stuck terminating on a finalizer.
 * Why: a CHI whose operator is gone, or a claim still mounted, never finishes deleting; the
 * uninstall hangs and a reinstall finds the old objects (catalogue #32).
 * Fails if: an object has been marked for deletion for longer than terminatingStuck.
 */
export default defineCheck({
  id: 'kube/terminating',
  title: 'Nothing is stuck terminating on a finalizer',
  severity: 'warning',
  requires: ['kube'],
  runbook: 'stuck-terminating',
  scenarios: [32],
  async run({kube, thresholds, now}) {
    const d = kube!.deployment
    const findings: Finding[] = []
    let seen = 0
    for (const [kind, name] of KINDS) {
      for (const item of d.snapshot.items[kind] ?? []) {
        seen++
        const since = item.metadata?.deletionTimestamp as string | undefined
        if (!since) continue
        const ageSeconds = Math.round((now - Date.parse(since)) / 1000)
        if (ageSeconds < thresholds.terminatingStuckSeconds) continue
        const finalizers = (item.metadata?.finalizers as string[] | undefined) ?? []
        findings.push(
          fail(
            `${name}/${item.metadata?.name}`,
            `terminating for ${ageSeconds}s, held by ${finalizers.join(', ') || 'no finalizer (a controller is not finishing it)'}`,
            {ageSeconds, finalizers},
          ),
        )
      }
    }
    if (seen === 0 && KINDS.every(([k]) => d.snapshot.errors[k])) throw new SkipCheck('none of the kinds could be listed')
    return findings.length ? findings : [pass(d.namespace, `${seen} objects, none stuck terminating`)]
  },
})
