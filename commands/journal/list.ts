import {BaseCommand, outputFlags} from '../../src/cli/base.js'
import {Journal, journalDir} from '../../src/remediation/journal.js'

export default class JournalList extends BaseCommand {
  static override summary = 'List the journals of remediation runs (newest last).'
  static override flags = {...outputFlags}

  async run(): Promise<void> {
    const {flags} = await this.parse(JournalList)
    const runs = Journal.list()
    if (this.format(flags) === 'json') return this.print(JSON.stringify({dir: journalDir(), runs}, null, 2))
    if (runs.length === 0) return this.print(`no journal in ${journalDir()}`)
    this.print(runs.map((r) => `${r.id}  ${r.status.padEnd(11)} ${r.applied} applied  ${r.title}${r.holder ? `  (by ${r.holder})` : ''}`).join('\n'))
  }
}
