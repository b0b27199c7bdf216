import {spawn} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createInterface} from 'node:readline'
import {chromium, type Browser} from 'playwright-core'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {readArchive} from '../../src/bundle/archive.js'
import {labConnection} from '../../src/lab/connections.js'
import {LabKubeClient} from '../../src/lab/kube/admin-client.js'
import {readState} from '../../src/lab/state.js'
import {ROOT, runCli} from '../helpers/cli.js'
import {TestLab, doctorUntil, failing, processesMentioning} from '../helpers/lab.js'

/**
 * doctor -o html and status -o html in a real browser (Debian's Chromium, driven by playwright-core)
 * on a broken lab whose cluster says hostile things: markup and a script in a pod's annotation that
 * becomes its waiting message, and in a ClickHouse error recorded by a migration. Nothing runs, the
 * text shows as text, the grid has one cell per host in the lab's state; serve's page follows the
 * runs; a bundle carries the page of its moment. Screenshots go to .test-artifacts/.
 */
const CHROMIUM = '/usr/bin/chromium'
const available = existsSync(CHROMIUM)
if (!available) console.warn('skipped: no Chromium at /usr/bin/chromium (apt-get install -y chromium)')

const EVIL = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>`
const lab = new TestLab()
const work = mkdtempSync(join(tmpdir(), 'signoz-ha-html-'))
const artifacts = join(ROOT, '.test-artifacts')
let browser: Browser
const env = (): NodeJS.ProcessEnv => ({
  KUBECONFIG: lab.status.kubeconfig,
  SIGNOZ_HA_CLICKHOUSE_URL: undefined,
  SIGNOZ_HA_CLICKHOUSE_USER: undefined,
  SIGNOZ_HA_CLICKHOUSE_PASSWORD: undefined,
})
const cli = (args: string[]) => runCli(args, {env: env(), cwd: work})

/** Opens a page (file or URL) in Chromium: its console errors, whether any script of it ran, its text, a screenshot. */
async function open(url: string, shot: string) {
  const page = await browser.newPage({viewport: {width: 1100, height: 900}})
  const errors: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  page.on('pageerror', (e) => {
    errors.push(e.message)
  })
  await page.goto(url)
  // (Expressions as strings: the page's globals, not this process's types.)
  const pwned = (await page.evaluate('window.__pwned ?? null')) as number | null
  // The runbooks unfolded, as a reader opens them.
  await page.evaluate("document.querySelectorAll('details.runbook').forEach((d) => { d.open = true })")
  const text = (await page.evaluate('document.body.innerText')) as string
  const cells = await page.$$eval('td.host', (tds) => tds.map((td) => [td.getAttribute('data-host'), td.getAttribute('data-state')]))
  mkdirSync(artifacts, {recursive: true})
  await page.screenshot({path: join(artifacts, shot), fullPage: true})
  await page.close()
  return {errors, pwned, text, cells}
}

beforeAll(async () => {
  if (!available) return
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
  await lab.up(['--shards', '2', '--replicas', '2'])
  const state = readState(lab.dir)
  // A pod whose annotation the lab's kubelet turns into its waiting message: it crash-loops with it.
  await new LabKubeClient(state).create(`/api/v1/namespaces/${state.namespace}/pods`, {
    metadata: {name: 'hostile-collector', labels: {'app.kubernetes.io/instance': 'signoz'}, annotations: {'lab.signoz-ha.io/crash': EVIL}},
    spec: {containers: [{name: 'collector', image: 'docker.io/signoz/signoz-otel-collector:v0.144.5'}]},
  })
  // A ClickHouse error recorded by a migration, as the migrator records the server's words.
  const conn = labConnection(state)
  try {
    await conn.insert(
      'signoz_traces.distributed_schema_migrations_v2',
      [
        {
          migration_id: 1099,
          status: 'failed',
          error: `Code: 62. DB::Exception: Syntax error near ${EVIL}`,
          created_at: new Date().toISOString().slice(0, 19).replace('T', ' '),
          updated_at: new Date().toISOString().slice(0, 19).replace('T', ' '),
        },
      ],
      {settings: {insert_distributed_sync: 1}},
    )
  } finally {
    await conn.close()
  }
  await lab.break('kill-replica')
})

afterAll(async () => {
  if (!available) return
  await browser?.close()
  await lab.down()
  expect(processesMentioning(lab.dir)).toEqual([])
})

describe.skipIf(!available)('the report people look at, in a browser', () => {
  test('doctor -o html --output-file: the broken lab as a page; the hostile text is text, nothing runs; one cell per host, the killed one down', async () => {
    await doctorUntil(
      async () => ({report: JSON.parse((await cli(['doctor', '-o', 'json'])).stdout)}),
      (r) => ['clickhouse/reachable', 'kube/crashloops', 'signoz/migrations'].every((id) => failing(r).includes(id)),
      30_000,
    )
    const file = join(work, 'r.html')
    const r = await cli(['doctor', '-o', 'html', '--output-file', file])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/problems found/)
    const page = await open(`file://${file}`, 'doctor.png')
    expect(page.errors).toEqual([])
    expect(page.pwned).toBeNull()
    expect(page.text).toContain(EVIL)
    // Each failing check with its runbook, the commands filled with what the run found.
    expect(page.text).toMatch(/Runbook: .+ \(crashloop\)/)
    expect(page.text).toMatch(/Runbook: .+ \(migration-failed\)/)
    expect(page.text).toContain(`kubectl -n ${lab.status.namespace} `)
    expect(page.text).not.toMatch(/\{namespace\}|\{release\}/)
    // (Hosts as the run names them: by the host Service their server reports, a host that does not answer by its pod.)
    expect(page.cells).toEqual([
      ['chi-signoz-clickhouse-cluster-0-0', expect.any(String)],
      ['chi-signoz-clickhouse-cluster-0-1', expect.any(String)],
      ['chi-signoz-clickhouse-cluster-1-0', expect.any(String)],
      ['chi-signoz-clickhouse-cluster-1-1-0', 'down'],
    ])
    // The file is one page, nothing else: no script, nothing fetched.
    const html = readFileSync(file, 'utf8')
    expect(html).not.toMatch(/<script|<link|@import|url\(/)
  })

  test('status -o html: the screen as a page, the hostile text as text', async () => {
    const file = join(work, 's.html')
    const r = await cli(['status', '-o', 'html', '--output-file', file])
    expect(r.code, r.stderr).toBe(0)
    const page = await open(`file://${file}`, 'status.png')
    expect(page.errors).toEqual([])
    expect(page.pwned).toBeNull()
    expect(page.cells.map(([host]) => host)).toEqual([
      'chi-signoz-clickhouse-cluster-0-0-0',
      'chi-signoz-clickhouse-cluster-0-1-0',
      'chi-signoz-clickhouse-cluster-1-0-0',
      'chi-signoz-clickhouse-cluster-1-1-0',
    ])
    expect(page.cells.at(-1)![1]).toBe('down')
    expect(page.text).toMatch(/chi-signoz-clickhouse-cluster-1-1-0: .*ClickHouse does not answer/)
  })

  test('a bundle carries the page of its moment; doctor --from-bundle -o html works offline', async () => {
    const bundle = join(work, 'b.tar.gz')
    expect((await cli(['bundle', '-o', bundle])).code).toBe(0)
    const files = readArchive(readFileSync(bundle))
    const inside = [...files.keys()].find((p) => p.endsWith('/report.html'))!
    expect(files.get(inside)!.toString('utf8')).toMatch(/SigNoz HA doctor/)
    const offline = await runCli(['doctor', '--from-bundle', bundle, '-o', 'html'], {env: {KUBECONFIG: undefined}})
    expect(offline.stdout).toMatch(/^<!doctype html>/)
    expect(offline.stdout).toContain('from bundle')
  })

  test('serve answers / with the latest run and the page follows the next run', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'run.js'), 'serve', '--listen', '127.0.0.1:0', '--interval', '2s'], {
      env: {...process.env, ...env(), KUBECONFIG: lab.status.kubeconfig!},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    try {
      const lines = createInterface({input: child.stdout!})
      const listen = await new Promise<string>((resolve) =>
        lines.on('line', (l) => {
          const m = /"listen":"([^"]+)"/.exec(l)
          if (m) resolve(m[1]!)
        }),
      )
      const url = `http://${listen}/`
      let first = ''
      for (let i = 0; i < 40 && !first.includes('hostile-collector'); i++) {
        const res = await fetch(url)
        first = res.ok ? await res.text() : ''
        if (!first.includes('hostile-collector')) await new Promise((resolve) => setTimeout(resolve, 500))
      }
      expect(first).toContain('hostile-collector/collector')
      await new LabKubeClient(readState(lab.dir)).delete(`/api/v1/namespaces/platform/pods/hostile-collector`)
      let next = first
      for (let i = 0; i < 40 && next.includes('hostile-collector'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 500))
        next = await (await fetch(url)).text()
      }
      expect(next).not.toContain('hostile-collector')
      // A later run's page, still the broken lab's: the failed migration the test recorded stays (the
      // killed replica may be back by now, so crash loops are not a given).
      expect(next).toContain('data-check="signoz/migrations"')
      const page = await open(url, 'serve.png')
      expect(page.errors).toEqual([])
    } finally {
      child.kill('SIGTERM')
    }
  })
})
