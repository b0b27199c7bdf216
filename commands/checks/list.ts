import {BaseCommand, outputFlags} from '../../src/cli/base.js'
import {ALL_CHECKS} from '../../checks/index.js'
import {POSTURE_COMPONENTS} from '../../src/core/posture.js'

export default class ChecksList extends BaseCommand {
  static override summary = 'List every check doctor can run, with its severity, needs and runbook.'

  static override flags = {...outputFlags}

  async run(): Promise<void> {
    const {flags} = await this.parse(ChecksList)
    const rows = ALL_CHECKS.map(({id, title, severity, requires, runbook}) => ({id, title, severity, requires: [...requires], runbook}))
    if (this.format(flags) === 'json') return this.print(JSON.stringify({schemaVersion: 1, checks: rows, posture: POSTURE_COMPONENTS}, null, 2))
    const c = this.chalkFor(flags)
    const width = Math.max(...rows.map((r) => r.id.length))
    this.print(
      rows
        .map(
          (r) => `${r.id.padEnd(width)}  ${r.severity.padEnd(8)}  ${r.title} ${c.gray(`[needs ${r.requires.join(', ') || 'nothing'}; runbook ${r.runbook}]`)}`,
        )
        .join('\n'),
    )
    // The posture score (doctor --export, serve) is built from these results, with these weights.
    const pw = Math.max(...POSTURE_COMPONENTS.map((p) => p.id.length))
    this.print(
      `\nposture score (0–100, over the components measured):\n${POSTURE_COMPONENTS.map((p) => `${p.id.padEnd(pw)}  ${String(p.weight).padStart(3)}  ${p.description} ${c.gray(`[from ${p.from}]`)}`).join('\n')}`,
    )
  }
}
