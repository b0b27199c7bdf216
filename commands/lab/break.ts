import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../src/cli/base.js'
import {labDirFlag} from '../../src/cli/lab-flags.js'
import {UsageError} from '../../src/core/errors.js'

export default class LabBreak extends BaseCommand {
  static override summary = 'Inject a real fault into the lab (lab break --list names them).'
  static override args = {fault: Args.string({description: 'fault id'})}
  static override flags = {
    ...labDirFlag,
    target: Flags.string({summary: 'What to break (a pod, POD:DB.TABLE, …), where the fault takes one.'}),
    list: Flags.boolean({summary: 'List the faults.'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(LabBreak)
    const {FAULTS, breakLab} = await import('../../src/lab/faults.js')
    if (flags.list || !args.fault) {
      if (!flags.list) throw new UsageError('name a fault', `faults: ${FAULTS.map((f) => f.id).join(', ')}`)
      const width = Math.max(...FAULTS.map((f) => f.id.length))
      return this.print(FAULTS.map((f) => `${f.id.padEnd(width)}  ${f.summary}${f.target ? ` [--target ${f.target.description}]` : ''}`).join('\n'))
    }
    const {readState, resolveLabDir} = await import('../../src/lab/state.js')
    const state = readState(resolveLabDir(flags.dir))
    const active = await breakLab(state, args.fault, flags.target)
    const target = (active.undo.pod as string | undefined) ?? active.target
    this.print(`broke ${active.id}${target ? ` on ${target}` : ''}; undo with: ${this.config.bin} lab heal ${active.id}`)
  }
}
