// npm run bench -- --queries [--engine modern]: what each named query costs the server. On a quiet
// 2×2 lab (ingestion paused, merges settled) every query doctor and status send runs 20 times on
// one host, one after another; the host's process CPU (utime + stime) and the wall time per run
// are printed, with the rows it answered, then the statement the checks' queries travel in
// together (a batch) against the sum of its parts.
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {processCpu} from './bench-lib.mjs'
import {importBundled} from './import-bundled.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const RUNS = 20

/** The query definitions, bundled from the sources. */
const loadQueries = () =>
  importBundled({
    stdin: {
      contents: [
        "export {PROBE} from './src/gateways/queries.ts'",
        "export {Q} from './src/signoz/queries.ts'",
        "export {batchSql} from './src/gateways/query-batch.ts'",
        "export {SAMPLE_PARAMS} from './test/helpers/sample-params.ts'",
      ].join('\n'),
      resolveDir: root,
      loader: 'ts',
    },
  })

export async function queryCosts({cli}) {
  const {PROBE, Q, batchSql, SAMPLE_PARAMS} = await loadQueries()
  const engine = process.argv.includes('--engine') ? process.argv[process.argv.indexOf('--engine') + 1] : undefined
  const dir = mkdtempSync(join(root, 'node_modules', '.cache', 'signoz-ha-bench-lab-'))
  const up = cli(['lab', 'up', '--dir', dir, ...(engine === 'modern' ? ['--clickhouse', 'modern', '--shards', '2'] : [])])
  if (up.code !== 0) throw new Error(up.stderr)
  const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'))
  const host = state.clickhouse[0]
  try {
    if (state.ingestion?.pid) process.kill(state.ingestion.pid, 'SIGSTOP')
    // What every read of the fleet carries (src/gateways/clickhouse.ts, ONE_THREAD), unless a setting is given.
    const send = async (sql, settings = '&max_threads=1') => {
      const r = await fetch(`http://127.0.0.1:${host.httpPort}/?output_format_json_quote_64bit_integers=0${settings}`, {
        method: 'POST',
        body: `${sql} FORMAT JSONEachRow`,
        headers: {'X-ClickHouse-User': state.user, 'X-ClickHouse-Key': state.password},
      })
      const text = await r.text()
      if (!r.ok) throw new Error(text.split('\n')[0])
      return text.trim()
        ? text
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l))
        : []
    }
    await new Promise((resolve) => setTimeout(resolve, 5000))
    const probe = await send(PROBE.sql(undefined, {columns: new Map()}))
    const version = probe.find((r) => r.kind === 'version').a
    const columns = new Map()
    for (const c of probe.filter((r) => r.kind === 'column')) columns.set(`system.${c.a}`, (columns.get(`system.${c.a}`) ?? new Set()).add(c.b))
    const caps = {version, major: Number(version.split('.')[0]), minor: Number(version.split('.')[1]), columns}
    const runnable = [PROBE, ...Object.values(Q)].filter((q) => q.needs.every((t) => columns.has(t)))
    const cost = async (sql, settings = '&max_threads=1') => {
      await send(sql, settings) // warm
      const cpu0 = processCpu(host.pid)
      const t = performance.now()
      let rows = 0
      for (let i = 0; i < RUNS; i++) rows = (await send(sql, settings)).length
      return {cpuMs: ((processCpu(host.pid) - cpu0) * 1000) / RUNS, wallMs: (performance.now() - t) / RUNS, rows}
    }
    const lines = []
    let sum = 0
    for (const q of runnable) {
      const sql = q.sql(SAMPLE_PARAMS[q.name], caps)
      try {
        const c = await cost(sql)
        if (q.columns) sum += c.cpuMs
        lines.push(`| ${q.name} | ${c.cpuMs.toFixed(1)} | ${c.wallMs.toFixed(1)} | ${c.rows} | ${q.columns ? 'yes' : 'no'} |`)
      } catch (error) {
        lines.push(`| ${q.name} | | | ${String(error.message).slice(0, 80)} | ${q.columns ? 'yes' : 'no'} |`)
      }
    }
    const batchable = runnable.filter((q) => q.columns)
    let batchLine = ''
    try {
      const sql = batchSql(batchable.map((q) => ({sql: q.sql(SAMPLE_PARAMS[q.name], caps), columns: q.columns})))
      const batch = await cost(sql)
      const serverThreads = await cost(sql, '')
      batchLine = `the ${batchable.length} batchable queries in one statement: ${batch.cpuMs.toFixed(1)} ms server CPU, ${batch.wallMs.toFixed(1)} ms wall; with the server's default max_threads ${serverThreads.cpuMs.toFixed(1)} ms CPU, ${serverThreads.wallMs.toFixed(1)} ms wall (alone, one after another: ${sum.toFixed(1)} ms CPU)`
    } catch (error) {
      batchLine = `the batch failed: ${error.message}`
    }
    console.log(`server cost per query on ClickHouse ${version} (lab host ${host.pod}, quiet: ingestion paused), mean of ${RUNS} runs each`)
    console.log('| query | server CPU ms | wall ms | rows | batched |\n|---|---|---|---|---|')
    for (const l of lines) console.log(l)
    console.log(batchLine)
  } finally {
    try {
      if (state.ingestion?.pid) process.kill(state.ingestion.pid, 'SIGCONT')
    } catch {}
    cli(['lab', 'down', '--dir', dir])
    rmSync(dir, {recursive: true, force: true})
  }
}
