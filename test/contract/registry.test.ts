import {existsSync, readFileSync, readdirSync} from 'node:fs'
import {join, relative} from 'node:path'
import {describe, expect, test} from 'vitest'
import {ALL_CHECKS} from '../../checks/index.js'
import {COMMANDS} from '../../commands/index.js'
import {ALL_RUNBOOKS} from '../../runbooks/index.js'
import {ROOT} from '../helpers/cli.js'
import {RUNBOOK_DRILLS} from '../helpers/runbook-drills.js'
import {FAULTS} from '../../src/lab/faults.js'
import {rebuildPlan} from '../../src/cli/remediation-plans.js'
import {runbookPlanId} from '../../src/remediation/runbook-plan.js'
import {CONFIG_SCHEMA, resolveThresholds} from '../../src/core/config.js'
import {THRESHOLD_KEYS, THRESHOLD_SPECS, type ThresholdKey} from '../../src/core/thresholds.js'

/** Source files under a top-level folder, relative to it, without index.ts and tests. */
const filesUnder = (top: string, sub = ''): string[] =>
  readdirSync(join(ROOT, top, sub), {withFileTypes: true}).flatMap((e) =>
    e.isDirectory()
      ? filesUnder(top, join(sub, e.name))
      : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !(sub === '' && e.name === 'index.ts')
        ? [relative('', join(sub, e.name))]
        : [],
  )

const CONTRACT_IDS = [
  'clickhouse/reachable',
  'clickhouse/cluster-topology',
  'clickhouse/replicas-readonly',
  'clickhouse/replicas-active',
  'clickhouse/replication-lag',
  'keeper/reachable',
  'signoz/databases',
  'signoz/tables-replicated',
  'signoz/distributed-tables',
  'signoz/migrations',
  'signoz/ingestion-fresh',
  'clickhouse/ddl-queue',
  'clickhouse/mutations-stuck',
  'clickhouse/parts-per-partition',
  'clickhouse/disk-free',
  'clickhouse/distribution-queue',
  'signoz/retention',
  'kube/duplicate-clickhouse',
  'kube/collector-clickhouse-target',
  'kube/pods-pending',
  'kube/crashloops',
  'kube/pvc',
  'kube/replica-spread',
  'kube/migrator-job',
  'keeper/quorum',
  'helm/release-status',
  'helm/values-ha',
  'security/default-password',
]

describe('check registry', () => {
  test('every check file is registered and its id is its path', () => {
    const files = filesUnder('checks')
      .map((f) => f.replace(/\.ts$/, ''))
      .sort()
    expect(ALL_CHECKS.map((c) => c.id).sort()).toEqual(files)
  })
  test('ids are unique', () => {
    expect(new Set(ALL_CHECKS.map((c) => c.id)).size).toBe(ALL_CHECKS.length)
  })
  test('the contract ids of this stage exist', () => {
    for (const id of CONTRACT_IDS) expect(ALL_CHECKS.map((c) => c.id)).toContain(id)
  })
  test('every check points at a runbook that exists', () => {
    const runbooks = new Set(ALL_RUNBOOKS.map((r) => r.id))
    for (const c of ALL_CHECKS) expect(runbooks.has(c.runbook), `${c.id} → ${c.runbook}`).toBe(true)
  })
  test('titles state the healthy condition and severities are known', () => {
    for (const c of ALL_CHECKS) {
      expect(['critical', 'warning', 'info']).toContain(c.severity)
      expect(c.title).not.toMatch(/\b(fail|error|broken)\b/i)
    }
  })
})

describe('runbook registry', () => {
  test('every runbook file is registered under its file name', () => {
    const files = filesUnder('runbooks')
      .map((f) => f.replace(/\.ts$/, ''))
      .sort()
    expect(ALL_RUNBOOKS.map((r) => r.id).sort()).toEqual(files)
  })
  test('every automated runbook is drilled on the lab against a fault (procedures need none)', () => {
    const automated = ALL_RUNBOOKS.filter((r) => r.steps.some((s) => s.remedy))
      .map((r) => r.id)
      .sort()
    expect(RUNBOOK_DRILLS.map((d) => d.runbook).sort()).toEqual(automated)
    for (const d of RUNBOOK_DRILLS) {
      const runbook = ALL_RUNBOOKS.find((r) => r.id === d.runbook)!
      if (runbook.kind !== 'procedure')
        expect(
          FAULTS.map((f) => f.id),
          d.runbook,
        ).toContain(d.fault)
    }
  })
  test('every runbook plan can be rebuilt from a journal (for --undo)', () => {
    for (const r of ALL_RUNBOOKS) expect(rebuildPlan(runbookPlanId(r.id), {targets: {}})?.id).toBe(runbookPlanId(r.id))
    expect(
      rebuildPlan('duplicate-clickhouse', {
        namespace: 'n',
        release: 'r',
        active: 'a',
        activeService: 'a',
        duplicates: [],
        clients: [],
        chart: 'c',
        chartVersion: null,
        deleteClaims: false,
      })?.id,
    ).toBe('duplicate-clickhouse')
  })
  test('runbooks name checks that exist', () => {
    const ids = new Set(ALL_CHECKS.map((c) => c.id))
    for (const r of ALL_RUNBOOKS) for (const c of r.checks) expect(ids.has(c), `${r.id} → ${c}`).toBe(true)
  })
})

describe('command registry', () => {
  test('every command file is registered under its path', () => {
    const files = filesUnder('commands')
      .map((f) => f.replace(/\.ts$/, '').replace(/\//g, ':'))
      .sort()
    expect(Object.keys(COMMANDS).sort()).toEqual(files)
  })
  test('the lab commands of the contract exist', () => {
    for (const id of [
      'lab:up',
      'lab:status',
      'lab:break',
      'lab:heal',
      'lab:down',
      'doctor',
      'checks:list',
      'runbook:run',
      'fix:duplicate-clickhouse',
      'journal:list',
    ])
      expect(COMMANDS[id]).toBeDefined()
  })
})

describe('gateway boundary', () => {
  test('only src/gateways imports the ClickHouse or Kubernetes client', async () => {
    const {readFileSync} = await import('node:fs')
    const offenders: string[] = []
    for (const dir of ['src', 'commands', 'checks', 'runbooks']) {
      for (const file of filesUnder(dir)) {
        const path = join(dir, file)
        if (path.startsWith('src/gateways/')) continue
        if (/from '(@clickhouse\/client|@kubernetes\/client-node)'/.test(readFileSync(join(ROOT, path), 'utf8'))) offenders.push(path)
      }
    }
    expect(offenders).toEqual([])
  })
})

describe('thresholds: declared once, each owned by the checks that read it', () => {
  const sources = new Map(filesUnder('checks').map((f) => [f.replace(/\.ts$/, ''), readFileSync(join(ROOT, 'checks', f), 'utf8')]))
  const reads = (checkId: string) => new Set([...(sources.get(checkId) ?? '').matchAll(/thresholds\.([a-zA-Z]+)/g)].map((m) => m[1]!))

  test('every threshold names checks that exist and read it', () => {
    for (const key of THRESHOLD_KEYS) {
      expect(THRESHOLD_SPECS[key].checks.length, key).toBeGreaterThan(0)
      for (const id of THRESHOLD_SPECS[key].checks) {
        expect(
          ALL_CHECKS.some((c) => c.id === id),
          `${key}: ${id} is a check`,
        ).toBe(true)
        expect([...reads(id)], `${id} reads thresholds.${key}`).toContain(key)
      }
    }
  })

  test('every threshold a check reads names that check as its owner', () => {
    for (const check of ALL_CHECKS)
      for (const key of reads(check.id)) expect(THRESHOLD_SPECS[key as ThresholdKey]?.checks, `thresholds.${key} read by ${check.id}`).toContain(check.id)
  })

  test('the config schema and the defaults cover exactly the declared thresholds', () => {
    expect(Object.keys(CONFIG_SCHEMA.properties.thresholds.properties).sort()).toEqual(THRESHOLD_KEYS.map((k) => THRESHOLD_SPECS[k].config).sort())
    expect(Object.keys(resolveThresholds()).sort()).toEqual([...THRESHOLD_KEYS].sort())
    expect(resolveThresholds({replicaDelay: '2m', podRestarts: 3}, {freshnessWindowSeconds: '45s'})).toMatchObject({
      replicaDelaySeconds: 120,
      podRestarts: 3,
      freshnessWindowSeconds: 45,
      diskFreePercent: 10,
    })
  })
})

describe('every check has a unit test of its own logic (fixtures, no servers)', () => {
  const unitSources = readdirSync(join(ROOT, 'test/unit'))
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => readFileSync(join(ROOT, 'test/unit', f), 'utf8'))
  test.each(ALL_CHECKS.map((c) => c.id))('%s', (id) => {
    const colocated = existsSync(join(ROOT, 'checks', `${id}.test.ts`))
    const imported = unitSources.some((s) => s.includes(`checks/${id}.js'`))
    expect(colocated || imported, `checks/${id}.test.ts (or a test/unit file importing the check)`).toBe(true)
  })
})
