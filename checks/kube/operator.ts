import {SkipCheck, defineCheck, fail, pass, type Finding} from '../../src/core/check.js'
import {label, templateContainers} from '../../src/signoz/deployment.js'
import {imageTag} from '../../src/signoz/versions.js'

/**
 * The ClickHouse operator runs and its installations are not aborted.
 * Why: without the operator nothing reconciles the installation — a lost host is not recreated,
 * a changed layout is not applied, the CHI stays InProgress (catalogue #27, #37).
 * Helm never upgrades CRDs, so a chart bump leaves the operator newer than its CRD (catalogue #37).
 * Fails if: an operator Deployment in the namespace has fewer ready replicas than desired, an
 * installation's status is Aborted or carries errors, or the installation CRD's version label
 * differs from the operator's image tag.
 */
export default defineCheck({
  id: 'kube/operator',
  title: 'The ClickHouse operator runs and reconciles',
  severity: 'critical',
  requires: ['kube'],
  runbook: 'operator-stuck',
  scenarios: [27, 37],
  async run({kube}) {
    const d = kube!.deployment
    if (d.snapshot.errors.deployments) throw new SkipCheck(`cannot list Deployments: ${d.snapshot.errors.deployments.message}`)
    const findings: Finding[] = []
    const operators = (d.snapshot.items.deployments ?? []).filter(
      (w) => label(w, 'app.kubernetes.io/component') === 'operator' || /clickhouse-operator/.test(w.metadata?.name ?? ''),
    )
    for (const op of operators) {
      const desired = Number((op.spec as {replicas?: number} | undefined)?.replicas ?? 1)
      const ready = Number((op.status as {readyReplicas?: number} | undefined)?.readyReplicas ?? 0)
      const subject = `Deployment/${op.metadata?.name}`
      const image = templateContainers(op)
        .map((c) => c.image ?? '')
        .find((i) => i.includes('clickhouse-operator'))
      const running = image ? imageTag(image) : undefined
      const crd = (d.snapshot.items.customresourcedefinitions ?? [])[0]
      const crdVersion = crd ? label(crd, 'clickhouse.altinity.com/chop') : undefined
      if (running && crdVersion) {
        findings.push(
          crdVersion === running
            ? pass(`CustomResourceDefinition/${crd!.metadata?.name}`, `version ${crdVersion}, as the operator`)
            : fail(`CustomResourceDefinition/${crd!.metadata?.name}`, `version ${crdVersion} but the operator runs ${running}: Helm does not upgrade CRDs`, {
                crd: crdVersion,
                operator: running,
                fix: `kubectl apply --server-side -f <deploy/operator/parts/crd.yaml of clickhouse-operator ${running}>`,
              }),
        )
      }
      findings.push(
        ready >= desired && desired > 0
          ? pass(subject, `${ready}/${desired} ready`)
          : fail(subject, `${ready}/${desired} ready: nothing reconciles the installations (lost hosts are not recreated, changes are not applied)`, {
              desired,
              ready,
            }),
      )
    }
    for (const i of d.installations) {
      const errors = ((i.item.status as {errors?: string[]} | undefined)?.errors ?? []).filter(Boolean)
      if (i.status === 'Aborted' || errors.length)
        findings.push(fail(`ClickHouseInstallation/${i.name}`, `status ${i.status}${errors.length ? `: ${errors[0]}` : ''}`, {status: i.status, errors}))
    }
    if (findings.length === 0) throw new SkipCheck(`no ClickHouse operator Deployment in ${d.namespace} (it may run in another namespace)`)
    return findings
  },
})
