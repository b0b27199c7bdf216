import type {ConfigFile} from './config.js'
import type {CheckResult} from './runner.js'

const matchesId = (id: string, pattern: string) => id === pattern || id.startsWith(`${pattern}/`)

/** A subject glob: `*` is any run of characters, everything else literal. */
const globMatches = (glob: string, subject: string) =>
  new RegExp(
    `^${glob
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  ).test(subject)

/**
 * Applies the team's policy to finished results: severity overrides (the most specific id or
 * prefix wins), and exemptions — a failing finding that matches an unexpired exemption passes,
 * marked with its reason; a check whose failures are all exempted passes.
 */
export function applyPolicy(results: readonly CheckResult[], config: Pick<ConfigFile, 'severity' | 'exempt'>, today: Date = new Date()): CheckResult[] {
  const overrides = Object.entries(config.severity ?? {}).sort(([a], [b]) => b.length - a.length)
  const day = today.toISOString().slice(0, 10)
  const live = (config.exempt ?? []).filter((e) => !e.until || e.until >= day)
  return results.map((r) => {
    const severity = overrides.find(([pattern]) => matchesId(r.id, pattern))?.[1] ?? r.severity
    if (r.status !== 'fail') return {...r, severity}
    const findings = r.findings.map((f) => {
      if (f.ok) return f
      const exemption = live.find((e) => e.check === r.id && (!e.subject || globMatches(e.subject, f.subject)))
      return exemption ? {...f, ok: true, exemption: exemption.reason} : f
    })
    return {...r, severity, findings, status: findings.some((f) => !f.ok) ? 'fail' : 'pass'}
  })
}
