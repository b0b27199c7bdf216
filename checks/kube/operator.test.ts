import {expect, test} from 'vitest'
import {SkipCheck} from '../../src/core/check.js'
import type {KubeItem} from '../../src/gateways/kube.js'
import {failures, fixtureContext, fixtureKube} from '../../test/helpers/fixture-fleet.js'
import check from './operator.js'

const operator = (ready: number, tag = '0.25.4'): KubeItem => ({
  metadata: {name: 'signoz-clickhouse-operator', namespace: 'platform', labels: {'app.kubernetes.io/component': 'operator'}},
  spec: {replicas: 1, template: {spec: {containers: [{name: 'clickhouse-operator', image: `altinity/clickhouse-operator:${tag}`}]}}},
  status: {readyReplicas: ready},
})
const crd = (version: string): KubeItem => ({
  metadata: {name: 'clickhouseinstallations.clickhouse.altinity.com', labels: {'clickhouse.altinity.com/chop': version}},
})

test('the operator ready and its CRD at its version: pass', async () => {
  const findings = await check.run(fixtureContext({kube: fixtureKube({deployments: [operator(1)], customresourcedefinitions: [crd('0.25.4')]})}))
  expect(findings.map((f) => [f.subject, f.ok, f.message])).toEqual([
    ['CustomResourceDefinition/clickhouseinstallations.clickhouse.altinity.com', true, 'version 0.25.4, as the operator'],
    ['Deployment/signoz-clickhouse-operator', true, '1/1 ready'],
  ])
})

test('an operator not ready, a CRD Helm left behind, an installation Aborted: each fails', async () => {
  const chi: KubeItem = {
    metadata: {name: 'signoz-clickhouse', namespace: 'platform'},
    spec: {configuration: {clusters: [{name: 'cluster', layout: {shardsCount: 1, replicasCount: 1}}]}},
    status: {status: 'Aborted', errors: ['FAILED to reconcile StatefulSet']},
  }
  const findings = await check.run(
    fixtureContext({kube: fixtureKube({deployments: [operator(0, '0.26.0')], customresourcedefinitions: [crd('0.25.4')], clickhouseinstallations: [chi]})}),
  )
  expect(failures(findings)).toEqual({
    'CustomResourceDefinition/clickhouseinstallations.clickhouse.altinity.com': 'version 0.25.4 but the operator runs 0.26.0: Helm does not upgrade CRDs',
    'Deployment/signoz-clickhouse-operator': '0/1 ready: nothing reconciles the installations (lost hosts are not recreated, changes are not applied)',
    'ClickHouseInstallation/signoz-clickhouse': 'status Aborted: FAILED to reconcile StatefulSet',
  })
})

test('no operator in the namespace: skipped (it may run in another)', async () => {
  await expect(check.run(fixtureContext({kube: fixtureKube({deployments: []})}))).rejects.toThrow(SkipCheck)
})
