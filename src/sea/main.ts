// Entry of the single executable (Node's single executable applications): the signoz-ha package
// (bin/run.js, the bundled dist/, the lab chart) travels inside the file as assets. The first run
// of a build unpacks them once into a cache directory, and every run imports bin/run.js from there,
// as the npm install does. `--version` is answered from the embedded version, before any of that.
import {createHash} from 'node:crypto'
import {chmodSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {homedir, tmpdir, userInfo} from 'node:os'
import {dirname, join, resolve, sep} from 'node:path'
import {getAsset} from 'node:sea'
import {pathToFileURL} from 'node:url'

/** The list of embedded files: their package-relative paths and modes. */
interface Runtime {
  version: string
  files: {path: string; mode: number}[]
}

const asText = (key: string) => getAsset(key, 'utf8')

/**
 * Where the package is unpacked: SIGNOZ_HA_CACHE_DIR, else $XDG_CACHE_HOME/signoz-ha, else
 * ~/.cache/signoz-ha; a home that cannot be written (a read-only root filesystem) falls back to
 * the temporary directory.
 */
function cacheBase(): string {
  if (process.env.SIGNOZ_HA_CACHE_DIR) return resolve(process.env.SIGNOZ_HA_CACHE_DIR)
  const xdg = process.env.XDG_CACHE_HOME
  let home = ''
  try {
    home = homedir()
  } catch {
    // no home (a container's arbitrary uid)
  }
  return xdg ? join(xdg, 'signoz-ha') : home ? join(home, '.cache', 'signoz-ha') : join(tmpdir(), `signoz-ha-${userInfo().uid}`)
}

/** Unpacks the embedded package once per build (its content hash names the directory); returns its root. */
function unpack(manifest: string): string {
  const runtime = JSON.parse(manifest) as Runtime
  const id = `${runtime.version}-${createHash('sha256').update(manifest).digest('hex').slice(0, 12)}`
  for (const base of [cacheBase(), join(tmpdir(), `signoz-ha-${userInfo().uid}`)]) {
    const root = join(base, id)
    if (existsSync(join(root, '.complete'))) return root
    try {
      const staging = `${root}.${process.pid}.tmp`
      rmSync(staging, {recursive: true, force: true})
      for (const file of runtime.files) {
        const target = join(staging, ...file.path.split('/'))
        mkdirSync(dirname(target), {recursive: true})
        writeFileSync(target, Buffer.from(getAsset(`runtime/${file.path}`)))
        chmodSync(target, file.mode)
      }
      writeFileSync(join(staging, '.complete'), `${id}\n`)
      try {
        renameSync(staging, root)
      } catch (error) {
        // Another run unpacked the same build meanwhile: use it.
        rmSync(staging, {recursive: true, force: true})
        if (!existsSync(join(root, '.complete'))) throw error
      }
      return root
    } catch {
      // Not writable: try the next place.
    }
  }
  process.stderr.write(`signoz-ha: cannot unpack into ${cacheBase()}\n  hint: set SIGNOZ_HA_CACHE_DIR to a writable directory\n`)
  process.exit(2)
}

const args = process.argv.slice(2)
if (args.length === 1 && (args[0] === '--version' || args[0] === 'version')) {
  process.stdout.write(`signoz-ha/${(JSON.parse(asText('runtime.json')) as Runtime).version} ${process.platform}-${process.arch} node-${process.version}\n`)
} else {
  const root = unpack(asText('runtime.json'))
  // The lab starts its agents as `<node> <script> …`: here <node> is this file, so a script of the
  // unpacked package given first runs as node would run it.
  const script = args[0] && args[0].endsWith('.js') ? resolve(args[0]) : undefined
  if (script && script.startsWith(`${root}${sep}`) && existsSync(script)) {
    process.argv = [process.argv[0]!, script, ...args.slice(1)]
    void import(pathToFileURL(script).href)
  } else {
    process.argv = [process.argv[0]!, join(root, 'bin', 'run.js'), ...args]
    void import(pathToFileURL(join(root, 'bin', 'run.js')).href)
  }
}
