import {defineCheck, fail, pass, type Finding} from '../../src/core/check.js'
import type {KubeItem} from '../../src/gateways/kube.js'
import {templateContainers, type TemplateContainer} from '../../src/signoz/deployment.js'
import {REQUIREMENTS, compareVersions, imageRepository, imageTag, runsDeclared} from '../../src/signoz/versions.js'

/** Images of one repository in the namespace's workloads (Deployments, StatefulSets, Jobs). */
function imagesOf(workloads: readonly KubeItem[], repository: string): {workload: string; tag: string}[] {
  const found: {workload: string; tag: string}[] = []
  for (const w of workloads) {
    for (const c of templateContainers(w)) {
      const tag = c.image && imageRepository(c.image).endsWith(repository) ? imageTag(c.image) : undefined
      if (tag) found.push({workload: `${w.kind ?? 'workload'}/${w.metadata?.name}`, tag})
    }
  }
  return found
}

/** The ClickHouse image the installation's pod templates declare. */
function declaredClickHouse(chi: KubeItem): string | undefined {
  const templates = (chi.spec as {templates?: {podTemplates?: {spec?: {containers?: TemplateContainer[]}}[]}} | undefined)?.templates?.podTemplates ?? []
  const image = templates.flatMap((t) => t.spec?.containers ?? []).find((c) => c.image?.includes('clickhouse-server'))?.image
  return image ? imageTag(image) : undefined
}

/**
 * ClickHouse, the chart, the collector and SigNoz run versions that work together.
 * Why: a SigNoz upgrade that needs a newer ClickHouse fails in the migrator's hook (Code 115,
 * UNKNOWN_SETTING) while the collector keeps running (catalogue #9); hosts on different versions
 * or not on the declared image mean a rollout stopped halfway.
 * Fails if: hosts run different versions, they do not run the image the installation declares,
 * or a component's known minimum (chart ≥ 0.131 → ClickHouse 25.12.5, …) is not met.
 */
export default defineCheck({
  id: 'signoz/version-compat',
  title: 'ClickHouse, chart, collector and SigNoz versions are compatible',
  severity: 'critical',
  requires: ['clickhouse'],
  runbook: 'version-mismatch',
  scenarios: [9],
  async run({clickhouse, kube}) {
    const findings: Finding[] = []
    const hosts = clickhouse.reachable().filter((h) => h.version)
    const byVersion = new Map<string, string[]>()
    for (const h of hosts) byVersion.set(h.version!, [...(byVersion.get(h.version!) ?? []), h.name])
    const versions = [...byVersion.keys()].sort(compareVersions)
    const oldest = versions[0]
    if (versions.length > 1) {
      findings.push(
        fail(
          'ClickHouse servers',
          `hosts run ${versions.length} versions: ${versions.map((v) => `${v} (${byVersion.get(v)!.length})`).join(', ')}`,
          Object.fromEntries(versions.map((v) => [v, byVersion.get(v)!])),
        ),
      )
    } else if (oldest) {
      findings.push(pass('ClickHouse servers', `all ${hosts.length} hosts run ${oldest}`))
    }
    const d = kube?.deployment
    const chi = d?.active
    const declared = chi ? declaredClickHouse(chi.item) : undefined
    if (chi && declared && oldest) {
      const behind = hosts.filter((h) => !runsDeclared(h.version!, declared))
      findings.push(
        behind.length === 0
          ? pass(`installation ${chi.name}`, `declares ${declared}, which every host runs`)
          : fail(
              `installation ${chi.name}`,
              `declares ClickHouse ${declared} but ${behind.length} of ${hosts.length} hosts run ${[...new Set(behind.map((h) => h.version))].join(', ')}: the rollout has not reached them`,
              {
                declared,
                hosts: behind.map((h) => `${h.name} ${h.version}`),
              },
            ),
      )
    }
    if (d && oldest) {
      const workloads = [...(d.snapshot.items.deployments ?? []), ...(d.snapshot.items.statefulsets ?? []), ...(d.snapshot.items.jobs ?? [])]
      const installed: Record<'chart' | 'collector' | 'signoz', {subject: string; version: string}[]> = {
        chart: d.release ? [{subject: `chart ${d.release.chart.name}-${d.release.chart.version}`, version: d.release.chart.version}] : [],
        collector: imagesOf(workloads, 'signoz/signoz-otel-collector').map((i) => ({subject: `${i.workload} collector ${i.tag}`, version: i.tag})),
        signoz: imagesOf(workloads, 'signoz/signoz').map((i) => ({subject: `${i.workload} signoz ${i.tag}`, version: i.tag})),
      }
      const collectorVersions = installed.collector.map((c) => c.version).sort(compareVersions)
      for (const rule of REQUIREMENTS) {
        for (const c of installed[rule.component]) {
          if (compareVersions(c.version, rule.from) < 0) continue
          const have = rule.needs === 'clickhouse' ? oldest : collectorVersions[0]
          if (!have) continue
          const what = rule.needs === 'clickhouse' ? 'ClickHouse' : 'collector'
          findings.push(
            compareVersions(have, rule.atLeast) >= 0
              ? pass(c.subject, `needs ${what} ≥ ${rule.atLeast}; runs ${have}`)
              : fail(c.subject, `needs ${what} ≥ ${rule.atLeast} but runs ${have}: ${rule.why}`, {
                  needs: `${what} ${rule.atLeast}`,
                  runs: have,
                  source: rule.source,
                }),
          )
        }
      }
    }
    if (findings.length === 0) findings.push(pass('versions', 'no version to compare'))
    return findings
  },
})
