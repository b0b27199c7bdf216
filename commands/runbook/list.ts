import {BaseCommand, outputFlags} from '../../src/cli/base.js'

export default class RunbookList extends BaseCommand {
  static override summary = 'List the on-call runbooks.'
  static override flags = {...outputFlags}

  async run(): Promise<void> {
    const {flags} = await this.parse(RunbookList)
    const {ALL_RUNBOOKS} = await import('../../runbooks/index.js')
    if (this.format(flags) === 'json') {
      return this.print(
        JSON.stringify({schemaVersion: 1, runbooks: ALL_RUNBOOKS.map(({id, title, scenarios, checks}) => ({id, title, scenarios, checks}))}, null, 2),
      )
    }
    const width = Math.max(...ALL_RUNBOOKS.map((r) => r.id.length))
    this.print(ALL_RUNBOOKS.map((r) => `${r.id.padEnd(width)}  ${r.title}`).join('\n'))
  }
}
