#!/usr/bin/env node
// Source entry: rebuilds the bundle, then runs it, so a change to src/ is seen at once.
import {execFileSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
execFileSync(process.execPath, ['scripts/build.mjs', '--quiet'], {cwd: root, stdio: 'inherit'})
const cli = await import('../dist/cli.js')
await cli.main(process.argv.slice(2), import.meta.url)
