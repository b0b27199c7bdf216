import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parse} from 'yaml'
import {afterAll, describe, expect, test} from 'vitest'
import {LabKubeClient} from '../../src/lab/kube/admin-client.js'
import {readState} from '../../src/lab/state.js'
import {runCli} from '../helpers/cli.js'
import {TestLab, notPassing, processesMentioning, resultOf} from '../helpers/lab.js'

/**
 * What `generate` writes, used for real: the values lint clean and install into a lab built to
 * their layout (real Helm, the lab chart) with doctor clean; the schema-migration Job runs and
 * completes against it; the ClickHouseInstallation is reconciled by the operator into its hosts.
 */
const CASES = [
  {
    name: '2×2 on AWS',
    args: ['--cloud', 'aws', '--shards', '2', '--replicas', '2', '--host', 'signoz.example.com', '--ingest-gb-per-day', '200'],
    storageClass: 'gp3',
  },
  // The lab's nodes are in zone-a/b/c: zones are the cluster's own names.
  {
    name: '3×2 on GCP',
    args: ['--cloud', 'gcp', '--shards', '3', '--replicas', '2', '--host', 'signoz.example.com', '--zones', 'zone-a,zone-b,zone-c', '--storage', '750Gi'],
    storageClass: 'premium-rwo',
  },
] as const

type Obj = {metadata: {name: string; namespace?: string}; spec?: Record<string, unknown>; status?: Record<string, unknown>}
const labs: TestLab[] = []

afterAll(async () => {
  for (const lab of labs) {
    await lab.down()
    expect(processesMentioning(lab.dir)).toEqual([])
  }
})

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await probe()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

for (const c of CASES) {
  describe(`generate ${c.name}`, () => {
    const out = join(mkdtempSync(join(tmpdir(), 'signoz-ha-generated-')), 'config')
    const lab = new TestLab()
    labs.push(lab)
    const shards = Number(c.args[c.args.indexOf('--shards') + 1])
    const replicas = Number(c.args[c.args.indexOf('--replicas') + 1])

    test('writes the files, and values lint passes them', async () => {
      const gen = await runCli(['generate', ...c.args, '--out', out, '--json'])
      expect(gen.code, gen.stderr).toBe(0)
      expect((JSON.parse(gen.stdout) as {files: {path: string}[]}).files.map((f) => f.path)).toEqual(
        expect.arrayContaining([
          'values.yaml',
          'clickhouse-installation.yaml',
          'schema-migrator-job.yaml',
          'ingress.yaml',
          'hostmetrics-daemonset.yaml',
          'README.md',
        ]),
      )
      const again = await runCli(['generate', ...c.args, '--out', out])
      expect(again.code).toBe(2)
      expect(again.stderr).toMatch(/already has values\.yaml.*nothing was written/)
      const lint = await runCli(['values', 'lint', join(out, 'values.yaml'), '-o', 'json'])
      expect(lint.code, lint.stdout).toBe(0)
    })

    test('the values install into a lab built to their layout with the real Helm, doctor clean', async () => {
      const status = await lab.up(['--values', join(out, 'values.yaml')])
      expect([status.shards, status.replicasPerShard]).toEqual([shards, replicas])
      const {report, code} = await lab.doctor([], {
        SIGNOZ_HA_CLICKHOUSE_URL: undefined,
        SIGNOZ_HA_CLICKHOUSE_USER: undefined,
        SIGNOZ_HA_CLICKHOUSE_PASSWORD: undefined,
      })
      expect(notPassing(report)).toEqual([])
      expect(code).toBe(0)
      expect(resultOf(report, 'helm/values-ha').findings.every((f) => f.ok)).toBe(true)
      const kube = new LabKubeClient(readState(lab.dir))
      const claims = (await kube.get<{items: {spec: {storageClassName?: string; resources: {requests: {storage: string}}}}[]}>(
        '/api/v1/namespaces/platform/persistentvolumeclaims?labelSelector=clickhouse.altinity.com/app=chop',
      ))!.items
      const values = parse(readFileSync(join(out, 'values.yaml'), 'utf8'))
      expect(claims).toHaveLength(shards * replicas)
      for (const claim of claims)
        expect(claim.spec).toMatchObject({storageClassName: c.storageClass, resources: {requests: {storage: values.clickhouse.persistence.size}}})
    })

    test('the schema-migration Job runs against the cluster and completes, with its cluster and replication', async () => {
      const state = readState(lab.dir)
      const kube = new LabKubeClient(state)
      await kube.create('/api/v1/namespaces/platform/secrets', {
        metadata: {name: 'signoz-clickhouse-password'},
        data: {password: Buffer.from(state.password).toString('base64')},
      })
      const job = parse(readFileSync(join(out, 'schema-migrator-job.yaml'), 'utf8')) as Obj
      await kube.create('/apis/batch/v1/namespaces/platform/jobs', job)
      const done = await waitFor('the migrator Job to finish', async () => {
        const j = await kube.get<Obj>(`/apis/batch/v1/namespaces/platform/jobs/${job.metadata.name}`)
        const conditions = (j?.status?.conditions ?? []) as {type: string; status: string}[]
        return conditions.find((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True')?.type
      })
      expect(done).toBe('Complete')
      const {report} = await lab.doctor(['--only', 'signoz'], {SIGNOZ_HA_CLICKHOUSE_URL: undefined})
      expect(notPassing(report)).toEqual([])
    })

    test('the ClickHouseInstallation is reconciled into one StatefulSet per host, replicas of a shard kept apart', async () => {
      const kube = new LabKubeClient(readState(lab.dir))
      await kube.create('/api/v1/namespaces', {metadata: {name: 'operator-direct'}})
      const chi = parse(readFileSync(join(out, 'clickhouse-installation.yaml'), 'utf8')) as Obj
      chi.metadata.namespace = 'operator-direct'
      await kube.create('/apis/clickhouse.altinity.com/v1/namespaces/operator-direct/clickhouseinstallations', chi)
      const sets = await waitFor('the operator to create the hosts', async () => {
        const items = (await kube.get<{items: Obj[]}>('/apis/apps/v1/namespaces/operator-direct/statefulsets'))?.items ?? []
        return items.length === shards * replicas ? items : undefined
      })
      expect(sets.map((s) => s.metadata.name).sort()).toEqual(
        Array.from({length: shards * replicas}, (_, i) => `chi-signoz-clickhouse-cluster-${Math.floor(i / replicas)}-${i % replicas}`).sort(),
      )
      const terms = (
        sets[0]!.spec as {
          template: {
            spec: {
              affinity: {
                podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {topologyKey: string; labelSelector: {matchLabels: Record<string, string>}}[]}
              }
            }
          }
        }
      ).template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution
      expect(terms.some((t) => t.topologyKey === 'kubernetes.io/hostname' && t.labelSelector.matchLabels['clickhouse.altinity.com/shard'] === '0')).toBe(true)
    })
  })
}
