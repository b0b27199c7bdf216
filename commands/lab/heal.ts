import {Args} from '@oclif/core'
import {BaseCommand} from '../../src/cli/base.js'
import {labDirFlag} from '../../src/cli/lab-flags.js'

export default class LabHeal extends BaseCommand {
  static override summary = 'Undo one injected fault, or all of them.'
  static override args = {fault: Args.string({description: 'fault id (default: every active fault)'})}
  static override flags = {...labDirFlag}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(LabHeal)
    const {healLab} = await import('../../src/lab/faults.js')
    const {readState, resolveLabDir} = await import('../../src/lab/state.js')
    const healed = await healLab(readState(resolveLabDir(flags.dir)), args.fault)
    this.print(healed.length ? `healed ${healed.join(', ')}` : 'no active faults')
  }
}
