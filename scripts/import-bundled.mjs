// Imports TypeScript sources from a script: esbuild bundles them into a temporary module inside
// the repository (so its external packages resolve from node_modules), which is imported and removed.
import {build} from 'esbuild'
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

/** The module esbuild makes of options (entryPoints or stdin), imported. */
export async function importBundled(options) {
  mkdirSync(join(root, 'node_modules', '.cache'), {recursive: true})
  const dir = mkdtempSync(join(root, 'node_modules', '.cache', 'signoz-ha-script-'))
  try {
    const out = join(dir, 'module.mjs')
    await build({
      ...options,
      outfile: out,
      bundle: true,
      format: 'esm',
      platform: 'node',
      packages: 'external',
      logLevel: 'error',
      banner: {js: "import {createRequire as __r} from 'node:module'; const require = __r(import.meta.url);"},
    })
    return await import(pathToFileURL(out).href)
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}
