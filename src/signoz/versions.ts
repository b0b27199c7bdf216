/**
 * Version facts of the SigNoz stack (the public SigNoz chart) and comparisons over them. Shared by
 * doctor's version checks and the upgrade gates.
 */

/** Numeric parts of a version or image tag: "v0.131.0" → [0,131,0], "24.1.2-alpine" → [24,1,2]. */
export function versionParts(version: string): number[] | undefined {
  const m = /^v?(\d+(?:\.\d+)*)/.exec(version.trim())
  return m ? m[1]!.split('.').map(Number) : undefined
}

/** Compares on the parts both have, missing parts as 0: compare("25.12.5.44", "25.12.5") = 0 when prefix-equal. */
export function compareVersions(a: string, b: string): number {
  const pa = versionParts(a) ?? []
  const pb = versionParts(b) ?? []
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return Math.sign(d)
  }
  return 0
}

/** Does a running version ("25.5.6.14") match a declared tag ("25.5.6", "24.1.2-alpine")? */
export function runsDeclared(running: string, declared: string): boolean {
  const r = versionParts(running)
  const d = versionParts(declared)
  if (!r || !d) return true
  return d.every((part, i) => r[i] === part)
}

/** The repository of an image reference ("docker.io/signoz/signoz:v0.131.0" → "docker.io/signoz/signoz"). */
export const imageRepository = (image: string): string => image.split('@')[0]!.replace(/:[^/:]*$/, '')

/** The tag of an image reference ("docker.io/signoz/signoz:v0.131.0" → "v0.131.0"), without a digest. */
export function imageTag(image: string): string | undefined {
  const ref = image.split('@')[0]!
  const slash = ref.lastIndexOf('/')
  const colon = ref.lastIndexOf(':')
  return colon > slash ? ref.slice(colon + 1) : undefined
}

export interface VersionRequirement {
  /** What needs something: a component and the version from which it does. */
  component: 'chart' | 'collector' | 'signoz'
  from: string
  /** What it needs at least. */
  needs: 'clickhouse' | 'collector'
  atLeast: string
  why: string
  source: string
}

/** Known minimum versions (the chart and collector release notes; docs/FAILURE_CATALOGUE.md #9). */
export const REQUIREMENTS: readonly VersionRequirement[] = [
  {
    component: 'chart',
    from: '0.131.0',
    needs: 'clickhouse',
    atLeast: '25.12.5',
    why: "the migrator's sync sets object_serialization_version, which older servers reject with Code 115 (UNKNOWN_SETTING)",
    source: 'SigNoz docs upgrade-0-131',
  },
  {
    component: 'collector',
    from: 'v0.144.6',
    needs: 'clickhouse',
    atLeast: '25.12.5',
    why: 'its sync migration 1011 sets object_serialization_version on signoz_index_v3 (trace attributes as JSON), a setting older servers reject with Code 115 (UNKNOWN_SETTING)',
    source: 'signoz-otel-collector PR #833, first released in v0.144.6; catalogue #9',
  },
  {
    component: 'signoz',
    from: 'v0.143.0',
    needs: 'collector',
    atLeast: 'v0.144.11',
    why: 'SigNoz v0.143 expects the signozspanmapper and signozllmpricing processors of collector v0.144.11',
    source: 'SigNoz docs upgrade-0-143',
  },
]

/** Releases every upgrade must pass through, waiting for background migrations (SigNoz docs operate/upgrade). */
export const REQUIRED_STOPS: readonly string[] = [
  'v0.8.0',
  'v0.8.1',
  'v0.9.0',
  'v0.10.0',
  'v0.12.0',
  'v0.19.0',
  'v0.23.0',
  'v0.27.0',
  'v0.36.0',
  'v0.38.0',
  'v0.45.0',
  'v0.49.0',
  'v0.51.0',
  'v0.55.0',
  'v0.64.0',
  'v0.70.0',
  'v0.76.0',
  'v0.88.0',
]

/** The required stops an upgrade from → to jumps over (strictly between them). */
export function skippedStops(from: string, to: string): string[] {
  if (compareVersions(to, from) <= 0) return []
  return REQUIRED_STOPS.filter((stop) => compareVersions(stop, from) > 0 && compareVersions(stop, to) < 0)
}
