// Performance figures for the README (npm run bench). Each figure is the median of several
// runs of the built CLI against a real lab; nothing here is asserted by tests.
import {spawnSync} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

const bin = new URL('../bin/run.js', import.meta.url).pathname
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const time = (args, env = {}) => {
  const t = performance.now()
  const r = spawnSync(process.execPath, args, {env: {...process.env, ...env}, encoding: 'utf8'})
  return {ms: performance.now() - t, code: r.status, stdout: r.stdout, stderr: r.stderr}
}
const runs = (n, f) => median(Array.from({length: n}, () => f().ms))
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

const nodeBaseline = runs(9, () => time(['-e', '0']))
const version = runs(9, () => cli(['--version']))
console.log(`node -e 0: ${nodeBaseline.toFixed(0)} ms; signoz-ha --version: ${version.toFixed(0)} ms (${(version / nodeBaseline).toFixed(2)}×)`)

const small = withLab(2, 2, (dir, env) => {
  const doctor = runs(7, () => cli(['doctor'], env))
  cli(['lab', 'break', 'hang-replica', '--dir', dir])
  const hung = cli(['doctor', '--host-timeout', '2s', '-o', 'json'], env)
  cli(['lab', 'heal', 'hang-replica', '--dir', dir])
  return {doctor, hung: hung.ms}
})
console.log(`2×2 lab: up ${(small.up / 1000).toFixed(1)} s; doctor ${small.doctor.toFixed(0)} ms; doctor with one replica hung (host timeout 2 s): ${small.hung.toFixed(0)} ms`)

const large = withLab(6, 3, (_dir, env) => ({doctor: runs(7, () => cli(['doctor'], env))}))
console.log(`6×3 lab: up ${(large.up / 1000).toFixed(1)} s; doctor ${large.doctor.toFixed(0)} ms (${(large.doctor / small.doctor).toFixed(2)}× the 2×2 time)`)
