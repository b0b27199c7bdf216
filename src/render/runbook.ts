import type {ChalkInstance} from 'chalk'
import type {Runbook} from '../core/runbook.js'

const SAFETY_LABEL = {read: 'READ', safe: 'SAFE', disruptive: 'DISRUPTIVE', destructive: 'DESTRUCTIVE'} as const

/** A runbook for a person on a terminal; placeholders filled with what is known. */
export function renderRunbook(r: Runbook, o: {chalk: ChalkInstance; namespace: string; cluster: string}): string {
  const c = o.chalk
  const fill = (s: string) => s.replaceAll('{namespace}', o.namespace).replaceAll('{cluster}', o.cluster)
  const lines = [c.bold(r.title), c.gray(`runbook ${r.id} · catalogue ${r.scenarios.map((n) => `#${n}`).join(', ')} · checks ${r.checks.join(', ')}`), '', `Symptoms: ${r.symptoms}`, '']
  r.steps.forEach((s, i) => {
    const tag = s.safety === 'destructive' ? c.red(SAFETY_LABEL[s.safety]) : s.safety === 'disruptive' ? c.yellow(SAFETY_LABEL[s.safety]) : c.green(SAFETY_LABEL[s.safety])
    lines.push(`${i + 1}. ${c.bold(s.title)} [${tag}]`, `   ${s.explain}`)
    for (const cmd of s.commands ?? []) lines.push(`     ${c.cyan(fill(cmd))}`)
    lines.push('')
  })
  return lines.join('\n').trimEnd()
}
