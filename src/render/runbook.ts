import type {ChalkInstance} from 'chalk'
import type {Report} from '../core/report.js'
import type {Runbook} from '../core/runbook.js'

const SAFETY_LABEL = {read: 'READ', safe: 'SAFE', disruptive: 'DISRUPTIVE', destructive: 'DESTRUCTIVE'} as const

export interface RunbookFill {
  namespace: string
  cluster: string
  release?: string
  /** Objects the diagnosis found ({migratorJob}, {migratorPod}, {failingContainer}), named as they are. */
  objects?: Record<string, string>
}

/** Placeholders in a step's commands filled with what is known; the rest shown as <what-to-fill-in>. */
export const fillCommand = (command: string, o: RunbookFill): string => {
  const known: Record<string, string | undefined> = {namespace: o.namespace, cluster: o.cluster, release: o.release, ...o.objects}
  return command.replace(/\{([a-zA-Z]+)\}/g, (_, key: string) => known[key] ?? `<${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}>`)
}

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
    const tag =
      s.safety === 'destructive'
        ? c.red(SAFETY_LABEL[s.safety])
        : s.safety === 'disruptive'
          ? c.yellow(SAFETY_LABEL[s.safety])
          : c.green(SAFETY_LABEL[s.safety])
    lines.push(`${i + 1}. ${c.bold(s.title)} [${tag}${s.remedy ? ' · run' : ''}]`, `   ${s.explain}`)
    for (const cmd of s.commands ?? []) lines.push(`     ${c.cyan(fillCommand(cmd, o))}`)
    lines.push('')
  })
  return lines.join('\n').trimEnd()
}

/** The steps a person carries out (no remedy), reads included, with their commands filled with what was found, as plain lines. */
export function manualSteps(r: Runbook, o: RunbookFill): string[] {
  return r.steps
    .map((s, i) => ({s, i}))
    .filter(({s}) => !s.remedy && (s.safety !== 'read' || (s.commands ?? []).length > 0))
    .flatMap(({s, i}) => [`${i + 1}. ${s.title} [${SAFETY_LABEL[s.safety]}]: ${s.explain}`, ...(s.commands ?? []).map((cmd) => `     ${fillCommand(cmd, o)}`)])
}

/** The objects the diagnosis names, for the runbook's commands: the migrator's Job, pod and failing container. */
export function foundObjects(report: Report): Record<string, string> {
  const migrator = report.results.find((r) => r.id === 'kube/migrator-job')?.findings.find((f) => !f.ok)
  const evidence = (migrator?.evidence ?? {}) as {pod?: string | null; container?: string | null}
  return {
    ...(migrator ? {migratorJob: migrator.subject} : {}),
    ...(evidence.pod ? {migratorPod: evidence.pod} : {}),
    ...(evidence.container ? {failingContainer: evidence.container} : {}),
  }
}
