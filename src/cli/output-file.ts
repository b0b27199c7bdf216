import {mkdirSync, renameSync, writeFileSync} from 'node:fs'
import {dirname, resolve} from 'node:path'
import {UsageError} from '../core/errors.js'

/** Writes a report file atomically (a reader never sees half a report); an unwritable path is a usage error. */
export function writeReportFile(path: string, content: string): void {
  const target = resolve(path)
  try {
    mkdirSync(dirname(target), {recursive: true})
    const tmp = `${target}.${process.pid}.tmp`
    writeFileSync(tmp, content.endsWith('\n') ? content : `${content}\n`)
    renameSync(tmp, target)
  } catch (error) {
    throw new UsageError(`cannot write the report to ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }
}
