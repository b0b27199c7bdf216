import {cpSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {AppsV1Api, CoreV1Api, CustomObjectsApi, KubeConfig, type V1Pod} from '@kubernetes/client-node'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {runHelm} from '../../src/gateways/helm.js'
import {KUBE_FAULTS} from '../../src/lab/kube-faults.js'
import {helmUpgrade, labHelm, labChartPath, waitReleaseSettled} from '../../src/lab/release.js'
import {readState} from '../../src/lab/state.js'
import {readHeartbeat} from '../../src/lab/world.js'
import {LEGACY_SKIPS, TestLab, doctorUntil, failing, notPassing, processesMentioning, resultOf} from '../helpers/lab.js'

/**
 * The Kubernetes half end to end: the SigNoz release installed by real Helm into the simulator,
 * controllers backed by the real ClickHouse and ZooKeeper processes, doctor reaching everything
 * through the kubeconfig alone, and each Kubernetes fault detected by its check and healed.
 */
const lab = new TestLab()
/** Thresholds lowered so that seconds show what production sees in minutes. */
const QUICK = join(mkdtempSync(join(tmpdir(), 'signoz-ha-quick-')), 'signoz-ha.yaml')
writeFileSync(QUICK, 'thresholds:\n  terminatingStuck: 1s\n')
let kubeconfig = ''

const api = () => {
  const kc = new KubeConfig()
  kc.loadFromFile(kubeconfig)
  return {core: kc.makeApiClient(CoreV1Api), apps: kc.makeApiClient(AppsV1Api), custom: kc.makeApiClient(CustomObjectsApi)}
}
/** doctor with nothing but the kubeconfig (the lab env's ClickHouse URLs removed). */
const doctor = (args: string[] = []) =>
  lab.doctor(['--kubeconfig', kubeconfig, ...args], {
    SIGNOZ_HA_CLICKHOUSE_URL: undefined,
    SIGNOZ_HA_CLICKHOUSE_USER: undefined,
    SIGNOZ_HA_CLICKHOUSE_PASSWORD: undefined,
    SIGNOZ_HA_CLUSTER: undefined,
  })
const helm = (args: string[], namespace = 'platform') => runHelm({...labHelm(readState(lab.dir)), namespace}, args)

beforeAll(async () => {
  await lab.up(['--shards', '2', '--replicas', '2'])
  kubeconfig = lab.status.kubeconfig!
})

afterAll(async () => {
  await lab.down()
  expect(processesMentioning(lab.dir)).toEqual([])
})

describe('the SigNoz release in the lab', () => {
  test('lab up installed the lab chart with real Helm: status, history and values are real', async () => {
    const status = JSON.parse((await helm(['status', 'signoz', '-o', 'json'])).stdout) as {info: {status: string}; version: number}
    expect(status).toMatchObject({version: 1, info: {status: 'deployed'}})
    const history = JSON.parse((await helm(['history', 'signoz', '-o', 'json'])).stdout) as {chart: string; status: string}[]
    expect(history).toEqual([expect.objectContaining({chart: 'signoz-0.130.1', status: 'deployed'})])
    const values = JSON.parse((await helm(['get', 'values', 'signoz', '-o', 'json'])).stdout)
    expect(values.clickhouse).toMatchObject({
      fullnameOverride: 'signoz-clickhouse',
      cluster: 'cluster',
      layout: {shardsCount: 2, replicasCount: 2},
      zookeeper: {replicaCount: 3},
    })
    expect(values.telemetryStoreMigrator).toEqual({enableReplication: true})
    expect(labChartPath()).toMatch(/src\/lab\/chart\/signoz$/)
  })

  test('the operator made one StatefulSet, Service and ready pod per host, named as Altinity does', async () => {
    const {core, apps, custom} = api()
    const chi = (await custom.getNamespacedCustomObject({
      group: 'clickhouse.altinity.com',
      version: 'v1',
      namespace: 'platform',
      plural: 'clickhouseinstallations',
      name: 'signoz-clickhouse',
    })) as {status: {status: string; hostsCompleted: number}}
    expect(chi.status).toMatchObject({status: 'Completed', hostsCompleted: 4})
    const sts = await apps.listNamespacedStatefulSet({namespace: 'platform', labelSelector: 'clickhouse.altinity.com/chi=signoz-clickhouse'})
    expect(sts.items.map((s) => s.metadata?.name ?? '').sort((a, b) => a.localeCompare(b))).toEqual([
      'chi-signoz-clickhouse-cluster-0-0',
      'chi-signoz-clickhouse-cluster-0-1',
      'chi-signoz-clickhouse-cluster-1-0',
      'chi-signoz-clickhouse-cluster-1-1',
    ])
    const pods = await core.listNamespacedPod({namespace: 'platform', labelSelector: 'clickhouse.altinity.com/chi=signoz-clickhouse'})
    expect(pods.items.every((p) => p.status?.phase === 'Running' && p.metadata?.labels?.['clickhouse.altinity.com/ready'] === 'yes')).toBe(true)
    // One ClickHouse host per node, and a shard's replicas in different zones.
    const nodes = pods.items.map((p) => p.spec?.nodeName)
    expect(new Set(nodes).size).toBe(4)
    const endpoints = await core.readNamespacedEndpoints({namespace: 'platform', name: 'signoz-clickhouse'})
    expect(endpoints.subsets?.[0]?.addresses?.map((a) => a.targetRef?.name).sort()).toEqual(lab.status.clickhouse.map((h) => h.pod).sort())
    const claims = await core.listNamespacedPersistentVolumeClaim({namespace: 'platform'})
    expect(claims.items.filter((c) => c.metadata?.name?.startsWith('data-volumeclaim-template-chi-')).every((c) => c.status?.phase === 'Bound')).toBe(true)
  })

  test('a ClickHouse pod serves its real server log; the migrator Job ran the lab migrator and completed', async () => {
    const {core} = api()
    const log = await core.readNamespacedPodLog({namespace: 'platform', name: lab.status.clickhouse[0]!.pod, tailLines: 20})
    expect(String(log)).toMatch(/<(Information|Debug|Trace)>/)
    const jobs = await core.listNamespacedPod({namespace: 'platform', labelSelector: 'job-name=signoz-telemetrystore-migrator'})
    const pod = jobs.items.find((p: V1Pod) => p.status?.phase === 'Succeeded')!
    expect(pod).toBeDefined()
    // Each step is its own container with its own log: sync-up an init container, async the main one (the default log).
    expect(String(await core.readNamespacedPodLog({namespace: 'platform', name: pod.metadata!.name!, container: 'sync-up'}))).toMatch(
      /"msg":"sync migrations done","applied":\d+,"alreadyFinished":\d+/,
    )
    expect(String(await core.readNamespacedPodLog({namespace: 'platform', name: pod.metadata!.name!}))).toMatch(/"msg":"no async migrations pending"/)
  })

  test('the collectors write through the Service their CLICKHOUSE_HOST names', async () => {
    const beat = readHeartbeat(lab.dir)!
    expect(Date.now() - Date.parse(beat.lastSuccessAt!)).toBeLessThan(5000)
    expect(lab.status.clickhouse.map((h) => `127.0.0.1:${h.httpPort}`)).toContain(beat.lastTarget)
  })
})

describe('doctor --kubeconfig on the healthy lab', () => {
  test('every check passes, ClickHouse reached by port-forward with the release credentials', async () => {
    const {report, code, stderr} = await doctor(['--stats'])
    expect(notPassing(report)).toEqual([])
    expect(code).toBe(0)
    expect(report.target).toMatchObject({
      context: 'signoz-ha-lab',
      namespace: 'platform',
      release: 'signoz',
      clickhouse: {cluster: 'cluster', shards: 2, replicasPerShard: 2, hosts: 4},
    })
    expect(
      resultOf(report, 'clickhouse/reachable')
        .findings.map((f) => f.subject)
        .sort(),
    ).toEqual(lab.status.clickhouse.map((h) => h.pod.replace(/-0$/, '')).sort())
    // One LIST per kind (13) plus one port-forward stream per ClickHouse host.
    expect(stderr).toMatch(/\d+ ClickHouse queries over 4 hosts, 17 Kubernetes API requests/)
  })
})

describe('reports for pipelines', () => {
  test('--watch re-runs and says what changed since the previous run', async () => {
    const r = await lab.cli(['doctor', '--kubeconfig', kubeconfig, '--only', 'kube', '--watch', '1s', '--count', '2'], {SIGNOZ_HA_CLICKHOUSE_URL: undefined})
    expect(r.code).toBe(0)
    expect(r.stdout.match(/^signoz-ha doctor/gm)).toHaveLength(2)
    expect(r.stderr).toMatch(/^no change since \d{4}-/m)
  })

  test('-o junit --output-file writes the JUnit report and prints the text one', async () => {
    const out = join(lab.dir, 'reports', 'doctor.xml')
    const r = await lab.cli(['doctor', '--kubeconfig', kubeconfig, '-o', 'junit', '--output-file', out], {SIGNOZ_HA_CLICKHOUSE_URL: undefined})
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^signoz-ha doctor/)
    expect(readFileSync(out, 'utf8')).toMatch(/<testsuites name="signoz-ha doctor" tests="\d+" failures="0" errors="0" skipped="\d+"/)
  })
})

/** Each Kubernetes fault: the checks that must fail on it (and pass again after heal). */
const CASES: {fault: string; fails: string[]; message?: [string, RegExp]; during?: () => Promise<void>; args?: string[]}[] = [
  {
    fault: 'duplicate-clickhouse',
    fails: ['kube/collector-clickhouse-target', 'kube/duplicate-clickhouse', 'kube/pods-pending'],
    message: ['kube/pods-pending', /didn't match pod anti-affinity rules/],
  },
  {
    fault: 'installation-deleted',
    fails: ['kube/collector-clickhouse-target', 'kube/orphaned-claims'],
    message: [
      'kube/orphaned-claims',
      /^installation signoz-clickhouse is gone but its 4 data claim\(s\) remain \(.+\): the data of a renamed or deleted installation, mounted by nothing; no installation serves$/,
    ],
  },
  {
    fault: 'collector-wrong-host',
    fails: ['kube/collector-clickhouse-target'],
    message: ['kube/collector-clickhouse-target', /no Service signoz-clickhouse-old/],
  },
  {
    fault: 'pending-antiaffinity',
    fails: ['clickhouse/reachable', 'kube/pods-pending'],
    message: ['kube/pods-pending', /0\/3 nodes are available: 3 node\(s\) didn't match pod anti-affinity rules/],
  },
  {fault: 'node-drained', fails: ['clickhouse/reachable', 'kube/pods-pending'], message: ['kube/pods-pending', /node\(s\) were unschedulable/]},
  {
    fault: 'crashloop',
    fails: ['kube/crashloops'],
    message: ['kube/crashloops', /CrashLoopBackOff/],
    during: async () => {
      // A team that knows about it exempts it in the config file: the check passes, the reason shows.
      const config = join(lab.dir, 'signoz-ha.yaml')
      writeFileSync(
        config,
        'exempt:\n  - check: kube/crashloops\n    subject: signoz-otel-collector-*\n    reason: collector config fix rolling out (INC-42)\n',
      )
      const {report, code} = await doctor(['--config', config, '--only', 'kube/crashloops'])
      expect(code).toBe(0)
      expect(resultOf(report, 'kube/crashloops').findings[0]).toMatchObject({ok: true, exemption: 'collector config fix rolling out (INC-42)'})
    },
  },
  {fault: 'pvc-pending', fails: ['clickhouse/reachable', 'kube/pods-pending', 'kube/pvc'], message: ['kube/pvc', /Pending/]},
  // The migrator's init container crash-loops under OnFailure: a crash loop too.
  {
    fault: 'migrator-job-failed',
    fails: ['helm/release-status', 'kube/crashloops', 'kube/migrator-job'],
    message: [
      'kube/migrator-job',
      /^init container ready \(migrate ready\) exited 1(, \d+ times)?(; in CrashLoopBackOff|; running again)?: Error: store not ready due to non-retryable error: context deadline exceeded — the migrator's own timeout passed/,
    ],
  },
  {
    fault: 'helm-pending-upgrade',
    fails: ['helm/release-status'],
    message: ['helm/release-status', /pending-upgrade/],
    during: async () => {
      const r = await helm(['upgrade', 'signoz', labChartPath(), '--reuse-values'])
      expect(r.stderr).toMatch(/another operation \(install\/upgrade\/rollback\) is in progress/)
    },
  },
  {fault: 'keeper-single-replica', fails: ['helm/values-ha', 'keeper/quorum'], message: ['keeper/quorum', /1 member/]},
  {
    fault: 'collector-wrong-cluster',
    fails: ['signoz/cluster-name'],
    message: ['signoz/cluster-name', /"signoz-prod" but the installation's cluster is "cluster"/],
  },
  {fault: 'operator-down', fails: ['kube/operator'], message: ['kube/operator', /0\/0 ready: nothing reconciles/]},
  {fault: 'stuck-terminating', fails: ['kube/terminating'], message: ['kube/terminating', /held by kubernetes.io\/pvc-protection/], args: ['--config', QUICK]},
  {
    fault: 'clickhouse-version-skew',
    fails: ['signoz/version-compat'],
    message: ['signoz/version-compat', /declares ClickHouse 25\.12\.5 but 4 of 4 hosts run 18\./],
  },
  {
    fault: 'collector-needs-newer-clickhouse',
    fails: ['signoz/version-compat'],
    message: ['signoz/version-compat', /^needs ClickHouse ≥ 25\.12\.5 but runs 18\./],
  },
  {fault: 'keeper-no-autopurge', fails: ['helm/values-ha'], message: ['helm/values-ha', /autopurge is off/]},
  {fault: 'operator-crd-drift', fails: ['kube/operator'], message: ['kube/operator', /version 0\.18\.3 but the operator runs 0\.21\.2/]},
  {fault: 'pvc-resize-pending', fails: ['kube/pvc'], message: ['kube/pvc', /resize to 20Gi not finished: the volume has 10Gi \(FileSystemResizePending/]},
  {fault: 'liveness-kill', fails: ['kube/crashloops'], message: ['kube/crashloops', /killed by its liveness probe.*the probe allows 90s.*add a startupProbe/]},
]
const SCOPE = [
  '--only',
  'kube',
  '--only',
  'helm',
  '--only',
  'keeper/quorum',
  '--only',
  'clickhouse/reachable',
  '--only',
  'signoz/cluster-name',
  '--only',
  'signoz/version-compat',
]

test('every Kubernetes fault is exercised here', () => {
  expect(CASES.map((c) => c.fault).sort()).toEqual(KUBE_FAULTS.map((f) => f.id).sort())
})

describe.each(CASES)('fault $fault', ({fault, fails, message, during, args = []}) => {
  test('its checks fail for real, and pass again after heal', async () => {
    await lab.break(fault)
    try {
      // Controllers and thresholds take their time (a claim Terminating for longer than the threshold): polled.
      const broken = await doctorUntil(
        () => doctor([...SCOPE, ...args]),
        (r) => failing(r).join() === [...fails].sort().join(),
        15_000,
      )
      expect(failing(broken.report)).toEqual(fails)
      expect(broken.code).toBe(1)
      if (message)
        expect(
          resultOf(broken.report, message[0])
            .findings.filter((f) => !f.ok)
            .map((f) => f.message)
            .join('\n'),
        ).toMatch(message[1])
      await during?.()
    } finally {
      // Healed whatever happened, so one failing case never breaks the next.
      await lab.heal(fault)
    }
    const healed = await doctor([...SCOPE, ...args])
    expect(notPassing(healed.report)).toEqual([])
  })
})

describe('ingestion really follows the collectors', () => {
  const FRESH = ['--only', 'signoz/ingestion-fresh', '--freshness-window', '5s']
  test('a collector pointed at a missing Service stops ingestion; signoz/ingestion-fresh sees it', async () => {
    await lab.break('collector-wrong-host')
    // The rows go stale as the window passes: polled, at the machine's pace.
    const {report} = await doctorUntil(
      () => doctor(FRESH),
      (r) => resultOf(r, 'signoz/ingestion-fresh').status === 'fail',
      30_000,
    )
    expect(resultOf(report, 'signoz/ingestion-fresh').status).toBe('fail')
    expect(readHeartbeat(lab.dir)?.lastError).toMatch(/no such host/)
    await lab.heal('collector-wrong-host')
    // Rows flow again within a second or two of the heal.
    const healed = await doctorUntil(
      () => doctor(FRESH),
      (r) => notPassing(r).length === 0,
      20_000,
    )
    expect(notPassing(healed.report)).toEqual([])
  })
})

describe('Keeper of other shapes, judged by what the installation names (the chart values that switch to it)', () => {
  const KEEPER = 'signoz-keeper'
  const KEEPER_CHECKS = ['--only', 'keeper/quorum,keeper/reachable']
  const upgrade = (...args: string[]) => helmUpgrade(readState(lab.dir), ['--reuse-values', ...args])

  test('a Keeper StatefulSet of three behind one Service, then an external ensemble: no false critical, one external member fails', async () => {
    const {core, apps} = api()
    // A Keeper of its own (as a ClickHouseKeeperInstallation or a Keeper chart runs it): three
    // members behind one Service; the lab's kubelet backs a Keeper image with its real ensemble.
    await core.createNamespacedService({
      namespace: 'platform',
      body: {metadata: {name: KEEPER}, spec: {selector: {app: KEEPER}, ports: [{name: 'client', port: 2181}]}},
    })
    await apps.createNamespacedStatefulSet({
      namespace: 'platform',
      body: {
        metadata: {name: KEEPER},
        spec: {
          replicas: 3,
          serviceName: KEEPER,
          selector: {matchLabels: {app: KEEPER}},
          template: {
            metadata: {labels: {app: KEEPER}},
            spec: {containers: [{name: 'clickhouse-keeper', image: 'clickhouse/clickhouse-keeper:24.8', ports: [{containerPort: 2181}]}]},
          },
        },
      },
    })
    try {
      await expect
        .poll(async () => (await apps.readNamespacedStatefulSet({namespace: 'platform', name: KEEPER})).status?.readyReplicas, {timeout: 30_000, interval: 250})
        .toBe(3)
      // The chart's own ZooKeeper off, the installation pointed at the Keeper Service (clickhouse.externalZookeeper).
      await upgrade('--set', 'clickhouse.zookeeper.enabled=false', '--set-json', `clickhouse.externalZookeeper.servers=[{"host":"${KEEPER}","port":2181}]`)
      const keeper = await doctorUntil(
        () => doctor(KEEPER_CHECKS),
        (r) => resultOf(r, 'keeper/quorum').findings.some((f) => f.subject === KEEPER),
        30_000,
      )
      expect(notPassing(keeper.report)).toEqual([])
      expect(resultOf(keeper.report, 'keeper/quorum').findings).toEqual([
        expect.objectContaining({subject: KEEPER, ok: true, message: '3/3 members ready', evidence: {members: 3, ready: 3, clickhouseNodes: 1}}),
      ])
      // An ensemble outside the cluster, each member listed: seen as configured, not as pods.
      const external = ['zk-0.ensemble.example.com', 'zk-1.ensemble.example.com', 'zk-2.ensemble.example.com']
      await upgrade('--set-json', `clickhouse.externalZookeeper.servers=${JSON.stringify(external.map((host) => ({host, port: 2181})))}`)
      const three = resultOf((await doctor(KEEPER_CHECKS)).report, 'keeper/quorum')
      expect(three.status, JSON.stringify(three)).toBe('pass')
      expect(three.findings[0]!.message).toBe(`3 external members configured: ${external.map((h) => `${h}:2181`).join(', ')}`)
      await upgrade('--set-json', `clickhouse.externalZookeeper.servers=[{"host":"${external[0]}","port":2181}]`)
      const one = resultOf((await doctor(KEEPER_CHECKS)).report, 'keeper/quorum')
      expect(one.status).toBe('fail')
      expect(one.findings[0]!.message).toBe(`1 external member(s) configured (${external[0]}:2181): no quorum survives losing one`)
    } finally {
      await upgrade('--set', 'clickhouse.zookeeper.enabled=true')
      await apps.deleteNamespacedStatefulSet({namespace: 'platform', name: KEEPER})
      await core.deleteNamespacedService({namespace: 'platform', name: KEEPER})
      await waitReleaseSettled(readState(lab.dir))
    }
    const back = await doctorUntil(
      () => doctor(KEEPER_CHECKS),
      (r) => notPassing(r).length === 0,
      30_000,
    )
    expect(resultOf(back.report, 'keeper/quorum').findings.map((f) => f.subject)).toEqual(['signoz-zookeeper'])
  })
})

describe('an upgrade that jumped over a required version (namespace history)', () => {
  /** A copy of the lab chart under another app version: what `helm upgrade --version` would fetch. */
  const chartAt = (appVersion: string) => {
    const dir = join(mkdtempSync(join(tmpdir(), 'signoz-ha-chart-')), 'signoz')
    cpSync(labChartPath(), dir, {recursive: true})
    const chart = join(dir, 'Chart.yaml')
    writeFileSync(chart, readFileSync(chart, 'utf8').replace(/^appVersion: .*$/m, `appVersion: ${appVersion}`))
    return dir
  }

  test('helm/upgrade-path names the stop that v0.70 → v0.80 skipped; a rollback is no skip', async () => {
    for (const [verb, appVersion] of [
      ['install', 'v0.70.0'],
      ['upgrade', 'v0.80.0'],
    ] as const) {
      const r = await helm([verb, 'signoz-old', chartAt(appVersion), '--create-namespace', '--no-hooks'], 'history')
      expect(r.code, r.stderr).toBe(0)
    }
    const only = ['-n', 'history', '--only', 'helm/upgrade-path']
    const skipped = resultOf((await doctor(only)).report, 'helm/upgrade-path')
    expect(skipped.status).toBe('fail')
    expect(skipped.findings[0]!.message).toBe('upgraded v0.70.0 (revision 1) → v0.80.0 past required stop v0.76.0')
    expect((await helm(['rollback', 'signoz-old', '1', '--no-hooks'], 'history')).code).toBe(0)
    const rolledBack = resultOf((await doctor(only)).report, 'helm/upgrade-path')
    expect(rolledBack.status).toBe('pass')
    expect(rolledBack.findings[0]!.message).toMatch(/v0\.80\.0 \(revision 2\) → v0\.70\.0: no required stop in between/)
    await helm(['uninstall', 'signoz-old'], 'history')
  })
})

describe('a second release with the chart defaults (namespace dev)', () => {
  beforeAll(async () => {
    // Two replicas forced onto one node: the chart's defaults have no anti-affinity to prevent it.
    const r = await helm(
      [
        'install',
        'signoz-dev',
        labChartPath(),
        '--create-namespace',
        '--set',
        'clickhouse.layout.replicasCount=2',
        '--set',
        'clickhouse.nodeSelector.kubernetes\\.io/hostname=lab-node-0',
      ],
      'dev',
    )
    expect(r.stderr).toBe('')
  })

  test('default password, replicas on one node and a non-HA layout are reported', async () => {
    let report = (await doctor(['-n', 'dev', ...SCOPE, '--only', 'security'])).report
    for (let i = 0; i < 20 && resultOf(report, 'kube/replica-spread').status !== 'fail'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 300))
      report = (await doctor(['-n', 'dev', '--only', 'kube/replica-spread', '--only', 'security', '--only', 'helm/values-ha'])).report
    }
    expect(report.target).toMatchObject({namespace: 'dev', release: 'signoz-dev'})
    expect(resultOf(report, 'security/default-password').status).toBe('fail')
    expect(resultOf(report, 'kube/replica-spread').findings.find((f) => !f.ok)?.message).toMatch(/share node lab-node-0/)
    const ha = resultOf(report, 'helm/values-ha')
      .findings.filter((f) => !f.ok)
      .map((f) => f.subject)
      .sort()
    expect(ha).toEqual([
      'clickhouse.fullnameOverride',
      'clickhouse.persistence.size',
      'clickhouse.podDistribution',
      'clickhouse.resources.requests.memory',
      'clickhouse.zookeeper.replicaCount',
    ])
  })
})

describe('bad input and partial access', () => {
  test('a missing kubeconfig, a garbage one and an unknown context are one-line usage errors (exit 2)', async () => {
    const garbage = join(lab.dir, 'garbage-kubeconfig')
    writeFileSync(garbage, ':::: not yaml [')
    for (const args of [
      ['--kubeconfig', join(lab.dir, 'nope')],
      ['--kubeconfig', garbage],
      ['--kubeconfig', kubeconfig, '--context', 'nope'],
    ]) {
      const r = await lab.cli(['doctor', ...args], {SIGNOZ_HA_CLICKHOUSE_URL: undefined})
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr.trim().split('\n')[0]).toMatch(
        /^signoz-ha: (kubeconfig .* does not exist|cannot read the kubeconfig|the kubeconfig has no current context|no context "nope")/,
      )
      expect(r.stderr).not.toMatch(/\n\s+at /)
    }
  })

  test('a namespace without SigNoz (a typo) is a usage error naming where SigNoz is, never healthy; with or without ClickHouse URLs', async () => {
    for (const env of [{SIGNOZ_HA_CLICKHOUSE_URL: undefined}, {}]) {
      for (const args of [
        ['doctor', '-n', 'nowhere'],
        ['doctor', '-n', 'nowhere', '-o', 'json'],
        ['status', '-n', 'nowhere'],
        ['status', '-n', 'nowhere', '-o', 'json'],
        ['runbook', 'run', 'replica-readonly', '-n', 'nowhere', '--dry-run'],
      ]) {
        const r = await lab.cli(args, env)
        expect(r.code, args.join(' ')).toBe(2)
        expect(r.stdout).toBe('')
        // (The release of namespace dev, installed above, is found too.)
        expect(r.stderr).toMatch(
          /^signoz-ha: no SigNoz in namespace nowhere of context signoz-ha-lab \(no SigNoz Helm release, ClickHouseInstallation or ClickHouse client there\); SigNoz releases found: (.+, )?signoz in platform(, .+)?\n {2}hint: pick the namespace with -n \w+\n$/,
        )
      }
    }
  })

  test('an unreachable API server with no other source: exit 3 with the reason', async () => {
    const dead = join(lab.dir, 'dead-kubeconfig')
    writeFileSync(dead, readFileSync(kubeconfig, 'utf8').replace(/https:\/\/127\.0\.0\.1:\d+/, 'https://127.0.0.1:1'))
    const r = await lab.cli(['doctor', '--kubeconfig', dead, '-o', 'json'], {SIGNOZ_HA_CLICKHOUSE_URL: undefined})
    expect(r.code).toBe(3)
    const report = JSON.parse(r.stdout)
    expect(report.errors.join(' ')).toMatch(/cannot reach the API server/)
    expect(report.results.every((x: {status: string}) => x.status === 'skip')).toBe(true)
  })

  test('403 on listing Secrets: the Helm checks are skipped with the reason, the rest still run', async () => {
    const {report, code} = await doctor(['--context', 'signoz-ha-lab-restricted'])
    // (Some checks skip on the lab's 18.16 whatever the access.)
    const skipped = report.results.filter((r) => r.status === 'skip' && !LEGACY_SKIPS.has(r.id))
    expect(skipped.map((r) => r.id).sort()).toEqual(['helm/release-status', 'helm/upgrade-path', 'helm/values-ha', 'security/default-password'])
    expect(skipped[0]!.reason).toMatch(/cannot read the Helm release records: secrets is forbidden: User "lab-restricted" cannot list resource "secrets"/)
    expect(resultOf(report, 'kube/pods-pending').status).toBe('pass')
    expect(code).toBe(0)
  })
})
