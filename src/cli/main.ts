import {execute} from '@oclif/core'

/** Entry of the bundled CLI (bin/run.js). */
export async function main(argv: string[], binUrl: string): Promise<void> {
  await execute({args: argv, dir: binUrl})
}
