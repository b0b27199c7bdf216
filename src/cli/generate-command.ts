import {existsSync, mkdirSync, renameSync, writeFileSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {UsageError} from '../core/errors.js'
import {generateFiles} from '../generate/index.js'
import {resolveInputs, type RawInputs} from '../generate/inputs.js'

/**
 * Writes a generated configuration into a directory. Existing files are never overwritten
 * without --force, and nothing is written when any input is wrong.
 */
export function generateCommand(raw: RawInputs, options: {out?: string; force: boolean}): {dir: string; files: {path: string; purpose: string}[]; inputs: ReturnType<typeof resolveInputs>} {
  const inputs = resolveInputs(raw)
  const dir = resolve(options.out ?? `signoz-ha-${inputs.release}`)
  const files = generateFiles(inputs)
  const clashes = files.filter((f) => existsSync(join(dir, f.path))).map((f) => f.path)
  if (clashes.length && !options.force) throw new UsageError(`${dir} already has ${clashes.join(', ')}: nothing was written`, 'choose another --out, or --force to replace them')
  mkdirSync(dir, {recursive: true})
  for (const f of files) {
    // Each file whole or not at all: written aside, then renamed over.
    const path = join(dir, f.path)
    writeFileSync(`${path}.tmp`, f.content)
    renameSync(`${path}.tmp`, path)
  }
  return {dir, files: files.map(({path, purpose}) => ({path, purpose})), inputs}
}
