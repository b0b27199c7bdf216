import {SkipCheck, defineCheck, fail, pass} from '../../src/core/check.js'

/**
 * Every workload that writes to or reads from ClickHouse points at the serving installation.
 * Why: collectors pointed at a Service that is missing or has no ready endpoints drop every
 * batch (catalogue: ingestion stopped after an upgrade renamed the installation).
 * Fails if: a CLICKHOUSE_HOST names a Service that does not exist, has no ready endpoints, or is
 * not the Service of the installation that holds the ready hosts.
 */
export default defineCheck({
  id: 'kube/collector-clickhouse-target',
  title: 'Collectors and SigNoz point at the serving ClickHouse Service',
  severity: 'critical',
  requires: ['kube'],
  runbook: 'collector-wrong-target',
  scenarios: [12],
  async run({kube}) {
    const d = kube!.deployment
    if (d.clients.length === 0) throw new SkipCheck(`no workload in ${d.namespace} sets CLICKHOUSE_HOST`)
    const services = new Map((d.snapshot.items.services ?? []).map((s) => [s.metadata?.name, s]))
    const endpoints = new Map((d.snapshot.items.endpoints ?? []).map((e) => [e.metadata?.name, e]))
    return d.clients.map((c) => {
      const subject = `${c.kind}/${c.name}`
      const [service, ns] = c.host.split('.')
      const external = ns !== undefined && ns !== d.namespace && !/^svc$/.test(ns)
      if (external) return pass(subject, `CLICKHOUSE_HOST=${c.host} is outside ${d.namespace}; not checked`, {host: c.host})
      const ready = ((endpoints.get(service)?.subsets as {addresses?: unknown[]}[] | undefined) ?? []).reduce((n, s) => n + (s.addresses?.length ?? 0), 0)
      const evidence = {host: c.host, readyEndpoints: ready, servingService: d.active?.service ?? null}
      if (!services.has(service)) return fail(subject, `CLICKHOUSE_HOST=${c.host}: no Service ${service} in ${d.namespace}`, evidence)
      if (ready === 0) return fail(subject, `CLICKHOUSE_HOST=${c.host}: the Service has no ready endpoints, so every connection is refused`, evidence)
      if (d.active && service !== d.active.service)
        return fail(subject, `CLICKHOUSE_HOST=${c.host}, but the serving installation ${d.active.name} is behind Service ${d.active.service}`, evidence)
      return pass(subject, `CLICKHOUSE_HOST=${c.host} (${ready} ready endpoints)`, evidence)
    })
  },
})
