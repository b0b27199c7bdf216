import {Listr, ListrLogger, ProcessOutput} from 'listr2'

/**
 * One phase of a long command (preflight, upgrade, postflight, rollback) as a listr2 line on
 * stderr: animated on a terminal, plain lines otherwise, so stdout stays the report. The phase's
 * own error propagates; listr2 never handles signals here (the command decides what Ctrl-C does).
 */
export async function phase<T>(title: string, run: (report: (line: string) => void) => Promise<T>, options: {tty: boolean}): Promise<T> {
  let result: T | undefined
  const logger = new ListrLogger({processOutput: new ProcessOutput(process.stderr, process.stderr)})
  const list = new Listr(
    [
      {
        title,
        task: async (_ctx, task) => {
          result = await run((line) => {
            task.output = line
          })
        },
        rendererOptions: {persistentOutput: false, outputBar: 3},
      },
    ],
    {
      renderer: options.tty ? 'default' : 'simple',
      fallbackRenderer: 'simple',
      rendererOptions: {logger},
      fallbackRendererOptions: {logger},
      registerSignalListeners: false,
      exitOnError: true,
      collectErrors: false,
    },
  )
  await list.run()
  return result as T
}
