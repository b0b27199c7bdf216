// Performance figures for the README (npm run bench). Each figure is the median of several
// runs of the built CLI against a real lab; nothing here is asserted by tests.
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, statSync} from 'node:fs'
import {Agent, request} from 'node:https'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {busyPercent, childCpu, median} from './bench-lib.mjs'

const bin = new URL('../bin/run.js', import.meta.url).pathname
// What runs remember between runs (the API connections a cluster needs) stays with this bench.
process.env.SIGNOZ_HA_CACHE_DIR ??= mkdtempSync(join(tmpdir(), 'signoz-ha-bench-cache-'))
const time = (args, env = {}) => {
  const t = performance.now()
  const r = spawnSync(process.execPath, args, {env: {...process.env, ...env}, encoding: 'utf8'})
  return {ms: performance.now() - t, code: r.status, stdout: r.stdout, stderr: r.stderr}
}
const runs = (n, f) => median(Array.from({length: n}, () => f().ms))

/** Median CPU seconds one run of the CLI uses (its own work, not the servers'). */
const cpuOf = (n, f) =>
  median(
    Array.from({length: n}, () => {
      const before = childCpu()
      f()
      return childCpu() - before
    }),
  )
const cli = (args, env) => time([bin, ...args], env)

function labEnv(dir) {
  const s = JSON.parse(cli(['lab', 'status', '--dir', dir, '--json']).stdout)
  return {
    SIGNOZ_HA_CLICKHOUSE_URL: s.clickhouse.map((h) => h.url).join(','),
    SIGNOZ_HA_CLICKHOUSE_USER: s.user,
    SIGNOZ_HA_CLICKHOUSE_PASSWORD: s.password,
    SIGNOZ_HA_CLUSTER: s.cluster,
  }
}

function withLab(shards, replicas, fn) {
  const dir = mkdtempSync(join(tmpdir(), 'signoz-ha-bench-'))
  const up = cli(['lab', 'up', '--dir', dir, '--shards', String(shards), '--replicas', String(replicas)])
  if (up.code !== 0) throw new Error(up.stderr)
  try {
    return {up: up.ms, ...fn(dir, labEnv(dir))}
  } finally {
    cli(['lab', 'down', '--dir', dir])
  }
}

/** The lab's Helm binary and chart, as `lab env` exports them. */
function labTools(dir) {
  const env = Object.fromEntries(
    cli(['lab', 'env', '--dir', dir])
      .stdout.split('\n')
      .map((l) => /^export (\w+)='(.*)'$/.exec(l))
      .filter(Boolean)
      .map((m) => [m[1], m[2]]),
  )
  return {SIGNOZ_HA_HELM: env.SIGNOZ_HA_HELM, SIGNOZ_HA_CHART: env.SIGNOZ_HA_CHART}
}

// npm run bench -- --queries: what each named query costs the server (see queryCosts).
if (process.argv.includes('--queries')) {
  const {queryCosts} = await import('./bench-queries.mjs')
  await queryCosts({cli})
  process.exit(0)
}

// npm run bench -- --remote 80ms: the same lab behind a latency injector (see remoteBench).
const remoteArg = process.argv.indexOf('--remote')
if (remoteArg >= 0) {
  const {remoteBench} = await import('./bench-remote.mjs')
  await remoteBench({rttMs: Number.parseInt(process.argv[remoteArg + 1] ?? '80', 10), cli})
  process.exit(0)
}

const nodeBaseline = runs(9, () => time(['-e', '0']))
const version = runs(9, () => cli(['--version']))
console.log(`node -e 0: ${nodeBaseline.toFixed(0)} ms; signoz-ha --version: ${version.toFixed(0)} ms (${(version / nodeBaseline).toFixed(2)}×)`)

/** Peak RSS (KiB) and wall time of one doctor run, from GNU time. */
function doctorRss(args) {
  const t = performance.now()
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, bin, 'doctor', ...args], {encoding: 'utf8'})
  return {ms: performance.now() - t, rssKiB: Number(r.stderr.trim().split('\n').pop()), code: r.status}
}

/** Adds unrelated running pods to the lab's API simulator (namespace load), as a busy cluster has. */
async function addPods(dir, count) {
  const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'))
  const agent = new Agent({keepAlive: true, maxSockets: 16, ca: readFileSync(join(dir, 'kube-api.crt'))})
  const call = (method, path, body) =>
    new Promise((resolve, reject) => {
      const payload = JSON.stringify(body)
      const req = request(
        {
          host: '127.0.0.1',
          port: state.kubeApi.port,
          method,
          path,
          agent,
          headers: {authorization: `Bearer ${state.kubeApi.adminToken}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload)},
        },
        (res) => {
          res.resume()
          res.on('end', () => (res.statusCode < 300 || res.statusCode === 409 ? resolve() : reject(new Error(`${method} ${path}: HTTP ${res.statusCode}`))))
        },
      )
      req.on('error', reject)
      req.end(payload)
    })
  await call('POST', '/api/v1/namespaces', {metadata: {name: 'load'}})
  let next = 0
  const worker = async () => {
    while (next < count) {
      const i = next++
      await call('POST', '/api/v1/namespaces/load/pods', {
        metadata: {name: `web-${i}`, labels: {app: 'web', shard: String(i % 50)}},
        spec: {nodeName: `lab-node-${i % 3}`, containers: [{name: 'web', image: 'nginx:1.27', resources: {requests: {cpu: '1m', memory: '1Mi'}}}]},
      })
    }
  }
  await Promise.all(Array.from({length: 16}, worker))
  agent.destroy()
}

const small = withLab(2, 2, (dir, env) => {
  const busy = busyPercent()
  const doctor = runs(7, () => cli(['doctor'], env))
  const cpu = cpuOf(3, () => cli(['doctor'], env))
  cli(['lab', 'break', 'hang-replica', '--dir', dir])
  const hung = cli(['doctor', '--host-timeout', '2s', '-o', 'json'], env)
  cli(['lab', 'heal', 'hang-replica', '--dir', dir])
  const kubeconfig = join(dir, 'kubeconfig')
  const viaKube = runs(7, () => cli(['doctor', '--kubeconfig', kubeconfig]))
  const stats = cli(['doctor', '--kubeconfig', kubeconfig, '--stats']).stderr.trim()
  const rss = doctorRss(['--kubeconfig', kubeconfig])
  // The other commands that read the cluster, through the kubeconfig as an operator runs them.
  const kubeEnv = {KUBECONFIG: kubeconfig, ...labTools(dir)}
  const storageReport = runs(5, () => cli(['storage', 'report'], kubeEnv))
  const upgradePlan = runs(5, () => cli(['upgrade', '--plan', '--backup-confirmed', '--set', 'otelCollector.replicaCount=2'], kubeEnv))
  const runbookNoop = runs(5, () => cli(['runbook', 'run', 'replica-readonly', '--yes'], kubeEnv))
  const status = runs(7, () => cli(['status'], {KUBECONFIG: kubeconfig}))
  const bundleDir = mkdtempSync(join(tmpdir(), 'signoz-ha-bench-bundle-'))
  let n = 0
  const bundle = runs(5, () => cli(['bundle', '-o', join(bundleDir, `b${n++}.tar.gz`)], {KUBECONFIG: kubeconfig}))
  const bundleBytes = statSync(join(bundleDir, 'b0.tar.gz')).size
  const fromBundle = runs(5, () => cli(['doctor', '--from-bundle', join(bundleDir, 'b0.tar.gz')], {KUBECONFIG: undefined}))
  return {
    busy,
    doctor,
    cpu,
    hung: hung.ms,
    viaKube,
    stats,
    rss,
    kubeconfig,
    dir,
    storageReport,
    upgradePlan,
    runbookNoop,
    status,
    bundle,
    bundleBytes,
    fromBundle,
  }
})
console.log(
  `2×2 lab: up ${(small.up / 1000).toFixed(1)} s; doctor ${small.doctor.toFixed(0)} ms; doctor with one replica hung (host timeout 2 s): ${small.hung.toFixed(0)} ms`,
)
console.log(
  `2×2 lab, through the kubeconfig: status ${small.status.toFixed(0)} ms; bundle ${small.bundle.toFixed(0)} ms (${(small.bundleBytes / 1024).toFixed(0)} KiB); doctor --from-bundle ${small.fromBundle.toFixed(0)} ms`,
)
const checkCount = JSON.parse(cli(['checks', 'list', '--json']).stdout).checks.length
console.log(
  `2×2 lab, doctor --kubeconfig (all ${checkCount} checks, ClickHouse by port-forward): ${small.viaKube.toFixed(0)} ms, peak RSS ${(small.rss.rssKiB / 1024).toFixed(0)} MB; ${small.stats}`,
)
console.log(
  `2×2 lab, through the kubeconfig: storage report ${small.storageReport.toFixed(0)} ms; upgrade --plan (gates, helm dry run, plan) ${small.upgradePlan.toFixed(0)} ms; runbook run on a healthy cluster (diagnose, nothing to do) ${small.runbookNoop.toFixed(0)} ms`,
)
{
  const dir = mkdtempSync(join(tmpdir(), 'signoz-ha-bench-gen-'))
  const generate = runs(5, () =>
    cli(['generate', '--cloud', 'aws', '--host', 'signoz.example.com', '--ingest-gb-per-day', '200', '--out', join(dir, String(Math.random())), '--json']),
  )
  cli(['generate', '--cloud', 'aws', '--host', 'signoz.example.com', '--ingest-gb-per-day', '200', '--out', join(dir, 'g')])
  const lint = runs(5, () => cli(['values', 'lint', join(dir, 'g', 'values.yaml')]))
  console.log(`generate (7 files): ${generate.toFixed(0)} ms; values lint: ${lint.toFixed(0)} ms`)
}

// The same lab with 5,000 unrelated pods in the simulator.
{
  const dir = mkdtempSync(join(tmpdir(), 'signoz-ha-bench-'))
  const up = cli(['lab', 'up', '--dir', dir])
  if (up.code !== 0) throw new Error(up.stderr)
  try {
    const kubeconfig = join(dir, 'kubeconfig')
    const before = runs(7, () => cli(['doctor', '--kubeconfig', kubeconfig]))
    const t = performance.now()
    await addPods(dir, 5000)
    const added = performance.now() - t
    // Let the controllers settle on the new pods before measuring.
    await new Promise((resolve) => setTimeout(resolve, 5000))
    const after = runs(7, () => cli(['doctor', '--kubeconfig', kubeconfig]))
    const rss = doctorRss(['--kubeconfig', kubeconfig])
    const stats = cli(['doctor', '--kubeconfig', kubeconfig, '--stats']).stderr.trim()
    console.log(
      `2×2 lab + 5,000 unrelated pods (added in ${(added / 1000).toFixed(1)} s): doctor --kubeconfig ${after.toFixed(0)} ms vs ${before.toFixed(0)} ms without (${(after / before).toFixed(2)}×), peak RSS ${(rss.rssKiB / 1024).toFixed(0)} MB; ${stats}`,
    )
  } finally {
    cli(['lab', 'down', '--dir', dir])
  }
}

const large = withLab(6, 3, (dir, env) => ({
  busy: busyPercent(),
  doctor: runs(7, () => cli(['doctor'], env)),
  cpu: cpuOf(3, () => cli(['doctor'], env)),
  viaKube: runs(5, () => cli(['doctor', '--kubeconfig', join(dir, 'kubeconfig')])),
}))
console.log(
  `6×3 lab: up ${(large.up / 1000).toFixed(1)} s; doctor ${large.doctor.toFixed(0)} ms (${(large.doctor / small.doctor).toFixed(2)}× the 2×2 time); doctor --kubeconfig ${large.viaKube.toFixed(0)} ms (${(large.viaKube / small.viaKube).toFixed(2)}×)`,
)
console.log(
  `machine: the idle 2×2 lab keeps the CPUs ${small.busy}% busy, the idle 6×3 lab ${large.busy}%; doctor's own CPU: ${small.cpu.toFixed(2)} s on 2×2, ${large.cpu.toFixed(2)} s on 6×3`,
)
