import {BaseCommand, outputFlags} from '../../src/cli/base.js'
import {ALL_CHECKS} from '../../checks/index.js'

export default class ChecksList extends BaseCommand {
  static override summary = 'List every check doctor can run, with its severity, needs and runbook.'

  static override flags = {...outputFlags}

  async run(): Promise<void> {
    const {flags} = await this.parse(ChecksList)
    const rows = ALL_CHECKS.map(({id, title, severity, requires, runbook}) => ({id, title, severity, requires: [...requires], runbook}))
    if (this.format(flags) === 'json') return this.print(JSON.stringify({schemaVersion: 1, checks: rows}, null, 2))
    const c = this.chalkFor(flags)
    const width = Math.max(...rows.map((r) => r.id.length))
    this.print(rows.map((r) => `${r.id.padEnd(width)}  ${r.severity.padEnd(8)}  ${r.title} ${c.gray(`[needs ${r.requires.join(', ') || 'nothing'}; runbook ${r.runbook}]`)}`).join('\n'))
  }
}
