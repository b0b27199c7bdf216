import {existsSync, mkdirSync, renameSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {UsageError} from '../core/errors.js'

/**
 * Writes generated files into a directory: none of them when one is already there (unless
 * force), and each whole or not at all (written aside, then renamed over).
 */
export function writeFilesInto(dir: string, files: readonly {path: string; content: string}[], force: boolean): void {
  const clashes = files.filter((f) => existsSync(join(dir, f.path))).map((f) => f.path)
  if (clashes.length && !force)
    throw new UsageError(`${dir} already has ${clashes.join(', ')}: nothing was written`, 'choose another --out, or --force to replace them')
  mkdirSync(dir, {recursive: true})
  for (const f of files) {
    const path = join(dir, f.path)
    writeFileSync(`${path}.tmp`, f.content)
    renameSync(`${path}.tmp`, path)
  }
}
