import type {Check} from '../core/check.js'
import type {Runbook} from '../core/runbook.js'
import type {FailureScenario} from '../signoz/catalogue.js'
import {code, generatedFrom, table} from './markdown.js'

/**
 * docs/FAILURE_CATALOGUE.md: each scenario with the checks that name it (what detects it) and the
 * runbooks for it, then the checks no scenario names. Nothing here is typed twice: a check's
 * `scenarios` is the only place that says what it detects.
 */
export function failureCatalogue(scenarios: readonly FailureScenario[], checks: readonly Check[], runbooks: readonly Runbook[]): string {
  const ids = (list: readonly {id: string}[]) => list.map((x) => code(x.id)).join(', ')
  const rows = scenarios.map((s) => [
    String(s.number),
    s.scenario,
    ids(checks.filter((c) => c.scenarios.includes(s.number))) || 'not detected',
    ids(runbooks.filter((r) => r.scenarios.includes(s.number))) || '',
    s.note ?? '',
  ])
  const beyond = checks.filter((c) => c.scenarios.length === 0)
  return [
    '# Failure catalogue coverage',
    '',
    generatedFrom('src/signoz/catalogue.ts, checks/*.ts and runbooks/*.ts'),
    '',
    `The failures this tool was built for (${scenarios.length} of them, gathered from SigNoz, ClickHouse, operator and`,
    "chart issues and numbered once: a check's and a runbook's `scenarios` and a lab fault's summary",
    '(`catalogue #N`) use these numbers), what detects each and the runbooks for it. Every check',
    'named here fails for real under a lab fault or fixture in the test suite and passes on the',
    'healthy lab; where part of a scenario cannot be seen from the API, the release or system tables,',
    'the note says so.',
    '',
    table(['#', 'scenario', 'detected by', 'runbooks', 'note'], rows),
    '',
    `## Checks beyond the ${scenarios.length}`,
    '',
    'Posture that no scenario above names, but that turns one failure into an outage:',
    '',
    table(
      ['check', 'what it guards', 'runbook'],
      beyond.map((c) => [code(c.id), c.title, code(c.runbook)]),
    ),
    '',
    'Each runbook is in `signoz-ha runbook list` and the generated',
    '[troubleshooting runbook](TROUBLESHOOTING_RUNBOOK.md).',
    '',
  ].join('\n')
}
