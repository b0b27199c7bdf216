import {Args} from '@oclif/core'
import {BaseCommand} from '../../src/cli/base.js'
import {labDirFlag} from '../../src/cli/lab-flags.js'

export default class LabHeal extends BaseCommand {
  static override summary = 'Undo one injected fault; without one, undo them all and bring back whatever else is down or stopped.'
  static override args = {fault: Args.string({description: 'fault id (default: every active fault)'})}
  static override flags = {...labDirFlag}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(LabHeal)
    const {healLab} = await import('../../src/lab/faults.js')
    const {readState, resolveLabDir} = await import('../../src/lab/state.js')
    const healed = await healLab(readState(resolveLabDir(flags.dir)), args.fault)
    this.print(args.fault ? `healed ${healed.join(', ')}` : `${healed.length ? `healed ${healed.join(', ')}; ` : 'no active faults; '}the lab is healthy`)
  }
}
