#!/usr/bin/env node
// Published entry: the bundled build (npm run build writes dist/).
import {readFileSync} from 'node:fs'
import * as nodeModule from 'node:module'

const argv = process.argv.slice(2)
if (Number(process.versions.node.split('.')[0]) < 22) {
  // The Kubernetes and ClickHouse clients need Node 22+ (zlib zstd, fetch internals): say so, not a stack trace.
  process.stderr.write(`signoz-ha: needs Node.js 22 or newer (this is ${process.version})\n`)
  process.exitCode = 2
} else if (argv.length === 1 && (argv[0] === '--version' || argv[0] === 'version')) {
  // Answered before the command framework loads: the same user agent oclif prints, at a third of the cost.
  const {version} = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(`signoz-ha/${version} ${process.platform}-${process.arch} node-${process.version}\n`)
} else {
  // V8's code cache on disk makes every run after the first start faster (Node >= 22.1).
  nodeModule.enableCompileCache?.()
  // No top-level await: oclif may end the process itself (help, exit codes).
  import('../dist/cli.js')
    .then((cli) => cli.main(argv, import.meta.url))
    .catch((error) => {
      // Only a missing or broken build gets here (main handles every command's errors).
      process.stderr.write(`signoz-ha: cannot load the CLI (${error.message.split('\n')[0]})\n  hint: npm run build\n`)
      process.exitCode = 3
    })
}
