import {resolve} from 'node:path'
import {generateFiles} from '../generate/index.js'
import {resolveInputs, type RawInputs} from '../generate/inputs.js'
import {writeFilesInto} from './write-files.js'

/**
 * Writes a generated configuration into a directory. Existing files are never overwritten
 * without --force, and nothing is written when any input is wrong.
 */
export function generateCommand(
  raw: RawInputs,
  options: {out?: string; force: boolean},
): {dir: string; files: {path: string; purpose: string}[]; inputs: ReturnType<typeof resolveInputs>} {
  const inputs = resolveInputs(raw)
  const dir = resolve(options.out ?? `signoz-ha-${inputs.release}`)
  const files = generateFiles(inputs)
  writeFilesInto(dir, files, options.force)
  return {dir, files: files.map(({path, purpose}) => ({path, purpose})), inputs}
}
