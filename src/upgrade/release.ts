import {parseAllDocuments} from 'yaml'
import {runHelm} from '../gateways/helm.js'
import {releaseHistory} from '../remediation/actions/helm.js'
import type {FixContext} from '../remediation/context.js'

/** A Kubernetes object of a rendered or deployed manifest, as far as the plan reads it. */
export type ManifestObject = {
  apiVersion: string
  kind: string
  metadata: {name: string; namespace?: string; annotations?: Record<string, string>; labels?: Record<string, string>}
  spec?: Record<string, unknown>
  data?: Record<string, unknown>
}

/** What the user asks Helm to do: the same arguments render the plan and run the upgrade. */
export interface UpgradeRequest {
  release: string
  chart: string
  version?: string
  /** -f files, in order. */
  values: string[]
  /** --set KEY=VALUE, in order. */
  set: string[]
  /** Keep the deployed values (over the new chart's defaults where Helm can: --reset-then-reuse-values). */
  reuseValues: boolean
  /** The flag that does it with this Helm (helm.ts reuseValuesFlag). */
  reuseFlag?: '--reset-then-reuse-values' | '--reuse-values'
  /** Helm's --timeout for the upgrade (hooks included). */
  timeout: string
}

export const helmUpgradeArgs = (r: UpgradeRequest): string[] => [
  'upgrade',
  r.release,
  r.chart,
  ...(r.version ? ['--version', r.version] : []),
  ...(r.reuseValues ? [r.reuseFlag ?? '--reuse-values'] : []),
  ...r.values.flatMap((f) => ['-f', f]),
  ...r.set.flatMap((s) => ['--set', s]),
  '--timeout',
  r.timeout,
]

export function parseManifest(text: string): ManifestObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as ManifestObject | null)
    .filter((o): o is ManifestObject => Boolean(o && o.kind && o.metadata?.name))
}

export interface ReleaseView {
  revision: number
  chartVersion: string
  appVersion: string
  manifest: ManifestObject[]
  /** Hook objects (the schema migrator Job), with the events they run on. */
  hooks: {events: string[]; object: ManifestObject}[]
}

/**
 * The upgrade as Helm would render it, without applying it (dry run, client side; Secrets are
 * left out of the output, so none is ever read).
 */
export async function renderUpgrade(ctx: FixContext, r: UpgradeRequest): Promise<ReleaseView> {
  const result = await runHelm(ctx.helm, [...helmUpgradeArgs(r), '--dry-run=client', '--hide-secret', '-o', 'json'], 120_000)
  if (result.code !== 0)
    throw new Error(
      `helm upgrade --dry-run: ${result.stderr
        .trim()
        .split('\n')
        .filter((l) => !/level=WARN/.test(l))
        .pop()}`,
    )
  const json = JSON.parse(result.stdout) as {
    version: number
    chart: {metadata: {version: string; appVersion?: string}}
    manifest: string
    hooks?: {manifest: string; events: string[]}[]
  }
  return {
    revision: json.version,
    chartVersion: json.chart.metadata.version,
    appVersion: json.chart.metadata.appVersion ?? '',
    manifest: parseManifest(json.manifest),
    hooks: (json.hooks ?? []).flatMap((h) => parseManifest(h.manifest).map((object) => ({events: h.events, object}))),
  }
}

/** The deployed release: its latest revision, chart, manifest and hooks. */
export async function deployedRelease(ctx: FixContext, release: string): Promise<ReleaseView & {status: string}> {
  const [history, manifest, hooks] = await Promise.all([
    releaseHistory(ctx, release),
    runHelm(ctx.helm, ['get', 'manifest', release]),
    runHelm(ctx.helm, ['get', 'hooks', release]),
  ])
  if (manifest.code !== 0) throw new Error(`helm get manifest: ${manifest.stderr.trim().split('\n').pop()}`)
  const latest = history.at(-1)!
  const [, chartVersion = ''] = /-(\d[^-]*(?:-.+)?)$/.exec(latest.chart) ?? []
  // `helm get hooks` has no JSON output: the events come from each hook's annotation.
  const hookObjects = hooks.code === 0 ? parseManifest(hooks.stdout) : []
  return {
    revision: latest.revision,
    status: latest.status,
    chartVersion,
    appVersion: latest.app_version,
    manifest: parseManifest(manifest.stdout),
    hooks: hookObjects.map((object) => ({
      events: (object.metadata.annotations?.['helm.sh/hook'] ?? '')
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean),
      object,
    })),
  }
}

type EnvVar = {name: string; value?: string}

/**
 * A container env var as the kubelet resolves it: $(OTHER) references to earlier entries of the
 * same container expanded (the chart builds the migrator's settings that way).
 */
export function resolvedEnv(object: ManifestObject, name: string): string | undefined {
  const spec = (object.spec as {template?: {spec?: {containers?: {env?: EnvVar[]}[]; initContainers?: {env?: EnvVar[]}[]}}} | undefined)?.template?.spec
  for (const c of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) {
    const env = c.env ?? []
    const entry = env.find((e) => e.name === name)
    if (!entry?.value) continue
    return entry.value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, ref: string) => env.find((e) => e.name === ref)?.value ?? whole)
  }
  return undefined
}
