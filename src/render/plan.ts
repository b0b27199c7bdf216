import type {ChalkInstance} from 'chalk'
import type {Action, Preview} from '../remediation/action.js'

export interface PlanView {
  title: string
  reasons: string[]
  steps: {action: Pick<Action<unknown>, 'id' | 'title' | 'safety'>; pending: boolean; previews: Preview[]}[]
}

const SAFETY_COLOR = {safe: 'green', disruptive: 'yellow', destructive: 'red'} as const

/** The plan for a person: why, then each step with its safety class and what it changes. */
export function renderPlan(view: PlanView, c: ChalkInstance): string {
  const lines = [c.bold(`Plan: ${view.title}`), ...view.reasons.map((r) => c.gray(`  · ${r}`)), '']
  for (const [i, s] of view.steps.entries()) {
    const safety = c[SAFETY_COLOR[s.action.safety]](s.action.safety.toUpperCase())
    lines.push(`${i + 1}. ${s.action.title} ${c.gray('[')}${safety}${c.gray(']')}${s.pending ? '' : c.gray(' — already done')}`)
    if (!s.pending) continue
    for (const p of s.previews) {
      lines.push(`   ${c.cyan(p.kind)} ${p.summary}`)
      for (const line of p.detail.trimEnd().split('\n'))
        lines.push(`     ${line.startsWith('+') ? c.green(line) : line.startsWith('-') ? c.red(line) : c.gray(line)}`)
    }
  }
  return lines.join('\n')
}
