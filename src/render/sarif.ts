import type {Check} from '../core/check.js'
import type {Report} from '../core/report.js'

const LEVEL = {critical: 'error', warning: 'warning', info: 'note'} as const

/**
 * SARIF 2.1.0 for code-scanning dashboards: every check a rule, every failing finding a
 * result on a logical location (the host or object it is about). Errors and skips are
 * tool notifications, so a partial run is visible.
 */
export function renderSarif(report: Report, checks: readonly Check[]): string {
  const byId = new Map(checks.map((c) => [c.id, c]))
  const rules = report.results.map((r) => ({
    id: r.id,
    name: r.id.replace(/[/-](\w)/g, (_, ch: string) => ch.toUpperCase()),
    shortDescription: {text: r.title},
    fullDescription: {text: byId.get(r.id)?.title ?? r.title},
    help: {text: `signoz-ha runbook show ${r.runbook}`},
    defaultConfiguration: {level: LEVEL[r.severity]},
    properties: {severity: r.severity, runbook: r.runbook, area: r.id.split('/')[0]},
  }))
  const results = report.results.flatMap((r, ruleIndex) =>
    r.status !== 'fail'
      ? []
      : r.findings
          .filter((f) => !f.ok)
          .map((f) => ({
            ruleId: r.id,
            ruleIndex,
            level: LEVEL[r.severity],
            message: {text: `${f.subject}: ${f.message}`},
            locations: [
              {
                logicalLocations: [
                  {
                    name: f.subject,
                    fullyQualifiedName: [report.target.context, report.target.namespace, f.subject].filter(Boolean).join('/'),
                    kind: 'resource',
                  },
                ],
              },
            ],
            partialFingerprints: {subject: `${r.id}:${f.subject}`},
            properties: {evidence: f.evidence ?? {}},
          })),
  )
  const notifications = report.results
    .filter((r) => r.status === 'error' || r.status === 'skip')
    .map((r) => ({
      level: r.status === 'error' ? 'error' : 'note',
      message: {text: `${r.id} ${r.status === 'error' ? 'errored' : 'skipped'}: ${r.reason ?? ''}`},
      descriptor: {id: r.id},
    }))
  const doc = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {driver: {name: 'signoz-ha', version: report.tool.version, informationUri: 'https://github.com/signoz-ha/signoz-ha', rules}},
        invocations: [
          {
            executionSuccessful: report.status !== 'error',
            toolExecutionNotifications: [...notifications, ...report.errors.map((e) => ({level: 'error', message: {text: e}}))],
          },
        ],
        properties: {target: report.target, summary: report.summary},
        results,
      },
    ],
  }
  return JSON.stringify(doc, null, 2)
}
