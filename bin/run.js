#!/usr/bin/env node
// Published entry: the bundled build (npm run build writes dist/).
import('../dist/cli.js').then((cli) => cli.main(process.argv.slice(2), import.meta.url))
