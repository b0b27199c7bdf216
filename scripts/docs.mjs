// Writes the generated documents (docs/*.md) from their definitions: bundles src/docs with
// esbuild into a temporary module and runs it. A test fails when the committed files drift.
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {importBundled} from './import-bundled.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const {writeDocs} = await importBundled({entryPoints: [join(root, 'src/docs/index.ts')]})
for (const path of writeDocs(root)) console.log(`wrote ${path}`)
