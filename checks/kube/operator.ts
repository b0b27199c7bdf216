import {SkipCheck, defineCheck, fail, pass, type Finding} from '../../src/core/check.js'
import {label} from '../../src/signoz/deployment.js'

/**
 * The ClickHouse operator runs and its installations are not aborted.
 * Why: without the operator nothing reconciles the installation — a lost host is not recreated,
 * a changed layout is not applied, the CHI stays InProgress (catalogue #27, #37).
 * Fails if: an operator Deployment in the namespace has fewer ready replicas than desired, or
 * an installation's status is Aborted or carries errors.
 */
export default defineCheck({
  id: 'kube/operator',
  title: 'The ClickHouse operator runs and reconciles',
  severity: 'critical',
  requires: ['kube'],
  runbook: 'operator-stuck',
  async run({kube}) {
    const d = kube!.deployment
    if (d.snapshot.errors.deployments) throw new SkipCheck(`cannot list Deployments: ${d.snapshot.errors.deployments.message}`)
    const findings: Finding[] = []
    const operators = (d.snapshot.items.deployments ?? []).filter((w) => label(w, 'app.kubernetes.io/component') === 'operator' || /clickhouse-operator/.test(w.metadata?.name ?? ''))
    for (const op of operators) {
      const desired = Number((op.spec as {replicas?: number} | undefined)?.replicas ?? 1)
      const ready = Number((op.status as {readyReplicas?: number} | undefined)?.readyReplicas ?? 0)
      const subject = `Deployment/${op.metadata?.name}`
      findings.push(
        ready >= desired && desired > 0
          ? pass(subject, `${ready}/${desired} ready`)
          : fail(subject, `${ready}/${desired} ready: nothing reconciles the installations (lost hosts are not recreated, changes are not applied)`, {desired, ready}),
      )
    }
    for (const i of d.installations) {
      const errors = ((i.item.status as {errors?: string[]} | undefined)?.errors ?? []).filter(Boolean)
      if (i.status === 'Aborted' || errors.length) findings.push(fail(`ClickHouseInstallation/${i.name}`, `status ${i.status}${errors.length ? `: ${errors[0]}` : ''}`, {status: i.status, errors}))
    }
    if (findings.length === 0) throw new SkipCheck(`no ClickHouse operator Deployment in ${d.namespace} (it may run in another namespace)`)
    return findings
  },
})
