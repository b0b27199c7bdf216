import {Flags} from '@oclif/core'
import {BaseCommand} from '../../src/cli/base.js'
import {labDirFlag} from '../../src/cli/lab-flags.js'

export default class LabDown extends BaseCommand {
  static override summary = 'Stop every process the lab started and remove its directory.'
  static override flags = {...labDirFlag, keep: Flags.boolean({summary: 'Keep the directory (data, logs) after stopping.'})}

  async run(): Promise<void> {
    const {flags} = await this.parse(LabDown)
    const {labDown} = await import('../../src/lab/world.js')
    const {resolveLabDir} = await import('../../src/lab/state.js')
    const dir = resolveLabDir(flags.dir)
    const {stopped} = await labDown(dir, flags.keep)
    this.print(stopped ? `lab in ${dir} stopped${flags.keep ? ' (directory kept)' : ' and removed'}` : `no lab in ${dir}`)
  }
}
