import {existsSync, readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

/** The signoz-ha package root, found from this module whether it runs bundled (dist/) or from source. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const pkg = join(dir, 'package.json')
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as {name?: string}).name === 'signoz-ha') return dir
      } catch {
        // keep walking
      }
    }
    const parent = dirname(dir)
    if (parent === dir) throw new Error('cannot find the signoz-ha package root')
    dir = parent
  }
}

export const labAgentScript = (): string => join(packageRoot(), 'dist', 'lab-agent.js')
