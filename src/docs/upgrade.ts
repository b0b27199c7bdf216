import {AFTER_ROLLBACK_CHECKS, POSTFLIGHT_CHECKS, PREFLIGHT_CHECKS, type UpgradeGate} from '../upgrade/gates.js'
import {KNOWN_MIGRATOR_FAILURES} from '../signoz/migrator-pod.js'
import {REQUIRED_STOPS, REQUIREMENTS} from '../signoz/versions.js'
import {code, commandBlock, generatedFrom, table} from './markdown.js'

/**
 * docs/UPGRADE_PROCEDURES.md: the upgrade as `signoz-ha upgrade --safe` runs it, rendered from
 * the same gates, checks and failure patterns.
 */
export function upgradeProcedures(gates: readonly UpgradeGate[]): string {
  return [
    '# SigNoz upgrade procedures',
    '',
    generatedFrom('src/upgrade/gates.ts, src/upgrade/run.ts and src/signoz/versions.ts'),
    '',
    'Every upgrade of a SigNoz HA release runs the same way, so the one that used to need manual patching afterwards is',
    'refused before it starts, explained in ClickHouse terms, watched while it runs, and proven afterwards on the data.',
    '',
    commandBlock([
      'signoz-ha upgrade --safe --plan --version 0.131.0                 # gates and plan; changes nothing',
      'signoz-ha upgrade --safe --plan --detailed-exitcode --version 0.131.0 -f values.yaml   # CI: exit 5 when changes are pending',
      'signoz-ha upgrade --safe --version 0.131.0 -f values.yaml --rollback-on-failure',
    ]),
    '',
    '## 1. Preflight gates',
    '',
    `Before Helm changes anything: doctor runs ${PREFLIGHT_CHECKS.map(code).join(', ')}, Helm renders the upgrade (\`helm upgrade --dry-run=client --hide-secret\`, with exactly the chart, version and values given), and each gate judges. A failed gate refuses the upgrade (exit 3, nothing changed) and names the fix; \`--skip-gate ID\` overrides one, at your risk.`,
    '',
    table(
      ['gate', 'passes when', 'why'],
      gates.map((g) => [code(g.id), g.title, g.why]),
    ),
    '',
    `Required upgrade stops (each must be installed, and its background migrations finished, before going past it): ${REQUIRED_STOPS.join(', ')}.`,
    '',
    table(
      ['from', 'needs', 'because'],
      REQUIREMENTS.map((r) => [
        `${r.component} ${r.from}`,
        `${r.needs === 'clickhouse' ? 'ClickHouse' : 'collector'} ≥ ${r.atLeast}`,
        `${r.why} (${r.source})`,
      ]),
    ),
    '',
    'When the target needs a newer ClickHouse than runs now, upgrade ClickHouse first on the current chart (the migrator',
    'runs as a pre-upgrade hook, against the servers that run at that moment):',
    '',
    commandBlock([
      'helm -n platform upgrade signoz signoz/signoz --version <current chart> --reuse-values --set clickhouse.image.tag=25.12.5',
      'signoz-ha doctor --only signoz/version-compat   # every host on the new version',
      'signoz-ha upgrade --safe --version 0.131.0',
    ]),
    '',
    '## 2. The plan',
    '',
    'The deployed manifest and the rendered one, compared and read for what they mean to ClickHouse: shards added (existing',
    'data does not rebalance) or removed (their data is no longer queried), replicas added (they fetch every part from their',
    'peers), the installation renamed (a second installation: refused by the `no-duplicate` gate), a new ClickHouse image',
    '(every host restarts; the on-disk format upgrades and a downgrade is not guaranteed), a new volume size (claims do not',
    'grow by themselves), ZooKeeper members, images of SigNoz and the collectors, where the collectors write, and the',
    'schema migrator the upgrade runs first (its cluster, replication and timeout).',
    '',
    '## 3. The upgrade',
    '',
    'After the plan is confirmed (on a terminal, a prompt; otherwise `--yes`), the real `helm upgrade` runs through the',
    'remediation engine: journalled under `$XDG_STATE_HOME/signoz-ha/journal`, the `--set` values of secret keys redacted,',
    "within `--timeout` (default 15m): Helm's own `--timeout` gets two thirds of it, a rollback keeps the rest.",
    "The migrator's log is streamed as it runs, and these failures are named the moment they show:",
    '',
    table(
      ['in the migrator log', 'means', 'runbook'],
      KNOWN_MIGRATOR_FAILURES.map((f) => [code(f.pattern.source), f.what, code(f.runbook)]),
    ),
    '',
    'Ctrl-C (or SIGTERM) asks Helm to stop: Helm cancels and marks the release failed, never leaving it `pending-upgrade`;',
    'the release is then rolled back to the revision deployed before (exit 5), or, if Helm stopped before writing a',
    'revision, left as it was (exit 4).',
    '',
    '## 4. Postflight',
    '',
    `Until \`--wait\` passes: ${POSTFLIGHT_CHECKS.map(code).join(', ')} — the release deployed, every host up and writable, the migrator finished and every migration done, exactly one installation with the collectors on it, fresh rows on every shard within 60 s, replication caught up, the servers on the declared version.`,
    '',
    '## 5. Rollback',
    '',
    `A failed upgrade or postflight rolls back to the revision deployed before: automatically with \`--rollback-on-failure\` (or after Ctrl-C), else after a yes on the terminal; without either, exit 3 with the \`helm rollback\` command. The rollback is verified (${AFTER_ROLLBACK_CHECKS.map(code).join(', ')}) and exits 5.`,
    '',
    '## Exit codes',
    '',
    table(
      ['code', 'meaning'],
      [
        ['0', 'upgraded and postflight clean, or nothing to upgrade'],
        ['2', 'usage: unknown gate, missing values file, a chart or version Helm cannot find'],
        ['3', 'a gate failed (nothing changed), or the upgrade failed and was not rolled back'],
        ['4', 'not confirmed, or interrupted before Helm changed the release'],
        ['5', 'the upgrade failed (or its postflight) and was rolled back; with `--plan --detailed-exitcode`: changes pending'],
      ],
    ),
  ]
    .join('\n')
    .concat('\n')
}
