import {describe, expect, test} from 'vitest'
import orphanedClaims from '../../checks/kube/orphaned-claims.js'
import type {CheckContext} from '../../src/core/check.js'
import {DEFAULT_THRESHOLDS} from '../../src/core/thresholds.js'
import type {KubeItem} from '../../src/gateways/kube.js'
import {readDeployment} from '../../src/signoz/deployment.js'

/** kube/orphaned-claims on the objects a rename leaves: claims of an installation that is gone. */
const chi = (name: string): KubeItem => ({
  metadata: {name, namespace: 'platform'},
  spec: {configuration: {clusters: [{name: 'cluster', layout: {shardsCount: 1, replicasCount: 2}}]}},
})
const claim = (chiName: string, host: string, extra: Partial<KubeItem['metadata']> = {}): KubeItem => ({
  metadata: {
    name: `data-volumeclaim-template-chi-${chiName}-cluster-${host}-0`,
    namespace: 'platform',
    labels: {'clickhouse.altinity.com/chi': chiName},
    creationTimestamp: '2026-11-01T00:00:00Z',
    ...extra,
  },
  spec: {resources: {requests: {storage: '20Gi'}}},
  status: {phase: 'Bound', capacity: {storage: '20Gi'}},
})

async function run(installations: KubeItem[], claims: KubeItem[], errors: Record<string, Error> = {}) {
  const deployment = readDeployment({
    namespace: 'platform',
    items: {clickhouseinstallations: installations, persistentvolumeclaims: claims, pods: []},
    errors,
  } as never)
  const ctx = {now: Date.now(), kube: {deployment, podLog: async () => ''}, thresholds: DEFAULT_THRESHOLDS} as unknown as CheckContext
  return orphanedClaims.run(ctx)
}

describe('kube/orphaned-claims', () => {
  test('every claim of an installation that exists: pass', async () => {
    const findings = await run(
      [chi('signoz-clickhouse')],
      [claim('signoz-clickhouse', '0-0'), claim('signoz-clickhouse', '0-1'), {metadata: {name: 'storage-signoz-zookeeper-0', namespace: 'platform'}}],
    )
    expect(findings.map((f) => [f.ok, f.message])).toEqual([[true, '2 ClickHouse claims, each of an installation that exists']])
  })

  test('a rename: the old installation gone, its claims left; one finding naming them, their size, and the name to pin back', async () => {
    const findings = await run(
      [chi('signoz-clickhouse-v2')],
      [claim('signoz-clickhouse', '0-0'), claim('signoz-clickhouse', '0-1'), claim('signoz-clickhouse-v2', '0-0')],
    )
    expect(findings).toHaveLength(1)
    expect(findings[0]).toMatchObject({
      subject: 'signoz-clickhouse',
      ok: false,
      message:
        'installation signoz-clickhouse is gone but its 2 data claim(s) remain (40.0 GiB): the data of a renamed or deleted installation, mounted by nothing; signoz-clickhouse-v2 serves now',
      evidence: {
        claims: ['data-volumeclaim-template-chi-signoz-clickhouse-cluster-0-0-0', 'data-volumeclaim-template-chi-signoz-clickhouse-cluster-0-1-0'],
        serving: 'signoz-clickhouse-v2',
        claimedSince: '2026-11-01T00:00:00Z',
      },
    })
    expect(String(findings[0]!.evidence!.hint)).toContain('--set clickhouse.fullnameOverride=signoz-clickhouse')
  })

  test('no installation at all: the claims are what is left; claims being deleted are not counted', async () => {
    const findings = await run([], [claim('signoz-clickhouse', '0-0'), claim('old', '0-0', {deletionTimestamp: '2026-12-01T00:00:00Z'})])
    expect(findings.map((f) => [f.subject, f.ok])).toEqual([['signoz-clickhouse', false]])
    expect(findings[0]!.message).toMatch(/no installation serves$/)
  })

  test('claims fix duplicate-clickhouse kept of the empty duplicate it removed: pass, named, with the command that reclaims them', async () => {
    const kept = {annotations: {'signoz-ha.io/empty-duplicate-of': 'signoz-clickhouse'}}
    const findings = await run(
      [chi('signoz-clickhouse')],
      [claim('signoz-clickhouse', '0-0'), claim('signoz-clickhouse-dup', '0-0', kept), claim('signoz-clickhouse-dup', '0-1', kept)],
    )
    expect(findings.map((f) => [f.subject, f.ok])).toEqual([
      ['platform', true],
      ['signoz-clickhouse-dup', true],
    ])
    expect(findings[1]!.message).toBe(
      '2 claim(s) of signoz-clickhouse-dup, the empty duplicate removed in favour of signoz-clickhouse, kept (40.0 GiB): delete them when no longer wanted',
    )
    expect(findings[1]!.evidence!.hint).toBe('kubectl delete pvc -n platform -l clickhouse.altinity.com/chi=signoz-clickhouse-dup')
    // A rename next to it still fails.
    const both = await run([chi('signoz-clickhouse-v2')], [claim('signoz-clickhouse', '0-0'), claim('signoz-clickhouse-dup', '0-0', kept)])
    expect(both.map((f) => [f.subject, f.ok])).toEqual([
      ['signoz-clickhouse-dup', true],
      ['signoz-clickhouse', false],
    ])
  })

  test('claims that cannot be listed: skipped with the reason', async () => {
    await expect(run([chi('signoz-clickhouse')], [], {persistentvolumeclaims: new Error('forbidden')})).rejects.toThrow(
      /cannot list PersistentVolumeClaims: forbidden/,
    )
  })
})
