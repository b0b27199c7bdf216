import type {ChalkInstance} from 'chalk'
import type {GateResult} from '../upgrade/gates.js'
import type {UpgradePlan} from '../upgrade/plan.js'

/** The gates for a person: each with its verdict, the evidence line and the fix. */
export function renderGates(gates: readonly GateResult[], c: ChalkInstance): string {
  const mark = {pass: c.green('✓'), fail: c.red('✗'), skipped: c.yellow('-'), error: c.red('!')}
  const lines = [c.bold('Preflight gates')]
  for (const g of gates) {
    lines.push(`  ${mark[g.status]} ${g.title} ${c.gray(`(${g.id})`)}`, `      ${g.message}`)
    if (g.status !== 'pass' && g.fix) lines.push(`      ${c.cyan(`fix: ${g.fix}`)}`)
  }
  return lines.join('\n')
}

/** The plan in ClickHouse terms: what changes and what it means for the data. */
export function renderUpgradePlan(plan: UpgradePlan, c: ChalkInstance): string {
  const lines = [c.bold(`Plan: revision ${plan.from.revision} (chart ${plan.from.chartVersion}) → chart ${plan.to.chartVersion}`)]
  if (plan.changes.length === 0) return [...lines, '  no change: the release already renders this'].join('\n')
  const level = {info: c.gray('•'), caution: c.yellow('▲'), danger: c.red('✗')}
  for (const ch of plan.changes) lines.push(`  ${level[ch.level]} ${ch.what}`, `      ${c.gray(ch.means)}`)
  const {added, removed, changed} = plan.objects
  lines.push(
    c.gray(
      `  objects: ${changed.length} changed${changed.length ? ` (${changed.join(', ')})` : ''}, ${added.length} added${added.length ? ` (${added.join(', ')})` : ''}, ${removed.length} removed${removed.length ? ` (${removed.join(', ')})` : ''}`,
    ),
  )
  return lines.join('\n')
}
