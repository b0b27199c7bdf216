// Writes the generated documents (docs/*.md) from their definitions: bundles src/docs with
// esbuild into a temporary module and runs it. A test fails when the committed files drift.
import {build} from 'esbuild'
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
// Inside the repository, so the bundle's external packages resolve from node_modules.
mkdirSync(join(root, 'node_modules', '.cache'), {recursive: true})
const dir = mkdtempSync(join(root, 'node_modules', '.cache', 'signoz-ha-docs-'))
try {
  const out = join(dir, 'docs.mjs')
  await build({
    entryPoints: [join(root, 'src/docs/index.ts')],
    outfile: out,
    bundle: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    logLevel: 'error',
    banner: {js: "import {createRequire as __r} from 'node:module'; const require = __r(import.meta.url);"},
  })
  const {writeDocs} = await import(pathToFileURL(out).href)
  for (const path of writeDocs(root)) console.log(`wrote ${path}`)
} finally {
  rmSync(dir, {recursive: true, force: true})
}
