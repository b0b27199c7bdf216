// Bundles the CLI with esbuild: one small entry chunk, heavy modules split into
// chunks that only the commands needing them load.
import {build} from 'esbuild'
import {rmSync} from 'node:fs'

const quiet = process.argv.includes('--quiet')
rmSync('dist', {recursive: true, force: true})
const result = await build({
  entryPoints: {
    cli: 'src/cli/main.ts',
    commands: 'commands/index.ts',
    'lab-agent': 'src/lab/agent/main.ts',
  },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  sourcemap: 'linked',
  metafile: true,
  legalComments: 'none',
  // Smaller code parses faster: start-up is most of a doctor run.
  minify: true,
  keepNames: true,
  chunkNames: 'chunks/[name]-[hash]',
  banner: {
    // CommonJS dependencies bundled into ESM still call require() for builtins.
    js: "import {createRequire as __signozHaCreateRequire} from 'node:module'; const require = __signozHaCreateRequire(import.meta.url);",
  },
  logLevel: quiet ? 'error' : 'info',
})
// The command manifest is derived from the bundle just built.
rmSync('oclif.manifest.json', {force: true})
const {execFileSync} = await import('node:child_process')
execFileSync(process.execPath, ['scripts/manifest.mjs'], {stdio: 'inherit'})

if (!quiet) {
  const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.js'))
  const total = outputs.reduce((sum, [, o]) => sum + o.bytes, 0)
  console.log(`built ${outputs.length} files, ${(total / 1024).toFixed(0)} KiB`)
}
