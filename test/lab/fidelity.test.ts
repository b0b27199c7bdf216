import {execFile, spawn} from 'node:child_process'
import {existsSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {labKubectlBinary} from '../../src/lab/helm-binary.js'
import {readState} from '../../src/lab/state.js'
import {runCli} from '../helpers/cli.js'
import {TestLab, doctorUntil, eventually, failing, notPassing, processesMentioning, resultOf} from '../helpers/lab.js'

/**
 * The lab as a new user meets it with the real kubectl: the chart's CRDs installed by Helm,
 * `kubectl get` tables, `kubectl port-forward` to a real ClickHouse, processes that die and come
 * back as containers do, hosts that stay down the way they do on a cluster; and doctor on those
 * real objects: the pod's own state for a host that does not answer, checks selected decide what
 * is opened, one cause said once, a failing mutation seen on 18.16.
 */
const lab = new TestLab()
let kubeconfig = ''

beforeAll(async () => {
  await lab.up(['--shards', '2', '--replicas', '2'])
  kubeconfig = lab.status.kubeconfig!
})

afterAll(async () => {
  await lab.down()
  expect(processesMentioning(lab.dir)).toEqual([])
})

function kubectl(args: string[], timeoutMs = 30_000): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise((resolve) => {
    execFile(labKubectlBinary(31)!, ['--kubeconfig', kubeconfig, '-n', 'platform', ...args], {timeout: timeoutMs}, (error, stdout, stderr) =>
      resolve({code: error ? ((error as {code?: number}).code ?? 1) : 0, stdout, stderr}),
    )
  })
}

type ContainerStatus = {
  restartCount: number
  ready: boolean
  state: {waiting?: {reason: string; message: string}; running?: object}
  lastState: {terminated?: {exitCode: number; reason: string}}
}
const containerOf = async (pod: string): Promise<ContainerStatus | undefined> => {
  const r = await kubectl(['get', 'pod', pod, '-o', 'json'])
  return r.code === 0 ? (JSON.parse(r.stdout) as {status: {containerStatuses?: ContainerStatus[]}}).status.containerStatuses?.[0] : undefined
}
const uidOf = async (pod: string) => (JSON.parse((await kubectl(['get', 'pod', pod, '-o', 'json'])).stdout) as {metadata: {uid: string}}).metadata.uid
/** doctor through the kubeconfig alone. */
const kubeDoctor = (args: string[] = []) =>
  lab.doctor(['--kubeconfig', kubeconfig, ...args], {
    SIGNOZ_HA_CLICKHOUSE_URL: undefined,
    SIGNOZ_HA_CLICKHOUSE_USER: undefined,
    SIGNOZ_HA_CLICKHOUSE_PASSWORD: undefined,
  })
const status = async () => JSON.parse((await runCli(['lab', 'status', '--dir', lab.dir, '--json'])).stdout) as typeof lab.status & {chart?: string}

describe('the release as kubectl shows it', () => {
  test('lab status names the chart the release was installed from', async () => {
    const s = await status()
    expect(s.chart).toMatch(/src\/lab\/chart\/signoz$/)
    expect(existsSync(join(s.chart!, 'Chart.yaml'))).toBe(true)
  })

  test("Helm installed the operator's CRDs from the chart's crds/, and the CHI prints its columns", async () => {
    const crds = await kubectl([
      'get',
      'crd',
      '--no-headers',
      '-o',
      'custom-columns=NAME:.metadata.name,ESTABLISHED:.status.conditions[?(@.type=="Established")].status',
    ])
    expect(crds.stdout.trim().split('\n').sort()).toEqual([
      expect.stringMatching(/^clickhouseinstallations\.clickhouse\.altinity\.com\s+True$/),
      expect.stringMatching(/^clickhouseinstallationtemplates\.clickhouse\.altinity\.com\s+True$/),
      expect.stringMatching(/^clickhouseoperatorconfigurations\.clickhouse\.altinity\.com\s+True$/),
    ])
    const chi = await kubectl(['get', 'chi'])
    expect(chi.stdout.split('\n')[0]).toMatch(/^NAME\s+CLUSTERS\s+HOSTS\s+STATUS\s+HOSTS-COMPLETED\s+AGE$/)
    expect(chi.stdout).toMatch(/signoz-clickhouse\s+1\s+4\s+Completed\s+4\s+\S+/)
  })

  test('kubectl get pods -o wide: READY, STATUS, RESTARTS, IP and NODE of every pod', async () => {
    const r = await kubectl(['get', 'pods', '-o', 'wide'])
    const lines = r.stdout.trim().split('\n')
    expect(lines[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+/)
    for (const pod of lab.status.clickhouse.map((h) => h.pod))
      expect(lines.find((l) => l.startsWith(pod))).toMatch(/\s1\/1\s+Running\s+0\s+\S+\s+10\.\d+\.\d+\.\d+\s+lab-node-\d/)
    expect(lines.find((l) => l.startsWith('signoz-telemetrystore-migrator'))).toMatch(/0\/1\s+Completed/)
  })

  test.each(['websocket', 'spdy'] as const)('kubectl port-forward (%s) reaches the real ClickHouse of a pod', async (transport) => {
    const host = lab.status.clickhouse[0]!
    const child = spawn(labKubectlBinary(31)!, ['--kubeconfig', kubeconfig, '-n', 'platform', 'port-forward', `pod/${host.pod}`, ':8123'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {...process.env, KUBECTL_PORT_FORWARD_WEBSOCKETS: transport === 'websocket' ? 'true' : 'false'},
    })
    try {
      let out = ''
      child.stderr.on('data', (d) => (out += d))
      const port = await new Promise<number>((resolve, reject) => {
        child.stdout.on('data', (d) => {
          const m = /Forwarding from 127\.0\.0\.1:(\d+) -> 8123/.exec(String(d))
          if (m) resolve(Number(m[1]))
        })
        setTimeout(() => reject(new Error(`kubectl did not forward: ${out}`)), 15_000)
      })
      const auth = `Basic ${Buffer.from(`${lab.status.user}:${lab.status.password}`).toString('base64')}`
      for (const query of ['SELECT version()', "SELECT substitution FROM system.macros WHERE macro = 'replica'"]) {
        const response = await fetch(`http://127.0.0.1:${port}/`, {method: 'POST', body: query, headers: {authorization: auth}})
        expect(response.status).toBe(200)
        expect((await response.text()).trim()).toMatch(query.includes('version') ? /^18\.16/ : new RegExp(`^${host.pod.replace(/-0$/, '')}$`))
      }
    } finally {
      child.kill('SIGINT')
    }
  })
})

describe('containers restart like containers', () => {
  test('a ClickHouse process killed by hand comes back by itself: restartCount 1, last exit 137 (Error)', async () => {
    const host = lab.status.clickhouse[1]!
    const before = await uidOf(host.pod)
    process.kill(readState(lab.dir).clickhouse[1]!.pid!, 'SIGKILL')
    await eventually(
      `${host.pod} to run again`,
      async () => {
        const c = await containerOf(host.pod)
        return Boolean(c?.ready && c.restartCount === 1)
      },
      30_000,
    )
    const c = (await containerOf(host.pod))!
    expect(c.lastState.terminated).toMatchObject({exitCode: 137, reason: 'Error'})
    expect(await uidOf(host.pod)).toBe(before)
    await eventually('lab status to be healthy again', async () => (await status()).healthy, 30_000)
  })

  test('a host that must stay down crash-loops with the back-off; doctor reports the pod, not the port-forward; heal recreates it', async () => {
    const host = lab.status.clickhouse[3]!
    await lab.break('kill-replica', host.pod)
    try {
      await eventually(
        `${host.pod} to be in CrashLoopBackOff after two restarts`,
        async () => {
          const c = await containerOf(host.pod)
          return c?.state.waiting?.reason === 'CrashLoopBackOff' && c.restartCount >= 2
        },
        60_000,
      )
      const c = (await containerOf(host.pod))!
      // The server really exits on its configuration (EX_CONFIG), and the back-off doubles from 10 s.
      expect(c.lastState.terminated).toMatchObject({exitCode: 78, reason: 'Error'})
      expect(c.state.waiting!.message).toMatch(new RegExp(`^back-off (10|20|40)s restarting failed container=clickhouse pod=${host.pod}_platform\\(`))
      const events = await kubectl(['get', 'events', '--field-selector', `involvedObject.name=${host.pod},reason=BackOff`, '--no-headers'])
      expect(events.stdout).toMatch(/Back-off restarting failed container clickhouse in pod/)

      const {report} = await kubeDoctor(['--only', 'clickhouse/reachable', '--only', 'kube/crashloops', '--only', 'keeper/stale-replicas'])
      const down = resultOf(report, 'clickhouse/reachable').findings.find((f) => !f.ok)!
      expect(down.subject).toBe(host.pod)
      expect(down.message).toMatch(
        new RegExp(
          `pod ${host.pod} is Running but not ready; container clickhouse CrashLoopBackOff \\(back-off \\d+s .*\\), \\d+ restarts, last exit 78 \\(Error\\)`,
        ),
      )
      expect(down.evidence).toMatchObject({phase: 'Running', waiting: 'CrashLoopBackOff', lastExitCode: 78})
      expect(JSON.stringify(down)).not.toMatch(/ECONNRESET.*does not answer/)
      expect(resultOf(report, 'kube/crashloops').status).toBe('fail')
      // A host the layout defines is no stale replica, answering or not, with or without Kubernetes.
      expect(resultOf(report, 'keeper/stale-replicas').status).toBe('pass')
      const urlsOnly = await lab.doctor(['--only', 'keeper/stale-replicas'], {KUBECONFIG: undefined, HOME: mkdtempSync(join(tmpdir(), 'signoz-ha-home-'))})
      expect(resultOf(urlsOnly.report, 'keeper/stale-replicas').status).toBe('pass')
    } finally {
      await lab.heal('kill-replica')
    }
    const c = (await containerOf(host.pod))!
    expect(c).toMatchObject({ready: true, restartCount: 0})
    expect(notPassing((await kubeDoctor()).report)).toEqual([])
  })

  test('lab heal with no fault brings back processes killed or stopped by hand', async () => {
    const state = readState(lab.dir)
    process.kill(state.keeper.pid!, 'SIGKILL')
    process.kill(state.clickhouse[2]!.pid!, 'SIGSTOP')
    process.kill(state.ingestion.pid!, 'SIGKILL')
    const r = await runCli(['lab', 'heal', '--dir', lab.dir], {timeoutMs: 240_000})
    expect(r.stderr).toBe('')
    expect(r.stdout).toMatch(/no active faults; the lab is healthy/)
    const s = await status()
    expect(s.healthy).toBe(true)
    expect(s.clickhouse.map((h) => h.state)).toEqual(['running', 'running', 'running', 'running'])
    const healed = await doctorUntil(
      () => kubeDoctor(),
      (rep) => notPassing(rep).length === 0,
      30_000,
    )
    expect(notPassing(healed.report)).toEqual([])
  })
})

describe('doctor on real objects', () => {
  test('checks that read no ClickHouse run without it: --only kube --only helm exits by their findings, opens no port-forward', async () => {
    // Every host rejects the credentials: no ClickHouse check could run.
    const broken = {SIGNOZ_HA_CLICKHOUSE_PASSWORD: 'not-the-password-42'}
    const all = await lab.cli(['doctor', '--kubeconfig', kubeconfig, '-o', 'json'], {...broken, SIGNOZ_HA_CLICKHOUSE_URL: undefined})
    expect(all.code).toBe(3)
    const selected = await lab.cli(['doctor', '--kubeconfig', kubeconfig, '--only', 'kube', '--only', 'helm', '-o', 'json', '--stats'], {
      ...broken,
      SIGNOZ_HA_CLICKHOUSE_URL: undefined,
    })
    expect(selected.code).toBe(0)
    const report = JSON.parse(selected.stdout) as {results: {id: string; status: string}[]; errors: string[]; stats: {queries: number; apiRequests: number}}
    expect(report.errors).toEqual([])
    expect(report.results.every((r) => r.id.startsWith('kube/') || r.id.startsWith('helm/'))).toBe(true)
    expect(report.results.filter((r) => r.status !== 'pass').map((r) => r.id)).toEqual([])
    expect(report.stats.queries).toBe(0)
    expect(selected.stdout + selected.stderr).not.toContain('not-the-password-42')
  })

  test('one cause that skips many checks is said once in text, with the checks it skipped; JSON keeps every result', async () => {
    const env = {KUBECONFIG: undefined, HOME: mkdtempSync(join(tmpdir(), 'signoz-ha-home-'))}
    const text = await lab.cli(['doctor'], env)
    const reason = 'needs Kubernetes access (--kubeconfig)'
    expect(text.stdout.split(reason).length - 1).toBe(1)
    expect(text.stdout).toMatch(
      /not checked\n {2}- needs Kubernetes access \(--kubeconfig\)\n {6}\d+ checks skipped: (?:[a-z/-]+, )*kube\/duplicate-clickhouse, /,
    )
    const json = await lab.doctor([], env)
    const skipped = json.report.results.filter((r) => r.reason === reason)
    expect(skipped.length).toBeGreaterThan(5)
    expect(skipped.every((r) => r.status === 'skip')).toBe(true)
  })

  test('a mutation failing on a replicated SigNoz table is reported within a minute on 18.16, with the KILL MUTATION statement', async () => {
    await lab.break('failing-mutation')
    try {
      const started = Date.now()
      const run = await doctorUntil(
        () => lab.doctor(['--only', 'clickhouse/mutations-stuck']),
        (r) => failing(r).includes('clickhouse/mutations-stuck'),
        60_000,
      )
      expect(Date.now() - started).toBeLessThan(60_000)
      const finding = resultOf(run.report, 'clickhouse/mutations-stuck').findings.find((f) => !f.ok)!
      expect(finding.subject).toMatch(/\/signoz_logs\.logs_v2$/)
      expect(finding.message).toMatch(/part mutation\(s\) failing in the replication queue \(\d+ tries\): Code: 395/)
      expect(finding.evidence?.kill).toMatch(/^KILL MUTATION WHERE database = 'signoz_logs' AND table = 'logs_v2' AND mutation_id = '\d+'$/)
    } finally {
      await lab.heal('failing-mutation')
    }
    expect(notPassing((await lab.doctor()).report)).toEqual([])
  })
})

describe('missing pieces are usage errors, in one line', () => {
  const oneLine = (r: {stderr: string}) => {
    expect(r.stderr).not.toMatch(/this is a bug|\n\s+at /)
    expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2)
  }

  test('helm not found: exit 2, names --helm, SIGNOZ_HA_HELM and the versions, changes nothing', async () => {
    for (const helm of ['/nonexistent/helm', 'no-such-helm-binary']) {
      const r = await lab.cli(
        ['upgrade', '--safe', '--kubeconfig', kubeconfig, '--set', 'otelCollector.resources.requests.cpu=300m', '--backup-confirmed', '--yes'],
        {SIGNOZ_HA_HELM: helm},
      )
      expect(r.code, helm).toBe(2)
      expect(r.stderr).toMatch(/^signoz-ha: helm not found: /)
      expect(r.stderr).toMatch(/Helm 3 or 4.*--helm or SIGNOZ_HA_HELM/)
      oneLine(r)
    }
    const runbook = await lab.cli(['runbook', 'run', 'helm-release-stuck', '--kubeconfig', kubeconfig, '--yes'], {SIGNOZ_HA_HELM: '/nonexistent/helm'})
    // Nothing to do on a healthy release: the missing helm is not needed, not an error.
    expect(runbook.code).toBe(0)
  })

  test('an unknown journal id is "no journal", exit 2, before the cluster is read', async () => {
    // A kubeconfig whose API is closed: reading the cluster would be exit 3.
    const dead = join(mkdtempSync(join(tmpdir(), 'signoz-ha-dead-')), 'kubeconfig')
    writeFileSync(
      dead,
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:9"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n',
    )
    for (const args of [
      ['fix', 'duplicate-clickhouse', '--undo', 'no-such-journal'],
      ['runbook', 'run', 'keeper-down', '--undo', 'no-such-journal'],
    ]) {
      const r = await runCli([...args, '--kubeconfig', dead])
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).toMatch(/^signoz-ha: no journal "no-such-journal"/)
      oneLine(r)
    }
  })

  test('no kubeconfig anywhere: one line saying so, exit 2', async () => {
    const env = {KUBECONFIG: undefined, HOME: mkdtempSync(join(tmpdir(), 'signoz-ha-home-')), KUBERNETES_SERVICE_HOST: undefined}
    for (const args of [
      ['runbook', 'run', 'keeper-down', '--yes'],
      ['fix', 'duplicate-clickhouse', '--yes'],
      ['doctor', '--only', 'kube', '-n', 'platform'],
    ]) {
      const r = await runCli(args, {env})
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).toMatch(/^signoz-ha: no kubeconfig: no --kubeconfig, no KUBECONFIG, no ~\/\.kube\/config, and not running in a pod/)
      expect(r.stderr).not.toMatch(/skipTLSVerify/)
      oneLine(r)
    }
  })

  test('signoz-ha --version ends its line', async () => {
    const r = await runCli(['--version'])
    expect(r.stdout).toMatch(/^signoz-ha\/\d+\.\d+\.\d+ \S+ node-v\d+\.\d+\.\d+\n$/)
  })
})
