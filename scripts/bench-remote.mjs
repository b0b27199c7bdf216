// npm run bench -- --remote 80ms: doctor as operators meet it, against a cluster far away. The
// lab's API server goes behind a TCP proxy that delays every byte by half the round trip in each
// direction (scripts/latency-proxy.mjs); every Kubernetes request and every ClickHouse query
// (through port-forwards, which go through the API server) pays it. For 2×2 and 6×3 it prints the
// wall time at 0 and at the round trip, the round trips on the critical path, what doctor sent,
// its CPU and peak RSS, and the manual way (the quick reference's health commands by hand,
// kubectl and curl one after another) at the same round trip.
import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const bin = join(root, 'bin', 'run.js')

/** The kubectl an operator of the lab has: the one `lab env` puts first on PATH (extracted on first use). */
function labKubectl(dir) {
  const r = spawnSync('bash', ['-c', `eval "$("${process.execPath}" "${bin}" lab env --dir "${dir}")" && command -v kubectl`], {encoding: 'utf8'})
  if (r.status !== 0 || !r.stdout.trim()) throw new Error(`no kubectl after lab env: ${r.stderr.trim()}`)
  return r.stdout.trim()
}

/** Starts the delaying proxy in front of port; resolves with its own port and a stop function. */
function startProxy(port, delayMs) {
  const child = spawn(process.execPath, [join(root, 'scripts', 'latency-proxy.mjs'), String(port), String(delayMs)], {stdio: ['ignore', 'pipe', 'inherit']})
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      const m = /listening (\d+)/.exec(String(d))
      if (m) resolve({port: Number(m[1]), stop: () => child.kill('SIGTERM')})
    })
    child.on('exit', (code) => reject(new Error(`latency proxy exited (${code})`)))
  })
}

/** CPU seconds of waited-for children (this process's cutime + cstime). */
const childCpu = () => {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')
  return (Number(fields[13]) + Number(fields[14])) / 100
}

function doctor(kubeconfig, extra = []) {
  const t = performance.now()
  const cpu0 = childCpu()
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, bin, 'doctor', '--kubeconfig', kubeconfig, '-o', 'json', ...extra], {
    encoding: 'utf8',
    env: {...process.env, NO_COLOR: '1'},
  })
  const ms = performance.now() - t
  const report = JSON.parse(r.stdout)
  return {ms, cpu: childCpu() - cpu0, rssKiB: Number(r.stderr.trim().split('\n').pop()), report, code: r.status}
}

/**
 * The manual way, as an on-call runs the quick reference's health commands: kubectl get of pods,
 * installations and jobs, then per host a kubectl port-forward and curl of system.clusters,
 * system.replicas, system.replication_queue, system.mutations and the freshness of traces, logs and
 * metrics, one after another.
 */
async function manualWay(kubectlBinary, kubeconfig, status) {
  const t = performance.now()
  const kubectl = (args) => spawnSync(kubectlBinary, ['--kubeconfig', kubeconfig, '-n', status.namespace, ...args], {encoding: 'utf8'})
  for (const kind of ['pods', 'chi', 'jobs']) if (kubectl(['get', kind]).status !== 0) throw new Error(`kubectl get ${kind} failed`)
  const queries = [
    `SELECT * FROM system.clusters WHERE cluster = '${status.cluster}'`,
    'SELECT database, table, is_readonly, absolute_delay, queue_size FROM system.replicas',
    'SELECT database, table, type, num_tries, last_exception FROM system.replication_queue',
    'SELECT database, table, mutation_id, is_done FROM system.mutations WHERE is_done = 0',
    // Freshness: the newest row of each signal doctor's ingestion check covers.
    'SELECT max(timestamp) FROM signoz_traces.signoz_index_v3',
    'SELECT max(timestamp) FROM signoz_logs.logs_v2',
    'SELECT max(unix_milli) FROM signoz_metrics.samples_v4',
  ]
  for (const host of status.clickhouse) {
    const forward = spawn(kubectlBinary, ['--kubeconfig', kubeconfig, '-n', status.namespace, 'port-forward', `pod/${host.pod}`, ':8123'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    const port = await new Promise((resolve, reject) => {
      forward.stdout.on('data', (d) => {
        const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(String(d))
        if (m) resolve(Number(m[1]))
      })
      forward.on('exit', () => reject(new Error(`kubectl port-forward to ${host.pod} ended`)))
    })
    for (const query of queries) {
      const r = spawnSync('curl', ['-sS', '--fail', '-u', `${status.user}:${status.password}`, '--data-binary', query, `http://127.0.0.1:${port}/`], {
        encoding: 'utf8',
      })
      if (r.status !== 0) throw new Error(`curl on ${host.pod}: ${r.stderr}`)
    }
    forward.kill('SIGINT')
  }
  return performance.now() - t
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

export async function remoteBench({rttMs, cli}) {
  const results = []
  for (const [shards, replicas] of [
    [2, 2],
    [6, 3],
  ]) {
    const dir = mkdtempSync(join(tmpdir(), 'signoz-ha-bench-remote-'))
    const up = cli(['lab', 'up', '--dir', dir, '--shards', String(shards), '--replicas', String(replicas)])
    if (up.code !== 0) throw new Error(up.stderr)
    const proxy = await startProxy(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')).kubeApi.port, rttMs / 2)
    try {
      const status = JSON.parse(cli(['lab', 'status', '--dir', dir, '--json']).stdout)
      const local = join(dir, 'kubeconfig')
      const remote = join(dir, 'kubeconfig-remote')
      writeFileSync(remote, readFileSync(local, 'utf8').replace(/https:\/\/127\.0\.0\.1:\d+/g, `https://127.0.0.1:${proxy.port}`))
      // A warm-up each (the compile cache, the servers' caches), then the medians.
      doctor(local)
      doctor(remote)
      const near = Array.from({length: 5}, () => doctor(local))
      const far = Array.from({length: 5}, () => doctor(remote))
      const bad = far.find((r) => r.code !== 0)
      if (bad)
        throw new Error(
          `doctor at ${rttMs} ms exited ${bad.code}: ${bad.report.results
            .filter((r) => r.status !== 'pass' && r.status !== 'skip')
            .map((r) => r.id)
            .join(', ')}`,
        )
      const wall0 = median(near.map((r) => r.ms))
      const wall = median(far.map((r) => r.ms))
      const stats = far[0].report.stats
      const manual = await manualWay(labKubectl(dir), remote, status)
      results.push({
        layout: `${shards}×${replicas}`,
        wall0,
        wall,
        roundTrips: (wall - wall0) / rttMs,
        stats,
        cpu: median(far.map((r) => r.cpu)),
        rssMB: Math.max(...far.map((r) => r.rssKiB)) / 1024,
        manual,
      })
    } finally {
      proxy.stop()
      cli(['lab', 'down', '--dir', dir])
    }
  }
  const cpuModel = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU'
  console.log(`remote mode: ${rttMs} ms round trip (${rttMs / 2} ms each way on every byte, TCP proxy in front of the API server); ${cpuModel}`)
  for (const r of results) {
    console.log(
      `${r.layout}: doctor --kubeconfig ${r.wall0.toFixed(0)} ms at 0 ms, ${r.wall.toFixed(0)} ms at ${rttMs} ms → ${r.roundTrips.toFixed(1)} round trips on the critical path; ` +
        `${r.stats.apiRequests - (r.stats.portForwardStreams ?? 0)} Kubernetes requests + ${r.stats.portForwardStreams ?? 0} port-forward streams, ${r.stats.queries} ClickHouse queries; ` +
        `doctor CPU ${r.cpu.toFixed(2)} s, peak RSS ${r.rssMB.toFixed(0)} MB; the manual way ${(r.manual / 1000).toFixed(1)} s (doctor ${(r.wall / r.manual).toFixed(3)}× of it)`,
    )
  }
  if (results.length === 2) {
    const [small, large] = results
    console.log(
      `6×3 / 2×2 at ${rttMs} ms: ${(large.wall / small.wall).toFixed(2)}×; CPU per additional host: ${(((large.cpu - small.cpu) / (18 - 4)) * 1000).toFixed(0)} ms`,
    )
  }
}
