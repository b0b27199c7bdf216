// npm run bench -- --remote 80 [--sizes 2x2,6x3,10x3] [--runs 3]: doctor as operators meet it,
// against a cluster far away, and what each run costs on both ends. The lab's API server goes
// behind a TCP proxy that delays every byte by half the round trip in each direction
// (scripts/latency-proxy.mjs); every Kubernetes request and every ClickHouse query (through
// port-forwards, which go through the API server) pays it.
//
// The lab is made quiet first (ingestion paused with SIGSTOP, merges settled) and its own load is
// printed, so the figures measure doctor and not the machine. For each size it prints the wall time
// at 0 and at the round trip, the round trips on the critical path, what doctor sent (per host),
// doctor's CPU, the ClickHouse servers' CPU during the run (from their processes), the simulator's
// CPU, peak RSS; status and bundle the same at 0 ms; and the manual way at the round trip.
import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, readdirSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {busyPercent, childCpu, median, processCpu} from './bench-lib.mjs'

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

/** The lab's processes by role: its ClickHouse servers, its Kubernetes simulator, and the rest (Keeper, agents). */
function labProcesses(dir) {
  const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'))
  const servers = new Set(state.clickhouse.map((h) => h.pid).filter(Boolean))
  const simulator = state.kubeApi?.pid
  const other = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const pid = Number(entry)
    if (servers.has(pid) || pid === simulator) continue
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir)) other.push(pid)
    } catch {}
  }
  return {servers: [...servers], simulator, other, ingestion: state.ingestion?.pid, hosts: state.clickhouse, user: state.user, password: state.password}
}

/** CPU seconds of each role so far. */
const labCpu = (procs) => ({
  servers: procs.servers.reduce((n, pid) => n + processCpu(pid), 0),
  simulator: procs.simulator ? processCpu(procs.simulator) : 0,
  other: procs.other.reduce((n, pid) => n + processCpu(pid), 0),
})
const minus = (a, b) => Object.fromEntries(Object.keys(a).map((k) => [k, a[k] - b[k]]))

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

async function sql(host, procs, query) {
  const r = await fetch(`http://127.0.0.1:${host.httpPort}/`, {
    method: 'POST',
    body: query,
    headers: {'X-ClickHouse-User': procs.user, 'X-ClickHouse-Key': procs.password},
  })
  if (!r.ok) throw new Error(`${host.pod}: ${(await r.text()).split('\n')[0]}`)
  return (await r.text()).trim()
}

/**
 * Pauses ingestion (SIGSTOP: the lab's writer stops mid-stride, nothing is lost) and waits until
 * no host merges or fetches any more; returns how busy the lab keeps the machine then, in % of
 * all CPUs, and its processes' own CPU over the same seconds.
 */
async function quiet(procs) {
  if (procs.ingestion) process.kill(procs.ingestion, 'SIGSTOP')
  const deadline = Date.now() + 90_000
  let calm = 0
  while (calm < 2 && Date.now() < deadline) {
    const busy = await Promise.all(
      procs.hosts.map((h) => sql(h, procs, 'SELECT (SELECT count() FROM system.merges) + (SELECT sum(queue_size) FROM system.replicas)').catch(() => '1')),
    )
    calm = busy.every((n) => Number(n) === 0) ? calm + 1 : 0
    await sleep(1000)
  }
  const seconds = 3
  const before = labCpu(procs)
  const machine = busyPercent(seconds * 1000)
  const used = minus(labCpu(procs), before)
  return {
    machine,
    labPercent: Math.round((100 * (used.servers + used.simulator + used.other)) / seconds / 2),
    // What the servers burn on their own (background merges' scheduling, Keeper pings, log flushes):
    // subtracted, over a run's wall time, from what they burn during the run.
    serversIdlePerSecond: used.servers / seconds,
    settled: calm >= 2,
  }
}

/** A run's stages, from its SIGNOZ_HA_TRACE lines: the Kubernetes snapshot, the port-forwards and probes, the queries. */
const STAGES = ['snapshot', 'port-forwards and probes', 'queries']
function stagesOf(stderr) {
  const at = (pattern) => {
    const times = stderr
      .split('\n')
      .filter((l) => pattern.test(l))
      .map((l) => Number(/^trace \+(\d+)ms/.exec(l)?.[1]))
    return times.length ? Math.max(...times) : Number.NaN
  }
  const start = at(/doctor: start/)
  const snapshot = at(/doctor: kubernetes snapshot read/)
  const probed = at(/doctor: ClickHouse hosts probed/)
  const answered = at(/^trace \+\d+ms query .* answered$/)
  return {[STAGES[0]]: snapshot - start, [STAGES[1]]: probed - snapshot, [STAGES[2]]: answered - probed}
}
const medianStages = (runs) => Object.fromEntries(STAGES.map((k) => [k, medianOf(runs, (r) => r[k])]))

/** One run of a command through a kubeconfig: wall, its CPU, the lab's CPU during it, peak RSS, its JSON. */
function measure(procs, args, nodeArgs = [], env = {}) {
  const t = performance.now()
  const cpu0 = childCpu()
  const lab0 = labCpu(procs)
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, ...nodeArgs, bin, ...args], {
    encoding: 'utf8',
    env: {...process.env, NO_COLOR: '1', ...env},
    maxBuffer: 256 << 20,
  })
  const ms = performance.now() - t
  const lab = minus(labCpu(procs), lab0)
  let json
  try {
    json = JSON.parse(r.stdout)
  } catch {}
  return {ms, cpu: childCpu() - cpu0, lab, rssKiB: Number(r.stderr.trim().split('\n').pop()), json, code: r.status, stderr: r.stderr}
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

const medianOf = (runs, f) => median(runs.map(f))

/**
 * Each host's share of one doctor run, apart from what the servers do on their own: the reads one
 * run sent (SIGNOZ_HA_TRACE_SQL) are replayed host by host, one after another, `times` times as
 * the tool sends them (one thread); the host's CPU over the replay, less its idle CPU over the
 * same seconds, divided by `times`. Returns the per-host figures in seconds.
 */
async function replayedShare(procs, kubeconfig, times = 10) {
  const file = join(mkdtempSync(join(tmpdir(), 'signoz-ha-sql-')), 'reads.jsonl')
  const r = spawnSync(process.execPath, [bin, 'doctor', '--kubeconfig', kubeconfig, '-o', 'json'], {
    encoding: 'utf8',
    env: {...process.env, NO_COLOR: '1', SIGNOZ_HA_TRACE_SQL: file},
    maxBuffer: 256 << 20,
  })
  if (r.status !== 0) throw new Error(`doctor with SIGNOZ_HA_TRACE_SQL exited ${r.status}`)
  const reads = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
  const shares = []
  for (const host of procs.hosts) {
    const mine = reads.filter((x) => x.host === host.pod).map((x) => x.sql)
    const send = (query) =>
      fetch(`http://127.0.0.1:${host.httpPort}/?max_threads=1&output_format_json_quote_64bit_integers=0`, {
        method: 'POST',
        body: `${query} FORMAT JSONEachRow`,
        headers: {'X-ClickHouse-User': procs.user, 'X-ClickHouse-Key': procs.password},
      }).then((res) => res.text())
    const idle0 = processCpu(host.pid)
    const t0 = performance.now()
    await sleep(1000)
    const idlePerSecond = (processCpu(host.pid) - idle0) / ((performance.now() - t0) / 1000)
    for (const q of mine) await send(q) // warm
    const cpu0 = processCpu(host.pid)
    const t1 = performance.now()
    for (let i = 0; i < times; i++) for (const q of mine) await send(q)
    const seconds = (performance.now() - t1) / 1000
    shares.push({host: host.pod, statements: mine.length, cpu: (processCpu(host.pid) - cpu0 - idlePerSecond * seconds) / times})
  }
  return shares
}

function argValue(name, fallback) {
  const i = process.argv.indexOf(name)
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback
}

export async function remoteBench({rttMs, cli}) {
  const sizes = argValue('--sizes', '2x2,6x3,10x3')
    .split(',')
    .map((s) => s.split('x').map(Number))
  const n = Number(argValue('--runs', '3'))
  const manual = !process.argv.includes('--no-manual')
  const results = []
  for (const [shards, replicas] of sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'signoz-ha-bench-remote-'))
    const up = cli(['lab', 'up', '--dir', dir, '--shards', String(shards), '--replicas', String(replicas)])
    if (up.code !== 0) throw new Error(up.stderr)
    const procs = labProcesses(dir)
    const apiPort = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')).kubeApi.port
    const proxy = await startProxy(apiPort, rttMs / 2)
    // A second proxy at twice the round trip: the wall's slope between the two counts the round
    // trips on the critical path. Between 0 and one round trip the CPU that latency hides blurs it.
    const proxy2 = await startProxy(apiPort, rttMs)
    try {
      const status = JSON.parse(cli(['lab', 'status', '--dir', dir, '--json']).stdout)
      const local = join(dir, 'kubeconfig')
      const remote = join(dir, 'kubeconfig-remote')
      writeFileSync(remote, readFileSync(local, 'utf8').replace(/https:\/\/127\.0\.0\.1:\d+/g, `https://127.0.0.1:${proxy.port}`))
      const farther = join(dir, 'kubeconfig-remote2')
      writeFileSync(farther, readFileSync(local, 'utf8').replace(/https:\/\/127\.0\.0\.1:\d+/g, `https://127.0.0.1:${proxy2.port}`))
      const calm = await quiet(procs)
      const doctor = (kubeconfig, env) => measure(procs, ['doctor', '--kubeconfig', kubeconfig, '-o', 'json'], [], env)
      // A warm-up each (the compile cache, the servers' caches), then the medians.
      doctor(local)
      doctor(remote)
      const near = Array.from({length: n}, () => doctor(local))
      const far = Array.from({length: n}, () => doctor(remote))
      doctor(farther)
      const far2 = Array.from({length: n}, () => doctor(farther))
      // The same at both latencies with SIGNOZ_HA_TRACE: the time of each stage, whose growth per
      // round trip of latency is its count of round trips (the CPU of a stage does not grow).
      const staged = (kubeconfig) => Array.from({length: n}, () => stagesOf(doctor(kubeconfig, {SIGNOZ_HA_TRACE: '1'}).stderr))
      const stages = {at1: medianStages(staged(remote)), at2: medianStages(staged(farther))}
      // A first run against the cluster: nothing remembered of the last (SIGNOZ_HA_CACHE_DIR=off).
      const cold = Array.from({length: n}, () => doctor(remote, {SIGNOZ_HA_CACHE_DIR: 'off'}))
      const bad = [...near, ...far, ...far2, ...cold].find((r) => r.code !== 0)
      if (bad)
        throw new Error(
          `doctor exited ${bad.code} on ${shards}×${replicas}: ${
            bad.json?.results
              ?.filter((r) => r.status !== 'pass' && r.status !== 'skip')
              .map((r) => r.id)
              .join(', ') ?? bad.stderr
          }`,
        )
      const statusRuns = Array.from({length: n}, () => measure(procs, ['status', '--kubeconfig', local, '-o', 'json']))
      const bundleDir = mkdtempSync(join(tmpdir(), 'signoz-ha-bench-bundle-'))
      const bundleRuns = Array.from({length: n}, (_, i) => measure(procs, ['bundle', '--kubeconfig', local, '--output', join(bundleDir, `b${i}.tar.gz`)]))
      const hosts = shards * replicas
      const stats = far[0].json.stats
      const shares = await replayedShare(procs, local)
      // --profile: one more run at 0 ms under the V8 profiler, summarised by part (scripts/profile-summary.mjs).
      let profile
      if (process.argv.includes('--profile')) {
        const profDir = mkdtempSync(join(tmpdir(), 'signoz-ha-prof-'))
        measure(procs, ['doctor', '--kubeconfig', local, '-o', 'json'], ['--cpu-prof', `--cpu-prof-dir=${profDir}`])
        const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'))
        profile = spawnSync(process.execPath, [join(root, 'scripts', 'profile-summary.mjs'), join(profDir, file)], {encoding: 'utf8'}).stdout
      }
      results.push({
        layout: `${shards}×${replicas}`,
        hosts,
        calm,
        wall0: medianOf(near, (r) => r.ms),
        wall: medianOf(far, (r) => r.ms),
        wall2: medianOf(far2, (r) => r.ms),
        wallCold: medianOf(cold, (r) => r.ms),
        stages,
        cpu0: medianOf(near, (r) => r.cpu),
        cpu: medianOf(far, (r) => r.cpu),
        servers: medianOf(near, (r) => r.lab.servers),
        serversNet: medianOf(near, (r) => r.lab.servers - (calm.serversIdlePerSecond * r.ms) / 1000),
        replayed: {mean: shares.reduce((n, x) => n + x.cpu, 0) / shares.length, max: Math.max(...shares.map((x) => x.cpu))},
        simulator: medianOf(near, (r) => r.lab.simulator),
        rssMB: Math.max(...far.map((r) => r.rssKiB)) / 1024,
        stats,
        status: {ms: medianOf(statusRuns, (r) => r.ms), cpu: medianOf(statusRuns, (r) => r.cpu), servers: medianOf(statusRuns, (r) => r.lab.servers)},
        bundle: {ms: medianOf(bundleRuns, (r) => r.ms), cpu: medianOf(bundleRuns, (r) => r.cpu), servers: medianOf(bundleRuns, (r) => r.lab.servers)},
        manual: manual ? await manualWay(labKubectl(dir), remote, status) : undefined,
        profile,
      })
    } finally {
      proxy.stop()
      proxy2.stop()
      if (procs.ingestion) {
        try {
          process.kill(procs.ingestion, 'SIGCONT')
        } catch {}
      }
      cli(['lab', 'down', '--dir', dir])
    }
  }
  const cpuModel = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU'
  console.log(
    `remote mode: ${rttMs} ms round trip (${rttMs / 2} ms each way on every byte, TCP proxy in front of the API server); ${cpuModel}; medians of ${n}`,
  )
  const ms = (s) => `${(s * 1000).toFixed(0)} ms`
  for (const r of results) {
    const streams = r.stats.portForwardStreams ?? 0
    console.log(
      `${r.layout}: quiet lab (ingestion paused, merges ${r.calm.settled ? 'settled' : 'NOT settled'}): machine ${r.calm.machine}% busy, the lab's processes ${r.calm.labPercent}%\n` +
        `  doctor --kubeconfig ${r.wall0.toFixed(0)} ms at 0 ms, ${r.wall.toFixed(0)} ms at ${rttMs} ms, ${r.wall2.toFixed(0)} ms at ${2 * rttMs} ms → ${((r.wall2 - r.wall) / rttMs).toFixed(1)} round trips on the critical path (${((r.wall - r.wall0) / rttMs).toFixed(1)} from 0 to ${rttMs} ms)\n` +
        `  by stage (${STAGES.map((k) => `${k} ${r.stages.at1[k].toFixed(0)} → ${r.stages.at2[k].toFixed(0)} ms`).join(', ')} at ${rttMs} → ${2 * rttMs} ms): ${STAGES.map(
          (k) => `${k} ${((r.stages.at2[k] - r.stages.at1[k]) / rttMs).toFixed(1)}`,
        ).join(' + ')} = ${(STAGES.reduce((sum, k) => sum + r.stages.at2[k] - r.stages.at1[k], 0) / rttMs).toFixed(1)} round trips\n` +
        `  a first run against the cluster (nothing remembered of the last, SIGNOZ_HA_CACHE_DIR=off): ${r.wallCold.toFixed(0)} ms at ${rttMs} ms\n` +
        `  sent: ${r.stats.apiRequests - streams} Kubernetes requests + ${streams} port-forward streams over ${r.stats.apiConnections} connections, ${r.stats.queries} ClickHouse statements (${(r.stats.queries / r.hosts).toFixed(1)} per host)\n` +
        `  CPU per run: doctor ${ms(r.cpu0)} (at ${rttMs} ms: ${ms(r.cpu)}), the ClickHouse servers ${ms(r.servers)} (${ms(r.servers / r.hosts)} per host; ${ms(r.serversNet / r.hosts)} over their idle ${ms(r.calm.serversIdlePerSecond / r.hosts)}/s), the simulator ${ms(r.simulator)}; peak RSS ${r.rssMB.toFixed(0)} MB\n` +
        `  a run's reads replayed host by host: ${ms(r.replayed.mean)} of server CPU per host (the most: ${ms(r.replayed.max)})\n` +
        `  status ${r.status.ms.toFixed(0)} ms (CPU ${ms(r.status.cpu)}, servers ${ms(r.status.servers / r.hosts)} per host); bundle ${r.bundle.ms.toFixed(0)} ms (CPU ${ms(r.bundle.cpu)}, servers ${ms(r.bundle.servers / r.hosts)} per host)` +
        (r.manual ? `\n  the manual way ${(r.manual / 1000).toFixed(1)} s at ${rttMs} ms (doctor ${(r.wall / r.manual).toFixed(3)}× of it)` : ''),
    )
    if (r.profile) console.log(`  profile of one doctor run at 0 ms: ${r.profile.trim().replace(/\n/g, '\n  ')}`)
  }
  if (results.length >= 2) {
    const [small, large] = [results[0], results.at(-1)]
    const extra = large.hosts - small.hosts
    console.log(
      `${large.layout} over ${small.layout}: wall at ${rttMs} ms ${(large.wall / small.wall).toFixed(2)}×; doctor CPU per additional host ${(((large.cpu0 - small.cpu0) / extra) * 1000).toFixed(1)} ms; ` +
        `server CPU per host per run ${((small.servers / small.hosts) * 1000).toFixed(1)} ms (${small.layout}) and ${((large.servers / large.hosts) * 1000).toFixed(1)} ms (${large.layout}); over idle ${((small.serversNet / small.hosts) * 1000).toFixed(1)} and ${((large.serversNet / large.hosts) * 1000).toFixed(1)} ms; replayed ${(small.replayed.mean * 1000).toFixed(1)} and ${(large.replayed.mean * 1000).toFixed(1)} ms`,
    )
  }
}
