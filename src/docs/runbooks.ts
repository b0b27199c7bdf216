import type {Check} from '../core/check.js'
import type {Runbook, Safety} from '../core/runbook.js'
import {code, commandBlock, generatedFrom, table} from './markdown.js'

const SAFETY: Record<Safety, string> = {read: 'READ', safe: 'SAFE', disruptive: 'DISRUPTIVE', destructive: 'DESTRUCTIVE'}

const automated = (r: Runbook) => r.steps.filter((s) => s.remedy).length

function runbookSection(r: Runbook): string {
  const lines = [
    `## ${r.title}`,
    '',
    `<a id="${r.id}"></a>${code(r.id)} · catalogue ${r.scenarios.map((n) => `#${n}`).join(', ')} · ${r.kind === 'procedure' ? 'planned procedure' : 'incident'}`,
    '',
    `**Symptoms.** ${r.symptoms}`,
    '',
    `**Diagnose and verify with** ${r.checks.map(code).join(', ')}: ${code(`signoz-ha doctor ${r.checks.map((c) => `--only ${c}`).join(' ')}`)}`,
    '',
    automated(r)
      ? `**Run it:** ${code(`signoz-ha runbook run ${r.id} --dry-run`)} shows the plan from what the checks find; ${code('--yes')} applies it (steps marked *run*), journalled and undoable.`
      : `**By hand:** no step is automated; ${code(`signoz-ha runbook show ${r.id} -n <namespace>`)} fills in the names.`,
    '',
  ]
  r.steps.forEach((s, i) => {
    lines.push(`${i + 1}. **${s.title}** — ${SAFETY[s.safety]}${s.remedy ? ' · *run*' : ''}`, '', `   ${s.explain}`, '')
    if (s.commands?.length) lines.push(commandBlock(s.commands).replace(/^/gm, '   '), '')
  })
  return lines.join('\n')
}

/**
 * docs/TROUBLESHOOTING_RUNBOOK.md: every procedure, rendered from the same definitions that
 * `runbook show` prints and `runbook run` executes.
 */
export function troubleshootingRunbook(runbooks: readonly Runbook[]): string {
  const incidents = runbooks.filter((r) => r.kind !== 'procedure')
  const procedures = runbooks.filter((r) => r.kind === 'procedure')
  return [
    '# SigNoz HA troubleshooting runbook',
    '',
    generatedFrom('runbooks/*.ts'),
    '',
    'Start with `signoz-ha doctor`: every failing check names its runbook. Then `signoz-ha runbook show ID` prints the',
    'procedure with your namespace and cluster filled in, and `signoz-ha runbook run ID` carries out its automated steps:',
    "it diagnoses with the runbook's checks, plans from what they found, asks, applies one step at a time (each backed up,",
    'verified and journalled under `$XDG_STATE_HOME/signoz-ha/journal`), and verifies with the same checks. Without a',
    'terminal nothing changes unless `--yes` is given; destructive steps also need `--allow-destructive`. A run stopped',
    'by Ctrl-C or a failed step resumes when run again; `--undo JOURNAL` reverses what it applied.',
    '',
    'Safety classes: READ changes nothing; SAFE changes something without interrupting service; DISRUPTIVE restarts or',
    'rolls something (service continues on the other replicas); DESTRUCTIVE deletes data or state.',
    '',
    table(
      ['runbook', 'when', 'catalogue', 'automated steps'],
      runbooks.map((r) => [
        `[${r.id}](#${r.id})`,
        r.title,
        r.scenarios.map((n) => `#${n}`).join(' '),
        automated(r) ? `${automated(r)} of ${r.steps.length}` : 'by hand',
      ]),
    ),
    '',
    '# Incidents',
    '',
    ...incidents.map(runbookSection),
    ...(procedures.length ? ['# Planned procedures', '', ...procedures.map(runbookSection)] : []),
  ]
    .join('\n')
    .trimEnd()
    .concat('\n')
}

/**
 * docs/QUICK_REFERENCE.md: the one page to keep open at 3 a.m.: the first commands, what each
 * check watches and the runbook it leads to, and the emergency procedures in one line each.
 */
export function quickReference(checks: readonly Check[], runbooks: readonly Runbook[]): string {
  const byId = new Map(runbooks.map((r) => [r.id, r]))
  return [
    '# SigNoz HA quick reference',
    '',
    generatedFrom('checks/*.ts and runbooks/*.ts'),
    '',
    '## First minute',
    '',
    commandBlock([
      'signoz-ha doctor                         # what is wrong, where, with evidence (read-only)',
      'signoz-ha doctor --only clickhouse --only keeper -o markdown   # for the incident ticket',
      'signoz-ha runbook show <runbook>         # the procedure a failing check names',
      'signoz-ha runbook run <runbook> --dry-run   # what would be done, from what is found',
      'signoz-ha runbook run <runbook> --yes       # do it: journalled, resumable, undoable',
      'signoz-ha journal list                   # what this machine changed',
    ]),
    '',
    '## Emergencies',
    '',
    table(
      ['symptom', 'runbook', 'one command'],
      runbooks
        .filter((r) => r.kind !== 'procedure')
        .map((r) => [
          r.title,
          `[${r.id}](TROUBLESHOOTING_RUNBOOK.md#${r.id})`,
          r.steps.some((s) => s.remedy) ? code(`signoz-ha runbook run ${r.id}`) : code(`signoz-ha runbook show ${r.id}`),
        ]),
    ),
    '',
    '## Planned procedures',
    '',
    table(
      ['procedure', 'command'],
      runbooks.filter((r) => r.kind === 'procedure').map((r) => [r.title, code(`signoz-ha runbook run ${r.id}`)]),
    ),
    '',
    '## Health checks',
    '',
    table(
      ['check', 'healthy when', 'severity', 'runbook'],
      checks.map((c) => [code(c.id), c.title, c.severity, byId.has(c.runbook) ? `[${c.runbook}](TROUBLESHOOTING_RUNBOOK.md#${c.runbook})` : c.runbook]),
    ),
    '',
    'Exit codes of every command: 0 done and healthy, 1 findings at or above `--fail-on`, 2 usage or configuration',
    'error, 3 could not complete, 4 not confirmed, 5 applied, failed verification and rolled back.',
  ]
    .join('\n')
    .concat('\n')
}
