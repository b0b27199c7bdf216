import {Command, Flags, Errors} from '@oclif/core'
import {Chalk, type ChalkInstance} from 'chalk'
import {SignozHaError} from '../core/errors.js'
import {EXIT} from '../core/exit-codes.js'
import {isGatewayError} from '../gateways/errors.js'

export type OutputFormat = 'text' | 'json'

/** Flags every command that prints a report shares. */
export const outputFlags = {
  json: Flags.boolean({summary: 'Print the JSON document (same as -o json).', env: 'SIGNOZ_HA_JSON'}),
  output: Flags.string({char: 'o', summary: 'Output format.', options: ['text', 'json'], env: 'SIGNOZ_HA_OUTPUT'}),
  'no-color': Flags.boolean({summary: 'No colour (also NO_COLOR).'}),
}

/**
 * Base of every command: one-line errors with the contract's exit code, never a stack
 * (set SIGNOZ_HA_DEBUG=1 for one), and the output/colour decisions in one place.
 */
export abstract class BaseCommand extends Command {
  protected format(flags: {json?: boolean; output?: string}): OutputFormat {
    if (flags.json || flags.output === 'json' || (!flags.output && process.env.SIGNOZ_HA_CONTENT_TYPE === 'json')) return 'json'
    return 'text'
  }

  protected chalkFor(flags: {'no-color'?: boolean}, stream: NodeJS.WriteStream = process.stdout): ChalkInstance {
    const forced = process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0'
    const off = flags['no-color'] || process.env.NO_COLOR !== undefined || process.env.TERM === 'dumb'
    return new Chalk({level: off ? 0 : forced || stream.isTTY ? 3 : 0})
  }

  /** Report on stdout, progress in grey on stderr: what remediation commands print through. */
  protected remediationIo(flags: {json?: boolean; output?: string; 'no-color'?: boolean}) {
    const progressChalk = this.chalkFor(flags, process.stderr)
    return {
      chalk: this.chalkFor(flags),
      json: this.format(flags) === 'json',
      print: (text: string) => this.print(text),
      progress: (line: string) => process.stderr.write(`${progressChalk.gray(line)}\n`),
    }
  }

  protected print(text: string): void {
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
  }

  protected override async catch(error: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    if (error instanceof Errors.ExitError) throw error
    if (process.env.SIGNOZ_HA_DEBUG) process.stderr.write(`${error.stack}\n`)
    if (error instanceof SignozHaError) {
      process.stderr.write(`signoz-ha: ${error.message}\n${error.hint ? `  hint: ${error.hint}\n` : ''}`)
      return this.exit(error.exitCode)
    }
    // A server (the API server, Helm, ClickHouse) that answered with an error the command could not get past: its words, exit 3.
    if (isGatewayError(error)) {
      process.stderr.write(
        `signoz-ha: ${error.message.split('\n')[0]}\n  hint: the run stopped there; run it again when ${error.target === 'helm' ? 'Helm' : error.target} answers\n`,
      )
      return this.exit(EXIT.incomplete)
    }
    // oclif's own parse errors (unknown flag, bad option) are usage errors.
    if (error.oclif?.exit !== undefined || error instanceof Errors.CLIError) {
      process.stderr.write(`signoz-ha: ${error.message.split('\n')[0]}\n  hint: see ${this.config.bin} ${this.id?.replace(/:/g, ' ')} --help\n`)
      return this.exit(error.oclif?.exit ?? EXIT.usage)
    }
    process.stderr.write(`signoz-ha: ${error.message.split('\n')[0]}\n  (this is a bug; SIGNOZ_HA_DEBUG=1 shows the stack)\n`)
    return this.exit(EXIT.incomplete)
  }
}
