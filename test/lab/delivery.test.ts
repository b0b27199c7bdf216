import {execFile, execFileSync} from 'node:child_process'
import {copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync} from 'node:fs'
import {createHash} from 'node:crypto'
import {tmpdir} from 'node:os'
import {basename, join} from 'node:path'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {parse as parseYaml} from 'yaml'
import {labHelmBinary, labKubectlBinary} from '../../src/lab/helm-binary.js'
import {ROOT} from '../helpers/cli.js'
import {processesMentioning} from '../helpers/lab.js'

/**
 * signoz-ha where operators install it, each way verified as a user meets it: the single
 * executable on a machine without Node.js (lab up, doctor, generate), the same file as a kubectl
 * plugin through the real kubectl, shell completion in a real bash, the npm package installed
 * globally from its tarball into a fresh prefix, and the container recipe's COPY source.
 */
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {version: string}).version
const release = join(ROOT, 'dist', 'release')
const work = mkdtempSync(join(tmpdir(), 'signoz-ha-delivery-'))
const labDir = join(work, 'lab')
/** A PATH with the system tools the lab runs (sh, date, java, the ClickHouse server's directory) and Helm, but no node. */
const tools = join(work, 'tools')
const noNodePath = `${tools}:/usr/sbin:/sbin`
const exe = join(work, 'empty', 'signoz-ha')
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex')

type Run = {code: number; stdout: string; stderr: string}
function run(file: string, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 240_000): Promise<Run> {
  return new Promise((resolve) => {
    const merged: NodeJS.ProcessEnv = {HOME: join(work, 'home'), SIGNOZ_HA_CACHE_DIR: join(work, 'cache'), NO_COLOR: '1', PATH: noNodePath, ...env}
    for (const k of Object.keys(merged)) if (merged[k] === undefined) delete merged[k]
    execFile(file, args, {env: merged, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024}, (error, stdout, stderr) =>
      resolve({code: error ? (typeof (error as {code?: unknown}).code === 'number' ? (error as {code: number}).code : 1) : 0, stdout, stderr}),
    )
  })
}

beforeAll(async () => {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'release.mjs'), '--quiet'], {cwd: ROOT, stdio: 'inherit', timeout: 600_000})
  mkdirSync(tools, {recursive: true})
  mkdirSync(join(work, 'home'), {recursive: true})
  for (const tool of ['sh', 'bash', 'env', 'date', 'java', 'tar', 'cat', 'ls'])
    symlinkSync(execFileSync('/bin/sh', ['-c', `command -v ${tool}`], {encoding: 'utf8'}).trim(), join(tools, tool))
  symlinkSync(labHelmBinary(3)!, join(tools, 'helm'))
  mkdirSync(join(work, 'empty'))
  copyFileSync(join(release, `signoz-ha-${version}-linux-x64`), exe)
  execFileSync('chmod', ['+x', exe])
}, 600_000)

afterAll(async () => {
  if (existsSync(labDir)) await run(exe, ['lab', 'down', '--dir', labDir])
  expect(processesMentioning(labDir)).toEqual([])
})

describe('npm run release', () => {
  test('one executable per Linux platform, their sums, the kubectl plugin archives and the krew manifest', () => {
    const x64 = join(release, `signoz-ha-${version}-linux-x64`)
    const arm64 = join(release, `signoz-ha-${version}-linux-arm64`)
    // ELF e_machine: 0x3e x86-64, 0xb7 AArch64.
    expect(readFileSync(x64).readUInt16LE(18)).toBe(0x3e)
    expect(readFileSync(arm64).readUInt16LE(18)).toBe(0xb7)
    const sums = readFileSync(join(release, 'SHA256SUMS'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(/\s+/))
    expect(sums.map(([, f]) => f).sort()).toEqual(
      [`kubectl-signoz_ha-${version}-linux-arm64.tar.gz`, `kubectl-signoz_ha-${version}-linux-x64.tar.gz`, basename(arm64), basename(x64)].sort(),
    )
    for (const [sum, file] of sums) expect(sha256(join(release, file!)), file).toBe(sum)
  })

  test("the krew manifest is valid by krew's own rules", () => {
    const file = join(release, 'signoz-ha.yaml')
    const plugin = parseYaml(readFileSync(file, 'utf8')) as {
      apiVersion: string
      kind: string
      metadata: {name: string}
      spec: {
        version: string
        shortDescription: string
        homepage?: string
        platforms: {
          selector: {matchLabels?: Record<string, string>; matchExpressions?: unknown[]}
          uri: string
          sha256: string
          bin: string
          files?: {from: string; to: string}[]
        }[]
      }
    }
    // krew's validate-krew-manifest: apiVersion, kind, a safe name equal to the file's, a one-line
    // short description, a v-prefixed semver, platforms with uri, sha256, bin, files, selectors on os/arch only, none overlapping.
    expect(plugin.apiVersion).toBe('krew.googlecontainertools.github.com/v1alpha2')
    expect(plugin.kind).toBe('Plugin')
    expect(plugin.metadata.name).toMatch(/^[\w-]+$/)
    expect(`${plugin.metadata.name}.yaml`).toBe(basename(file))
    expect(plugin.spec.shortDescription).toMatch(/^[^\r\n]+$/)
    expect(plugin.spec.version).toBe(`v${version}`)
    expect(plugin.spec.version).toMatch(/^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/)
    expect(plugin.spec.platforms.length).toBeGreaterThan(0)
    const selected = new Set<string>()
    for (const p of plugin.spec.platforms) {
      expect(p.uri).toMatch(/^https:\/\/.+\.tar\.gz$/)
      expect(p.sha256).toMatch(/^[a-f0-9]{64}$/)
      expect(p.bin).toBe('kubectl-signoz_ha')
      for (const f of p.files ?? []) expect(f.from && f.to).toBeTruthy()
      expect(Object.keys(p.selector.matchLabels ?? {}).every((k) => k === 'os' || k === 'arch')).toBe(true)
      const key = `${p.selector.matchLabels!.os}/${p.selector.matchLabels!.arch}`
      expect(selected.has(key), `overlapping selector ${key}`).toBe(false)
      selected.add(key)
      // The archive the uri names is this release's, with the bin and a license in it.
      const archive = join(release, basename(p.uri))
      expect(sha256(archive)).toBe(p.sha256)
      const listed = execFileSync('tar', ['-tzf', archive], {encoding: 'utf8'}).trim().split('\n').sort()
      expect(listed).toEqual(['LICENSE', 'kubectl-signoz_ha'])
    }
    expect([...selected].sort()).toEqual(['linux/amd64', 'linux/arm64'])
  })

  test('the container recipe copies what the release produced, runs as non-root', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')
    const args = Object.fromEntries([...dockerfile.matchAll(/^ARG (\w+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]))
    const copy = /^COPY (?:--\S+ )*(\S+) (\S+)$/m.exec(dockerfile)!
    const source = copy[1]!.replace(/\$\{(\w+)\}/g, (_, name: string) => args[name] ?? '')
    expect(existsSync(join(ROOT, source)), source).toBe(true)
    expect(source).toBe(`dist/release/signoz-ha-${version}-linux-x64`)
    expect(dockerfile).toMatch(/^USER 65532:65532$/m)
    expect(dockerfile).toMatch(/^ENTRYPOINT \["\/usr\/local\/bin\/signoz-ha"\]$/m)
  })
})

describe('the single executable, on a machine without Node.js', () => {
  test('no node on its PATH; --version, checks list, runbook show and generate work from the file alone', async () => {
    expect((await run('/bin/sh', ['-c', 'command -v node || echo none'])).stdout.trim()).toBe('none')
    const v = await run(exe, ['--version'])
    expect(v.stdout).toMatch(new RegExp(`^signoz-ha/${version.replace(/\./g, '\\.')} linux-x64 node-v\\d+\\.\\d+\\.\\d+\\n$`))
    const checks = await run(exe, ['checks', 'list', '--json'])
    expect(checks.code).toBe(0)
    expect((JSON.parse(checks.stdout) as {checks: unknown[]}).checks.length).toBeGreaterThan(30)
    const show = await run(exe, ['runbook', 'show', 'keeper-down'])
    expect(show.code).toBe(0)
    expect(show.stdout).toMatch(/ZooKeeper\/Keeper is down/)
    const out = join(work, 'generated')
    const generate = await run(exe, ['generate', '--cloud', 'aws', '--shards', '2', '--replicas', '2', '--ingress', 'none', '-d', out])
    expect(generate.code).toBe(0)
    expect(readdirSync(out)).toEqual(expect.arrayContaining(['values.yaml', 'README.md']))
    // The package was unpacked once, where SIGNOZ_HA_CACHE_DIR says.
    expect(readdirSync(join(work, 'cache')).filter((d) => d.startsWith(`${version}-`))).toHaveLength(1)
  })

  test('lab up from the executable, then doctor through the lab kubeconfig', async () => {
    const up = await run(exe, ['lab', 'up', '--dir', labDir, '--json'])
    expect(up.code, up.stderr).toBe(0)
    expect((JSON.parse(up.stdout) as {healthy: boolean}).healthy).toBe(true)
    const kubeconfig = join(labDir, 'kubeconfig')
    const doctor = await run(exe, ['doctor', '--kubeconfig', kubeconfig, '-o', 'json'])
    const report = JSON.parse(doctor.stdout) as {status: string; results: {id: string; status: string}[]}
    expect(report.results.filter((r) => r.status === 'fail' || r.status === 'error').map((r) => r.id)).toEqual([])
    expect(doctor.code).toBe(0)
  })

  test('installed as kubectl-signoz_ha it is `kubectl signoz-ha`, honouring KUBECONFIG, --kubeconfig, --context and -n', async () => {
    const plugins = join(work, 'plugins')
    mkdirSync(plugins, {recursive: true})
    copyFileSync(exe, join(plugins, 'kubectl-signoz_ha'))
    execFileSync('chmod', ['+x', join(plugins, 'kubectl-signoz_ha')])
    symlinkSync(labKubectlBinary(31)!, join(plugins, 'kubectl'))
    const path = `${plugins}:${noNodePath}`
    const kubeconfig = join(labDir, 'kubeconfig')
    const list = await run(join(plugins, 'kubectl'), ['plugin', 'list'], {PATH: path})
    expect(list.stdout).toContain(join(plugins, 'kubectl-signoz_ha'))
    const version = await run(join(plugins, 'kubectl'), ['signoz-ha', '--version'], {PATH: path})
    expect(version.stdout).toMatch(/^signoz-ha\//)
    for (const args of [
      ['signoz-ha', 'doctor', '--kubeconfig', kubeconfig, '--only', 'kube', '-o', 'json'],
      ['signoz-ha', 'doctor', '--kubeconfig', kubeconfig, '--context', 'signoz-ha-lab', '-n', 'platform', '--only', 'helm', '-o', 'json'],
    ]) {
      const r = await run(join(plugins, 'kubectl'), args, {PATH: path})
      expect(r.code, args.join(' ')).toBe(0)
      expect((JSON.parse(r.stdout) as {target: {namespace: string}}).target.namespace).toBe('platform')
    }
    const viaEnv = await run(join(plugins, 'kubectl'), ['signoz-ha', 'doctor', '--only', 'kube/duplicate-clickhouse', '-o', 'json'], {
      PATH: path,
      KUBECONFIG: kubeconfig,
    })
    expect(viaEnv.code).toBe(0)
    expect((JSON.parse(viaEnv.stdout) as {target: {context: string}}).target.context).toBe('signoz-ha-lab')
  })
})

describe('shell completion', () => {
  /** What the bash completion offers for a command line (the word under the cursor last). */
  const complete = async (line: string[]) => {
    const script = [
      `source <(${exe} completion bash)`,
      `COMP_WORDS=(${line.map((w) => `'${w}'`).join(' ')})`,
      `COMP_CWORD=${line.length - 1}`,
      '_signoz_ha',
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join('\n')
    const r = await run(join(tools, 'bash'), ['-c', script])
    expect(r.stderr).toBe('')
    return r.stdout.trim().split('\n').filter(Boolean).sort()
  }

  test('bash: runbook ids, check ids, commands, flags and their enumerated values', async () => {
    expect(await complete(['signoz-ha', 'runbook', 'show', 'r'])).toEqual([
      'replica-inactive',
      'replica-readonly',
      'replica-spread',
      'replication-queue-stuck',
      'retention',
    ])
    expect(await complete(['signoz-ha', 'doctor', '--only', 'clickhouse/re'])).toEqual([
      'clickhouse/reachable',
      'clickhouse/replicas-active',
      'clickhouse/replicas-readonly',
      'clickhouse/replication-lag',
    ])
    expect(await complete(['signoz-ha', 'lab', ''])).toEqual(['break', 'down', 'env', 'heal', 'status', 'up'])
    expect(await complete(['signoz-ha', 'doctor', '-o', ''])).toEqual(['html', 'json', 'junit', 'line', 'markdown', 'sarif', 'text'])
    expect(await complete(['signoz-ha', 'generate', '--cloud', ''])).toEqual(['aws', 'azure', 'gcp', 'generic'])
    expect(await complete(['signoz-ha', 'lab', 'break', 'kill-'])).toEqual(['kill-replica'])
    expect(await complete(['signoz-ha', 'doctor', '--fail'])).toEqual(['--fail-on'])
  })

  test('zsh and fish scripts are written for their shells', async () => {
    const zsh = await run(exe, ['completion', 'zsh'])
    expect(zsh.stdout).toMatch(/^#compdef signoz-ha\n/)
    expect(zsh.stdout).toContain('bashcompinit')
    const fish = await run(exe, ['completion', 'fish'])
    expect(fish.stdout).toMatch(/complete -c signoz-ha -n '__fish_seen_subcommand_from runbook; and __fish_seen_subcommand_from show' -a '[^']*keeper-down/)
    const bad = await run(exe, ['completion', 'tcsh'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/^signoz-ha: no completion for "tcsh"/)
  })
})

describe('the npm package', () => {
  test('npm pack holds what the commands need and nothing of the tests; installed globally into a fresh prefix it works', async () => {
    const packDir = join(work, 'pack')
    mkdirSync(packDir)
    const npmEnv = {PATH: process.env.PATH, HOME: join(work, 'home'), npm_config_cache: join(work, 'npm-cache')}
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', packDir], {cwd: ROOT, encoding: 'utf8', env: {...process.env, ...npmEnv}}),
    ) as {filename: string; size: number; files: {path: string}[]}[]
    const files = packed[0]!.files.map((f) => f.path)
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'bin/run.js',
        'dist/cli.js',
        'dist/commands.js',
        'dist/lab-agent.js',
        'oclif.manifest.json',
        'src/lab/chart/signoz/Chart.yaml',
        'src/lab/chdb-server.py',
        'LICENSE',
      ]),
    )
    // Of the sources only what runs as it is: the lab's chart and the launcher of the chdb server (python3).
    expect(
      files.filter(
        (f) =>
          f.startsWith('test/') ||
          f.endsWith('.test.ts') ||
          f.endsWith('.map') ||
          (f.startsWith('src/') && !f.startsWith('src/lab/chart/') && f !== 'src/lab/chdb-server.py'),
      ),
    ).toEqual([])
    const prefix = join(work, 'prefix')
    // No dependency to fetch: the bundle carries them, so the install works offline.
    execFileSync('npm', ['install', '-g', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, join(packDir, packed[0]!.filename)], {
      env: {...process.env, ...npmEnv},
      stdio: 'pipe',
    })
    const bin = join(prefix, 'bin', 'signoz-ha')
    // Node 22+ on PATH (the dev dependency's), and Helm for the lab.
    const path = `${join(ROOT, 'node_modules', '.bin')}:${noNodePath}`
    expect((await run(bin, ['--version'], {PATH: path})).stdout).toMatch(/^signoz-ha\//)
    const doctor = await run(bin, ['doctor', '--kubeconfig', join(labDir, 'kubeconfig'), '--only', 'kube', '--only', 'clickhouse/reachable', '-o', 'json'], {
      PATH: path,
    })
    expect(doctor.code).toBe(0)
    const generated = join(work, 'generated-npm')
    expect((await run(bin, ['generate', '--shards', '1', '--replicas', '2', '--ingress', 'none', '-d', generated], {PATH: path})).code).toBe(0)
    expect((await run(bin, ['lab', 'down', '--dir', labDir], {PATH: path})).code).toBe(0)
    expect(processesMentioning(labDir)).toEqual([])
    const second = join(work, 'lab-npm')
    const up = await run(bin, ['lab', 'up', '--dir', second, '--shards', '1', '--replicas', '1'], {PATH: path})
    expect(up.code, up.stderr).toBe(0)
    expect((await run(bin, ['lab', 'down', '--dir', second], {PATH: path})).code).toBe(0)
    expect(processesMentioning(second)).toEqual([])
    expect(statSync(join(packDir, packed[0]!.filename)).size).toBeLessThan(5 * 1024 * 1024)
  })
})
