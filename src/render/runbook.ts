import type {ChalkInstance} from 'chalk'
import type {Runbook} from '../core/runbook.js'

const SAFETY_LABEL = {read: 'READ', safe: 'SAFE', disruptive: 'DISRUPTIVE', destructive: 'DESTRUCTIVE'} as const

export interface RunbookFill {
  namespace: string
  cluster: string
  release?: string
}

/** Placeholders in a step's commands filled with what is known. */
export const fillCommand = (command: string, o: RunbookFill): string =>
  command.replaceAll('{namespace}', o.namespace).replaceAll('{cluster}', o.cluster).replaceAll('{release}', o.release ?? '<release>')

/** A runbook for a person on a terminal; placeholders filled with what is known. */
export function renderRunbook(r: Runbook, o: RunbookFill & {chalk: ChalkInstance}): string {
  const c = o.chalk
  const automated = r.steps.some((s) => s.remedy)
  const lines = [
    c.bold(r.title),
    c.gray(`runbook ${r.id} · catalogue ${r.scenarios.map((n) => `#${n}`).join(', ')} · checks ${r.checks.join(', ')}`),
    '',
    `Symptoms: ${r.symptoms}`,
    ...(automated ? [c.gray(`Steps marked "run" are carried out by: signoz-ha runbook run ${r.id}`)] : []),
    '',
  ]
  r.steps.forEach((s, i) => {
    const tag = s.safety === 'destructive' ? c.red(SAFETY_LABEL[s.safety]) : s.safety === 'disruptive' ? c.yellow(SAFETY_LABEL[s.safety]) : c.green(SAFETY_LABEL[s.safety])
    lines.push(`${i + 1}. ${c.bold(s.title)} [${tag}${s.remedy ? ' · run' : ''}]`, `   ${s.explain}`)
    for (const cmd of s.commands ?? []) lines.push(`     ${c.cyan(fillCommand(cmd, o))}`)
    lines.push('')
  })
  return lines.join('\n').trimEnd()
}

/** The steps a person carries out (no remedy, not a read), with their commands, as plain lines. */
export function manualSteps(r: Runbook, o: RunbookFill): string[] {
  return r.steps
    .map((s, i) => ({s, i}))
    .filter(({s}) => !s.remedy && s.safety !== 'read')
    .flatMap(({s, i}) => [`${i + 1}. ${s.title} [${SAFETY_LABEL[s.safety]}]: ${s.explain}`, ...(s.commands ?? []).map((cmd) => `     ${fillCommand(cmd, o)}`)])
}
