import {execFileSync, spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parse} from 'yaml'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import type {Report} from '../../src/core/report.js'
import {labKubectlBinary} from '../../src/lab/helm-binary.js'
import type {StatusView} from '../../src/status/view.js'
import {ROOT, runCli} from '../helpers/cli.js'
import {TestLab, doctorUntil, eventually, processesMentioning, resultOf} from '../helpers/lab.js'

/**
 * status, bundle and doctor --from-bundle on a real lab: the first screen of a healthy and of a
 * broken cluster, a bundle of a broken lab that gives the same findings offline once the lab is
 * gone, nothing secret in it, a bundle with partial access, and the kubelet's previous log.
 */
const lab = new TestLab()
const work = mkdtempSync(join(tmpdir(), 'signoz-ha-bundle-'))
let kubeconfig = ''
/** Through the kubeconfig alone, as an operator runs it (no URLs, no password from the lab). */
const clusterEnv = (): NodeJS.ProcessEnv => ({
  KUBECONFIG: kubeconfig,
  SIGNOZ_HA_CLICKHOUSE_URL: undefined,
  SIGNOZ_HA_CLICKHOUSE_USER: undefined,
  SIGNOZ_HA_CLICKHOUSE_PASSWORD: undefined,
})
const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, {env: {...clusterEnv(), ...env}, cwd: work})
const status = async (args: string[] = []) => {
  const r = await cli(['status', '-o', 'json', ...args])
  return {view: JSON.parse(r.stdout) as StatusView, code: r.code, stderr: r.stderr}
}
const unpack = (file: string): string => {
  const dir = mkdtempSync(join(work, 'unpacked-'))
  execFileSync('tar', ['-xzf', file, '-C', dir])
  const [top] = readdirSync(dir)
  return join(dir, top!)
}
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, {recursive: true, encoding: 'utf8'})
    .map((p) => join(dir, p))
    .filter((p) => statSync(p).isFile())
/** After a heal: every host answers and is ready again, before the next drill. */
const everyHostAnswers = () =>
  eventually('every host answers again', async () => (await status()).view.hosts.every((h) => h.error === null && h.ready && h.readonlyTables === 0), 60_000)
/** What a comparison of two doctor runs keeps: each check's status and reason, and its failing subjects. */
const findings = (report: Report) =>
  report.results.map((r) => ({
    id: r.id,
    status: r.status,
    reason: r.reason,
    failing: r.findings
      .filter((f) => !f.ok)
      .map((f) => f.subject)
      .sort(),
  }))
/** The bundle of the broken lab, once the test that makes it has run. */
let incident: string | undefined

beforeAll(async () => {
  await lab.up(['--shards', '2', '--replicas', '2'])
  kubeconfig = lab.status.kubeconfig!
})

afterAll(async () => {
  await lab.down()
  expect(processesMentioning(lab.dir)).toEqual([])
})

describe('signoz-ha status', () => {
  test('a healthy lab: the release, the installation, every host with its pod and server, Keeper members, ingestion per shard, no problem', async () => {
    const {view, code} = await status()
    expect(code).toBe(0)
    expect(view).toMatchObject({schemaVersion: 1, kind: 'status', target: {context: 'signoz-ha-lab', namespace: 'platform', release: 'signoz'}})
    expect(view.release).toMatchObject({name: 'signoz', revision: 1, status: 'deployed', chart: expect.stringMatching(/^signoz-/)})
    expect(view.installation).toMatchObject({
      name: 'signoz-clickhouse',
      layout: '2×2',
      operatorVersion: expect.any(String),
      service: {name: 'signoz-clickhouse', exists: true, readyEndpoints: 4},
    })
    expect(view.hosts.map((h) => `${h.shard}/${h.replica} ${h.pod}`)).toEqual([
      '0/0 chi-signoz-clickhouse-cluster-0-0-0',
      '0/1 chi-signoz-clickhouse-cluster-0-1-0',
      '1/0 chi-signoz-clickhouse-cluster-1-0-0',
      '1/1 chi-signoz-clickhouse-cluster-1-1-0',
    ])
    for (const h of view.hosts) {
      expect(h).toMatchObject({phase: 'Running', ready: true, restarts: 0, version: '18.16.1', readonlyTables: 0, keeperSession: 'connected', error: null})
      expect(h.node).toMatch(/^lab-node-/)
      expect(h.uptimeSeconds).toBeGreaterThan(0)
    }
    // The lab's one ZooKeeper backs every member pod: each answers mntr through its own port-forward.
    expect(view.keeper.members.map((m) => [m.pod, m.mode])).toEqual([0, 1, 2].map((i) => [`signoz-zookeeper-${i}`, 'standalone']))
    expect(view.keeper.members.every((m) => (m.znodes ?? 0) > 100)).toBe(true)
    await eventually(
      'rows arrive on every shard',
      async () => (await status()).view.ingestion.signals.every((s) => s.shards.length === 2 && s.shards.every((x) => (x.rowsInWindow ?? 0) > 0)),
      30_000,
    )
    expect(view.ingestion.collectors).toEqual([
      expect.objectContaining({name: 'signoz-otel-collector', ready: 1, desired: 1, targetExists: true, targetReadyEndpoints: 4}),
    ])
    expect(view.problems).toEqual([])

    const text = await cli(['status'])
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/^Hosts$/m)
    expect(text.stdout).toMatch(/chi-signoz-clickhouse-cluster-1-1-0\s+Running\s+0\s+\S+\s+lab-node-\d\s+zone-\w\s+18\.16\.1/)
    expect(text.stdout).toMatch(/Problems\n {2}none seen/)
  })

  test('a host down: its pod state and "—" in the ClickHouse columns, the problem named; the rest as before', async () => {
    await lab.break('kill-replica')
    const down = 'chi-signoz-clickhouse-cluster-1-1-0'
    try {
      let view!: StatusView
      await eventually(
        'the killed host shows as down',
        async () => {
          view = (await status()).view
          const h = view.hosts.find((x) => x.pod === down)
          return h?.error !== null && h?.ready === false
        },
        30_000,
      )
      const h = view.hosts.find((x) => x.pod === down)!
      // Between restarts a crash-looping container is Running-not-ready, Error or CrashLoopBackOff, as kubectl shows it.
      expect(h).toMatchObject({ready: false, phase: expect.any(String), version: null, uptimeSeconds: null, readonlyTables: null, keeperSession: null})
      expect(view.hosts.filter((x) => x.pod !== down).every((x) => x.version === '18.16.1')).toBe(true)
      expect(view.problems.some((p) => p.startsWith(`${down}: `))).toBe(true)
      const text = await cli(['status'])
      expect(text.stderr).toBe('')
      expect(text.stdout).toMatch(new RegExp(`${down}\\s+\\S+\\s+\\d+\\s+\\S+\\s+lab-node-\\d\\s+zone-\\w\\s+—\\s+—\\s+—`))
      expect(text.stdout).toContain('→ signoz-ha doctor')
    } finally {
      await lab.heal('kill-replica')
      await everyHostAnswers()
    }
  })

  test("status and doctor agree: the configuration's thresholds decide both (parts piled up on one host)", async () => {
    const pod = 'chi-signoz-clickhouse-cluster-1-1-0'
    await lab.break('too-many-parts', pod)
    try {
      const config = join(work, 'low-parts.yaml')
      writeFileSync(config, 'thresholds:\n  partsPerPartition: 20\n')
      const partsProblem = (view: StatusView) => view.problems.filter((p) => p.startsWith(`${pod}: `) && /active parts in one partition/.test(p))
      // The defaults (300): neither says anything of the 40 parts.
      const plain = await status()
      expect(partsProblem(plain.view)).toEqual([])
      const plainDoctor = JSON.parse((await cli(['doctor', '--only', 'clickhouse/parts-per-partition', '-o', 'json'])).stdout) as Report
      expect(resultOf(plainDoctor, 'clickhouse/parts-per-partition').status).toBe('pass')
      // The team's threshold (20): both name the host.
      const low = await status(['--config', config])
      expect(partsProblem(low.view)).toHaveLength(1)
      const lowDoctor = JSON.parse((await cli(['doctor', '--only', 'clickhouse/parts-per-partition', '-o', 'json', '--config', config])).stdout) as Report
      const failing = resultOf(lowDoctor, 'clickhouse/parts-per-partition').findings.filter((f) => !f.ok)
      expect(failing.map((f) => f.subject.split('/')[0])).toContain(pod.replace(/-0$/, ''))
      // The same threshold through the environment, as for doctor.
      expect(partsProblem((await status([])).view)).toEqual([])
      expect(partsProblem(JSON.parse((await cli(['status', '-o', 'json'], {SIGNOZ_HA_CONFIG: config})).stdout) as StatusView)).toHaveLength(1)
    } finally {
      await lab.heal('too-many-parts')
    }
  })

  test('--watch: plain reports one after another when not a terminal, --count stops it', async () => {
    const r = await cli(['status', '--watch', '1s', '--count', '2'])
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n---\n')).toHaveLength(2)
    expect(r.stdout).not.toContain('\x1b[')
  })
})

describe('the previous container log, as the kubelet keeps it', () => {
  test('after a restart --previous is the run before; without one it is not found', async () => {
    const kubectl = (args: string[]) => {
      try {
        return {
          code: 0,
          out: execFileSync(labKubectlBinary(31)!, ['--kubeconfig', kubeconfig, '-n', 'platform', ...args], {
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'pipe'],
          }),
        }
      } catch (error) {
        return {code: (error as {status: number}).status, out: String((error as {stderr: string}).stderr)}
      }
    }
    const pod = 'chi-signoz-clickhouse-cluster-1-0-0'
    const none = kubectl(['logs', pod, '--previous'])
    expect(none.code).not.toBe(0)
    expect(none.out).toContain(`previous terminated container "clickhouse" in pod "${pod}" not found`)
    await lab.break('readonly-table', pod)
    try {
      await eventually(
        'the host restarted',
        () => kubectl(['get', 'pod', pod, '-o', 'jsonpath={.status.containerStatuses[0].restartCount}']).out === '1',
        30_000,
      )
      const previous = kubectl(['logs', pod, '--previous'])
      const current = kubectl(['logs', pod])
      expect(previous.code).toBe(0)
      // Each run's log starts with the server starting, and the previous one ends with it being stopped.
      expect(previous.out.split('\n')[0]).toMatch(/Starting ClickHouse/)
      expect(previous.out).toMatch(/Received termination signal/)
      expect(current.out.split('\n')[0]).toMatch(/Starting ClickHouse/)
      expect(current.out).not.toContain(previous.out.split('\n')[0])
    } finally {
      await lab.heal('readonly-table')
      await everyHostAnswers()
    }
  })
})

describe('signoz-ha bundle and doctor --from-bundle', () => {
  const tokens = () => Object.values(parse(readFileSync(kubeconfig, 'utf8')).users as {user: {token: string}}[]).map((u) => u.user.token)

  test('bad input: an existing file is never overwritten, a non-bundle is refused, each with one line and exit 2', async () => {
    const existing = join(work, 'existing.tar.gz')
    writeFileSync(existing, 'keep me')
    const r = await cli(['bundle', '-o', existing])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^signoz-ha: .*existing\.tar\.gz already exists\n/)
    expect(readFileSync(existing, 'utf8')).toBe('keep me')
    const txt = await cli(['bundle', '-o', join(work, 'b.txt')])
    expect(txt.code).toBe(2)
    for (const args of [
      ['doctor', '--from-bundle', join(work, 'missing.tar.gz')],
      ['doctor', '--from-bundle', existing],
      ['status', '--from-bundle', existing],
    ]) {
      const x = await cli(args)
      expect(x.code, args.join(' ')).toBe(2)
      expect(x.stderr.trim().split('\n')[0]).toMatch(/^signoz-ha: (bundle .* does not exist|.* is not a signoz-ha bundle)/)
      expect(x.stderr).not.toMatch(/\n\s+at /)
    }
    const badPattern = await cli(['bundle', '--redact', '(', '-o', join(work, 'never.tar.gz')])
    expect(badPattern.code).toBe(2)
    expect(existsSync(join(work, 'never.tar.gz'))).toBe(false)
  })

  test('partial access (Secrets forbidden) still yields a bundle; the gap is in the manifest and the replay skips what the live run skipped', async () => {
    const env = {SIGNOZ_HA_CLICKHOUSE_USER: lab.status.user, SIGNOZ_HA_CLICKHOUSE_PASSWORD: lab.status.password}
    const file = join(work, 'restricted.tar.gz')
    const r = await cli(['bundle', '--context', 'signoz-ha-lab-restricted', '-o', file, '--json'], env)
    expect(r.code, r.stderr).toBe(0)
    const manifest = JSON.parse(r.stdout) as {gaps: {what: string; why: string}[]; files: {path: string}[]; bytes: number}
    expect(manifest.gaps).toEqual(
      expect.arrayContaining([{what: 'kubernetes/secrets', why: expect.stringMatching(/secrets is forbidden: User "lab-restricted"/)}]),
    )
    expect(manifest.files.map((f) => f.path)).toEqual(
      expect.arrayContaining(['doctor.json', 'replay.json', 'kubernetes/pods.json', 'clickhouse/chi-signoz-clickhouse-cluster-0-0/replicas.ndjson']),
    )
    expect(manifest.bytes).toBe(statSync(file).size)
    const live = await cli(['doctor', '--context', 'signoz-ha-lab-restricted', '-o', 'json'], env)
    const offline = await cli(['doctor', '--from-bundle', file, '-o', 'json'], {KUBECONFIG: undefined})
    const helm = (out: string) => resultOf(JSON.parse(out) as Report, 'helm/release-status')
    expect(helm(offline.stdout)).toMatchObject({status: 'skip', reason: helm(live.stdout).reason})
  })

  test('--redact hides more: nothing matching the pattern is left', async () => {
    const file = join(work, 'zones.tar.gz')
    const r = await cli(['bundle', '-o', file, '--redact', 'zone-[a-c]'])
    expect(r.code, r.stderr).toBe(0)
    const dir = unpack(file)
    expect(filesUnder(dir).filter((f) => /zone-[a-c]/.test(readFileSync(f, 'utf8')))).toEqual([])
  })

  test('a broken lab, bundled, taken down: doctor --from-bundle gives the live findings of that moment; status too; no secret inside', async () => {
    // A mutation counts as stuck after 1s here (the default waits longer than a test).
    const config = join(work, 'signoz-ha.yaml')
    writeFileSync(config, 'thresholds:\n  mutationStuck: 1s\n')
    await lab.break('duplicate-clickhouse')
    await lab.break('readonly-table')
    await lab.break('stuck-mutation')
    const settled = (report: Report) =>
      ['kube/duplicate-clickhouse', 'clickhouse/replicas-readonly', 'clickhouse/mutations-stuck'].every((id) => resultOf(report, id).status === 'fail')
    const live = await doctorUntil(
      async () => ({report: JSON.parse((await cli(['doctor', '-o', 'json', '--config', config])).stdout) as Report}),
      settled,
      60_000,
    )
    expect(settled(live.report)).toBe(true)
    const file = join(work, 'incident.tar.gz')
    const r = await cli(['bundle', '-o', file, '--config', config])
    incident = file
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(new RegExp(`^bundle ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: [\\d.]+ KiB, \\d+ files`))
    const afterBundle = JSON.parse((await cli(['doctor', '-o', 'json', '--config', config])).stdout) as Report
    const dir = unpack(file)
    const recorded = JSON.parse(readFileSync(join(dir, 'doctor.json'), 'utf8')) as Report
    const recordedStatus = JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8')) as StatusView
    const secretValues = [lab.status.password, ...tokens()]

    await lab.down()
    expect(processesMentioning(lab.dir)).toEqual([])
    const offline = await cli(['doctor', '--from-bundle', file, '-o', 'json'], {KUBECONFIG: undefined})
    expect(offline.code).toBe(1)
    const replayed = JSON.parse(offline.stdout) as Report
    expect(replayed.source).toEqual({bundle: file, collectedAt: expect.any(String)})
    expect(findings(replayed)).toEqual(findings(recorded))
    // The live runs either side of the bundle: same checks failing on the same subjects.
    for (const around of [live.report, afterBundle])
      expect(findings(replayed).filter((f) => f.status === 'fail')).toEqual(findings(around).filter((f) => f.status === 'fail'))
    for (const id of ['kube/duplicate-clickhouse', 'clickhouse/replicas-readonly', 'clickhouse/mutations-stuck'])
      expect(resultOf(replayed, id).status).toBe('fail')
    const text = await cli(['doctor', '--from-bundle', file], {KUBECONFIG: undefined})
    expect(text.stdout).toContain(`from bundle ${file}, collected`)

    const offlineStatus = JSON.parse((await cli(['status', '--from-bundle', file, '-o', 'json'], {KUBECONFIG: undefined})).stdout) as StatusView
    expect({...offlineStatus, bundle: undefined}).toEqual({...recordedStatus, bundle: undefined})
    expect(offlineStatus.otherInstallations.map((o) => o.name)).toEqual(['signoz-clickhouse-v2'])
    expect(offlineStatus.hosts.find((h) => h.pod === 'chi-signoz-clickhouse-cluster-0-0-0')?.readonlyTables).toBeGreaterThan(0)

    // What a person reads: the objects, Secrets as keys only, the Helm release, logs, system tables.
    const files = filesUnder(dir).map((f) => f.slice(dir.length + 1))
    expect(files).toEqual(
      expect.arrayContaining([
        'manifest.json',
        'kubernetes/secrets.json',
        'kubernetes/configmaps.json',
        'kubernetes/events.json',
        'helm/signoz/history.json',
        'helm/signoz/values.yaml',
        'helm/signoz/manifest.yaml',
        'logs/chi-signoz-clickhouse-cluster-0-0-0/clickhouse.log',
        'logs/chi-signoz-clickhouse-cluster-0-0-0/clickhouse.previous.log',
        'clickhouse/chi-signoz-clickhouse-cluster-0-0/mutations.ndjson',
        'clickhouse/chi-signoz-clickhouse-cluster-0-1/keeper_nodes.ndjson',
      ]),
    )
    const secrets = JSON.parse(readFileSync(join(dir, 'kubernetes/secrets.json'), 'utf8')) as {items: {data?: unknown; keys: string[]}[]}
    expect(secrets.items.length).toBeGreaterThan(0)
    expect(secrets.items.every((s) => s.data === undefined && Array.isArray(s.keys))).toBe(true)
    expect((JSON.parse(readFileSync(join(dir, 'helm/signoz/history.json'), 'utf8')) as {revision: number}[]).map((h) => h.revision)).toEqual([2, 1])
    expect(readFileSync(join(dir, 'clickhouse/chi-signoz-clickhouse-cluster-0-0/mutations.ndjson'), 'utf8')).toContain('throwIf')

    // Nothing secret: the lab's ClickHouse password and every token of its kubeconfig, in any file.
    expect(secretValues.every((s) => s.length >= 16)).toBe(true)
    const leaks = filesUnder(dir).filter((f) => secretValues.some((s) => readFileSync(f, 'utf8').includes(s)))
    expect(leaks).toEqual([])
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {files: {path: string; bytes: number}[]; tool: {version: string}}
    expect(manifest.tool.version).toBe('0.1.0')
    expect(manifest.files.map((f) => f.path).sort()).toEqual(files.filter((f) => f !== 'manifest.json').sort())
  })

  test('a report of several MB with findings (exit 1) reaches a slow reader whole through a pipe, in every format', async () => {
    expect(incident, "the broken lab's bundle").toBeDefined()
    // The incident as recorded, with 4,000 more crash-looping pods: a report as large as a big cluster's in trouble.
    const replay = JSON.parse(readFileSync(join(unpack(incident!), 'replay.json'), 'utf8')) as {
      kube: {snapshot: {items: {pods: {metadata: {name: string; uid?: string}; status: unknown}[]}}}
    }
    const pods = replay.kube.snapshot.items.pods
    const template = pods[0]!
    for (let i = 0; i < 4000; i++) {
      pods.push({
        ...template,
        metadata: {...template.metadata, name: `crashing-collector-${i}`, uid: `crash-${i}`},
        status: {
          phase: 'Running',
          containerStatuses: [
            {
              name: 'collector',
              ready: false,
              restartCount: 12,
              state: {waiting: {reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=collector pod=crashing-collector-${i}`}},
              lastState: {terminated: {reason: 'Error', exitCode: 1, message: 'dial tcp: lookup signoz-clickhouse on 10.0.0.10:53: no such host'}},
            },
          ],
        },
      })
    }
    const big = join(work, 'big-replay.json')
    writeFileSync(big, JSON.stringify(replay))
    // The reader starts late and reads slowly, as jq on a loaded machine or a CI step does.
    const run = (args: string[]) => {
      const r = spawnSync('bash', ['-c', `"${process.execPath}" bin/run.js "$@" | (sleep 1; cat); exit \${PIPESTATUS[0]}`, 'piped', ...args], {
        cwd: ROOT,
        encoding: 'utf8',
        maxBuffer: 1 << 28,
        env: {...process.env, NO_COLOR: '1', KUBECONFIG: ''},
      })
      return {code: r.status, stdout: r.stdout, stderr: r.stderr}
    }
    const last = 'crashing-collector-3999'
    const wholes: Record<string, (out: string) => void> = {
      json: (out) => expect(resultOf(JSON.parse(out) as Report, 'kube/crashloops').findings.map((f) => f.subject)).toContain(`${last}/collector`),
      sarif: (out) => expect(JSON.stringify(JSON.parse(out))).toContain(last),
      junit: (out) => expect(out.trimEnd()).toMatch(new RegExp(`${last}[\\s\\S]*</testsuites>$`)),
      markdown: (out) => expect(out).toContain(last),
      text: (out) => expect(out).toMatch(new RegExp(`${last}[\\s\\S]*\\d+ critical`)),
      line: (out) => expect((JSON.parse(out) as {status: string}).status).toBe('problems'),
    }
    for (const [format, whole] of Object.entries(wholes)) {
      const r = run(['doctor', '--from-bundle', big, '-o', format, ...(format === 'text' ? ['--verbose'] : [])])
      expect(r.code, `${format}: ${r.stderr}`).toBe(1)
      // Far beyond a pipe's 64 KiB buffer (JSON, SARIF and JUnit run to megabytes; text and Markdown group findings).
      if (format !== 'line') expect(r.stdout.length, format).toBeGreaterThan(300_000)
      whole(r.stdout)
    }
    const status = run(['status', '--from-bundle', big, '-o', 'json'])
    expect(status.code, status.stderr).toBe(0)
    expect((JSON.parse(status.stdout) as StatusView).kind).toBe('status')
  })
})
