import {accessSync, constants, statSync} from 'node:fs'
import {delimiter, join} from 'node:path'

/** The path an executable name resolves to (a path as given; a bare name through PATH), or undefined. */
export function resolveExecutable(name: string): string | undefined {
  const runnable = (path: string) => {
    try {
      accessSync(path, constants.X_OK)
      return statSync(path).isFile()
    } catch {
      return false
    }
  }
  if (name.includes('/')) return runnable(name) ? name : undefined
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && runnable(join(dir, name))) return join(dir, name)
  }
  return undefined
}
