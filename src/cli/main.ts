import {Errors, handle, run} from '@oclif/core'

/**
 * Resolves once everything written to the stream so far has reached the reader (a pipe's reader
 * may be slow: a write beyond the pipe's buffer waits in the process), or the reader went away.
 */
export function drained(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.destroyed || stream.writableLength === 0) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done).off('error', done).off('close', done)
      resolve()
    }
    stream.on('drain', done).on('error', done).on('close', done)
  })
}

/**
 * Entry of the bundled CLI (bin/run.js). oclif's own execute() ends a non-zero exit with
 * process.exit() at once, which drops whatever stdout still holds for a pipe (a large report with
 * findings was cut at 64 KiB); here the exit code is set only once stdout and stderr are drained.
 */
export async function main(argv: string[], binUrl: string): Promise<void> {
  let exitCode = 0
  let unhandled: Error | undefined
  try {
    await run(argv, binUrl)
  } catch (error) {
    if (error instanceof Errors.ExitError) exitCode = error.oclif.exit ?? 1
    else unhandled = error instanceof Error ? error : new Error(String(error))
  }
  await Promise.all([drained(process.stdout), drained(process.stderr)])
  // oclif's handler prints what it must (help after a parse error) and exits with its code.
  if (unhandled) return handle(unhandled)
  // A command may leave a handle open (a port-forward socket on an error path): exit, now that nothing is pending.
  process.exit(exitCode)
}
