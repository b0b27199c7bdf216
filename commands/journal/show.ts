import {Args} from '@oclif/core'
import {BaseCommand, outputFlags} from '../../src/cli/base.js'
import {Journal} from '../../src/remediation/journal.js'

export default class JournalShow extends BaseCommand {
  static override summary = 'Show one run: its plan, each step backed up, applied, verified, undone (secrets redacted).'
  static override args = {id: Args.string({required: true, description: 'journal id (signoz-ha journal list) or path'})}
  static override flags = {...outputFlags}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(JournalShow)
    const journal = Journal.open(args.id)
    const entries = journal.entries()
    if (this.format(flags) === 'json') return this.print(JSON.stringify({id: journal.id, summary: journal.summary(), entries}, null, 2))
    const c = this.chalkFor(flags)
    const s = journal.summary()
    this.print(
      [
        c.bold(`${s.id}: ${s.title} (${s.status})`),
        ...entries.map((e) => {
          const {at, event, step, ...rest} = e
          const lease = rest.lease as {name?: string; holder?: string} | undefined
          const detail =
            event === 'plan' ? (lease ? ` lease ${lease.name} held by ${lease.holder}` : '') : Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : ''
          return `${c.gray(at)} ${event.padEnd(11)} ${step ?? ''}${detail}`
        }),
      ].join('\n'),
    )
  }
}
