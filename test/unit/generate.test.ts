import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parseAllDocuments, parse} from 'yaml'
import {describe, expect, test} from 'vitest'
import {generateFiles} from '../../src/generate/index.js'
import {resolveInputs, type RawInputs} from '../../src/generate/inputs.js'
import {lintValues} from '../../src/cli/values-lint.js'
import {CHART_KEYS} from '../../src/signoz/chart-defaults.js'
import {planStorage, STORAGE_DEFAULTS} from '../../src/signoz/storage-plan.js'
import {UsageError} from '../../src/core/errors.js'
import {ROOT} from '../helpers/cli.js'

const BASE: RawInputs = {
  release: 'signoz',
  namespace: 'platform',
  cluster: 'cluster',
  shards: 2,
  replicas: 2,
  keeper: 3,
  cloud: 'aws',
  host: 'signoz.example.com',
}
const AWS_2X2 = {...BASE, ingestGbPerDay: 200}
const GCP_3X2 = {...BASE, cloud: 'gcp', shards: 3, zones: 'europe-west1-b,europe-west1-c,europe-west1-d', storage: '750Gi'}

/** Writes a generated configuration into a temporary directory and returns its path. */
function written(raw: RawInputs): string {
  const dir = mkdtempSync(join(tmpdir(), 'signoz-ha-gen-'))
  for (const f of generateFiles(resolveInputs(raw))) writeFileSync(join(dir, f.path), f.content)
  return dir
}

/** Leaf key paths of a values object; lists are leaves (the chart passes them through). */
const leafKeys = (value: unknown, prefix = ''): string[] =>
  value && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value).flatMap(([k, v]) => leafKeys(v, prefix ? `${prefix}.${k}` : k)) : [prefix]

/** Validates a built-in Kubernetes object against the real OpenAPI schema of its kind (kubernetes-models). */
async function validateAgainstSchema(object: {apiVersion: string; kind: string}): Promise<void> {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion]
  const module = (await import(`kubernetes-models/${group ? `${group}/` : ''}${version}/${object.kind}`)) as Record<
    string,
    new (o: unknown) => {validate(): void}
  >
  new module[object.kind]!(object).validate()
}

describe('generate', () => {
  for (const [name, raw] of [
    ['2×2 on AWS', AWS_2X2],
    ['3×2 on GCP', GCP_3X2],
  ] as const) {
    describe(name, () => {
      const dir = written(raw)
      const files = generateFiles(resolveInputs(raw))

      test('the values pass values lint, with the storage plan when one was made', () => {
        const plan = files.some((f) => f.path === 'storage-plan.yaml') ? join(dir, 'storage-plan.yaml') : undefined
        const {findings, code} = lintValues([join(dir, 'values.yaml')], {plan, failOn: 'warning'})
        expect(findings.filter((f) => !f.ok && f.severity !== 'info').map((f) => f.rule)).toEqual([])
        expect(code).toBe(0)
      })

      test('every key of the values is one the real chart reads (signoz-facts.md)', () => {
        const keys = leafKeys(parse(readFileSync(join(dir, 'values.yaml'), 'utf8')))
        for (const key of keys)
          expect(
            CHART_KEYS.some((k) => key === k || key.startsWith(`${k}.`)),
            key,
          ).toBe(true)
      })

      test('no secret is written: the password is given at install, or read from a Secret', () => {
        const doc = (path: string) => parse(files.find((f) => f.path === path)!.content)
        expect(doc('values.yaml').clickhouse.password).toBeUndefined()
        const users = doc('clickhouse-installation.yaml').spec.configuration.users as Record<string, unknown>
        expect(Object.keys(users).filter((k) => k.endsWith('/password'))).toEqual([])
        expect(users['admin/k8s_secret_password']).toBe('platform/signoz-clickhouse-password/password')
        const env = doc('schema-migrator-job.yaml').spec.template.spec.containers[0].env as {name: string; valueFrom?: unknown}[]
        expect(env.find((e) => e.name === 'CLICKHOUSE_PASSWORD')?.valueFrom).toEqual({secretKeyRef: {name: 'signoz-clickhouse-password', key: 'password'}})
        for (const f of files) expect(f.content, f.path).not.toContain('27ff0399')
        expect(readFileSync(join(dir, 'README.md'), 'utf8')).toMatch(/--set-file clickhouse\.password=<\(kubectl/)
      })

      test('every built-in manifest validates against the Kubernetes schemas', async () => {
        let validated = 0
        for (const f of files.filter((x) => x.path.endsWith('.yaml') && !['values.yaml', 'storage-plan.yaml'].includes(x.path))) {
          for (const doc of parseAllDocuments(f.content).map((d) => d.toJS() as {apiVersion: string; kind: string})) {
            if (doc.apiVersion.startsWith('clickhouse.altinity.com')) continue // a CRD: the lab's operator reconciles it (test/lab/generate.test.ts)
            await expect(validateAgainstSchema(doc), `${f.path} ${doc.kind}`).resolves.toBeUndefined()
            validated++
          }
        }
        expect(validated).toBeGreaterThanOrEqual(4)
      })

      test('a manifest the schema rejects is caught (the validation is real)', async () => {
        await expect(
          validateAgainstSchema({
            apiVersion: 'apps/v1',
            kind: 'DaemonSet',
            spec: {template: {spec: {containers: [{name: 'c', ports: [{containerPort: 'x'}]}]}}},
          } as never),
        ).rejects.toThrow(/containerPort must be integer/)
      })
    })
  }

  test('the migrator Job gets the cluster name and replication of the layout', () => {
    const job = parse(generateFiles(resolveInputs({...BASE, cluster: 'prod', replicas: 1})).find((f) => f.path === 'schema-migrator-job.yaml')!.content)
    const env = Object.fromEntries((job.spec.template.spec.containers[0].env as {name: string; value?: string}[]).map((e) => [e.name, e.value]))
    expect(env).toMatchObject({SIGNOZ_OTEL_COLLECTOR_CLICKHOUSE_CLUSTER: 'prod', SIGNOZ_OTEL_COLLECTOR_CLICKHOUSE_REPLICATION: 'false'})
    expect(job.spec.template.spec.initContainers.map((c: {args: string[]}) => c.args.join(' '))).toEqual([
      'migrate ready',
      'migrate bootstrap',
      'migrate sync up',
    ])
  })

  test('named zones keep replicas of a shard in different zones; each cloud gets its storage class and ingress', () => {
    const gcp = parse(generateFiles(resolveInputs(GCP_3X2)).find((f) => f.path === 'values.yaml')!.content)
    expect(gcp.clickhouse.podDistribution).toEqual([
      {type: 'ShardAntiAffinity', topologyKey: 'kubernetes.io/hostname'},
      {type: 'ShardAntiAffinity', topologyKey: 'topology.kubernetes.io/zone'},
    ])
    expect(gcp.clickhouse.persistence).toEqual({enabled: true, size: '750Gi', storageClass: 'premium-rwo'})
    const kinds = (cloud: string) => resolveInputs({...BASE, cloud}).ingress
    expect(['aws', 'gcp', 'azure', 'generic'].map(kinds)).toEqual(['alb', 'gce', 'nginx', 'nginx'])
  })

  test('bad inputs are one-line usage errors', () => {
    const bad: Partial<RawInputs>[] = [
      {keeper: 2},
      {shards: 0},
      {cloud: 'ibm'},
      {host: undefined},
      {storage: 'lots'},
      {retention: 'logs=forever'},
      {zones: 'a'},
      {release: 'Signoz_Prod'},
    ]
    for (const b of bad) expect(() => resolveInputs({...BASE, ...b}), JSON.stringify(b)).toThrow(UsageError)
  })
})

describe('values lint', () => {
  const chartDefaults = join(ROOT, 'src/lab/chart/signoz/values.yaml')

  test("the chart's own defaults fail, each finding with its key, line and fix", () => {
    const {findings, code} = lintValues([chartDefaults], {failOn: 'warning'})
    expect(code).toBe(1)
    const failing = findings.filter((f) => !f.ok)
    expect(failing.map((f) => f.rule).sort()).toEqual(['clickhouse-memory', 'default-password', 'keeper-members', 'pinned-name', 'replicas'])
    expect(failing.find((f) => f.rule === 'replicas')).toMatchObject({
      where: `${chartDefaults}:40`,
      fix: 'clickhouse.layout.replicasCount=2',
      severity: 'critical',
    })
  })

  test('later files and --set win, as with Helm; a key never set is the chart default', () => {
    const dir = mkdtempSync(join(tmpdir(), 'signoz-ha-lint-'))
    writeFileSync(join(dir, 'a.yaml'), 'clickhouse:\n  layout:\n    replicasCount: 1\n')
    writeFileSync(join(dir, 'b.yaml'), 'clickhouse:\n  layout:\n    replicasCount: 2\n')
    const {findings} = lintValues([join(dir, 'a.yaml'), join(dir, 'b.yaml')], {set: ['clickhouse.zookeeper.replicaCount=3'], failOn: 'warning'})
    expect(findings.find((f) => f.rule === 'replicas')).toMatchObject({ok: true, where: `${join(dir, 'b.yaml')}:3`})
    expect(findings.find((f) => f.rule === 'keeper-members')).toMatchObject({ok: true, where: '--set'})
    expect(findings.find((f) => f.rule === 'anti-affinity')).toMatchObject({ok: false, where: 'chart default'})
  })

  test('a size that retention outgrows fails the storage rule with the days until full', () => {
    const dir = written(AWS_2X2)
    const {findings} = lintValues([join(dir, 'values.yaml')], {
      set: ['clickhouse.persistence.size=100Gi'],
      plan: join(dir, 'storage-plan.yaml'),
      failOn: 'warning',
    })
    expect(findings.find((f) => f.rule === 'storage')?.message).toMatch(
      /^100Gi per replica fills in \d+(\.\d)? days: the retention keeps 225 GB per replica, which needs 300 GB with merge headroom$/,
    )
  })

  test('missing or broken files are usage errors naming the line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'signoz-ha-lint-'))
    writeFileSync(join(dir, 'broken.yaml'), 'clickhouse:\n  layout: [1,\n')
    expect(() => lintValues([join(dir, 'broken.yaml')], {failOn: 'warning'})).toThrow(/is not valid YAML \(line \d\)/)
    expect(() => lintValues([join(dir, 'nope.yaml')], {failOn: 'warning'})).toThrow(/does not exist/)
  })
})

describe('storage plan', () => {
  const base = {
    ingestGbPerDay: 200,
    share: {...STORAGE_DEFAULTS.share},
    retentionDays: {...STORAGE_DEFAULTS.retentionDays},
    compressionRatio: 8,
    shards: 2,
    replicasPerShard: 2,
    headroomPercent: 25,
  }

  test('sizes each replica from ingest, retention, compression and headroom', () => {
    const plan = planStorage(base)
    // 200 GB/day ÷ 8 = 25 GB/day: traces 10×15 + logs 10×15 + metrics 5×30 = 450 GB; ÷ 2 shards; ÷ 0.75.
    expect(plan).toMatchObject({clusterDataGb: 450, replicaDataGb: 225, replicaDiskGb: 300, totalDiskGb: 1200, replicaGrowthGbPerDay: 12.5})
  })

  test('days until full follow the retention of each signal', () => {
    // 150 GB usable: 12.5 GB/day for 12 days = 150.
    expect(planStorage({...base, diskGbPerReplica: 200}).daysUntilFull).toBe(12)
    // 187.5 usable: 15 days at 12.5 = 187.5, exactly full when traces and logs start dropping.
    expect(planStorage({...base, diskGbPerReplica: 250}).daysUntilFull).toBe(15)
    // 225 usable: after day 15 only metrics grow (2.5/day): 187.5 + 2.5×15 = 225 at day 30: steady state fits exactly.
    expect(planStorage({...base, diskGbPerReplica: 300}).daysUntilFull).toBeNull()
  })
})
