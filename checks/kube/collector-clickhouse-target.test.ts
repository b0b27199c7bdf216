import {expect, test} from 'vitest'
import type {KubeItem} from '../../src/gateways/kube.js'
import {clickhouseClient, failures, fixtureContext, fixtureInstallation, fixtureKube} from '../../test/helpers/fixture-fleet.js'
import check from './collector-clickhouse-target.js'

const inst = fixtureInstallation('signoz-clickhouse', 1, 2)
const service = (name: string): KubeItem => ({metadata: {name, namespace: 'platform'}, spec: {}})
const endpoints = (name: string, ready: number): KubeItem => ({
  metadata: {name, namespace: 'platform'},
  subsets: [{addresses: Array.from({length: ready}, (_, i) => ({ip: `10.0.0.${i}`}))}],
})
const run = (host: string, extra: {services?: KubeItem[]; endpoints?: KubeItem[]} = {}) =>
  check.run(
    fixtureContext({
      kube: fixtureKube({
        clickhouseinstallations: [inst.chi],
        pods: inst.pods,
        deployments: [clickhouseClient('signoz-otel-collector', {CLICKHOUSE_HOST: host})],
        services: extra.services ?? [service('clickhouse-signoz-clickhouse')],
        endpoints: extra.endpoints ?? [endpoints('clickhouse-signoz-clickhouse', 2)],
      }),
    }),
  )

test('the collector writing to the serving Service with ready endpoints passes', async () => {
  expect((await run('clickhouse-signoz-clickhouse'))[0]).toMatchObject({
    subject: 'Deployment/signoz-otel-collector',
    ok: true,
    message: 'CLICKHOUSE_HOST=clickhouse-signoz-clickhouse (2 ready endpoints)',
  })
})

test('a Service that does not exist, one with no ready endpoint, another installation’s: each fails in its words', async () => {
  expect(failures(await run('signoz-clickhouse-old'))).toEqual({
    'Deployment/signoz-otel-collector': 'CLICKHOUSE_HOST=signoz-clickhouse-old: no Service signoz-clickhouse-old in platform',
  })
  expect(failures(await run('clickhouse-signoz-clickhouse', {endpoints: [endpoints('clickhouse-signoz-clickhouse', 0)]}))).toEqual({
    'Deployment/signoz-otel-collector': 'CLICKHOUSE_HOST=clickhouse-signoz-clickhouse: the Service has no ready endpoints, so every connection is refused',
  })
  expect(failures(await run('other', {services: [service('other')], endpoints: [endpoints('other', 1)]}))).toEqual({
    'Deployment/signoz-otel-collector': 'CLICKHOUSE_HOST=other, but the serving installation signoz-clickhouse is behind Service clickhouse-signoz-clickhouse',
  })
})

test('a ClickHouse in another namespace is not judged', async () => {
  expect((await run('clickhouse.observability'))[0]).toMatchObject({
    ok: true,
    message: 'CLICKHOUSE_HOST=clickhouse.observability is outside platform; not checked',
  })
})
