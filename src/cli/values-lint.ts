import {existsSync, readFileSync} from 'node:fs'
import type {ChalkInstance} from 'chalk'
import {LineCounter, isNode, parseDocument, type Document} from 'yaml'
import {SEVERITY_RANK, type Severity} from '../core/check.js'
import {EXIT} from '../core/exit-codes.js'
import {UsageError} from '../core/errors.js'
import {CHART_DEFAULTS} from '../signoz/chart-defaults.js'
import {mergeValues, valueAt} from '../signoz/helm-release.js'
import {SIGNALS, STORAGE_DEFAULTS, type Signal} from '../signoz/storage-plan.js'
import {evaluateHaValues, type RuleContext, type ValuesFinding} from '../signoz/values-rules.js'

interface ParsedFile {
  path: string
  doc: Document
  lines: LineCounter
  values: Record<string, unknown>
}

/** A values file as Helm reads it: YAML whose top level is a map. Problems are usage errors with the line. */
function readValuesFile(path: string): ParsedFile {
  if (!existsSync(path)) throw new UsageError(`values file ${path} does not exist`)
  const lines = new LineCounter()
  const doc = parseDocument(readFileSync(path, 'utf8'), {lineCounter: lines, prettyErrors: false})
  if (doc.errors.length) {
    const e = doc.errors[0]!
    throw new UsageError(`${path} is not valid YAML (line ${lines.linePos(e.pos[0]).line}): ${e.message.split('\n')[0]}`)
  }
  const values = doc.toJS() ?? {}
  if (typeof values !== 'object' || Array.isArray(values)) throw new UsageError(`${path}: the top level of a values file must be a map`)
  return {path, doc, lines, values: values as Record<string, unknown>}
}

/** --set a.b.c=value, as Helm parses simple values: numbers, true/false, null, else a string. */
export function parseSet(assignments: readonly string[]): Record<string, unknown> {
  let out: Record<string, unknown> = {}
  for (const a of assignments) {
    const eq = a.indexOf('=')
    if (eq <= 0) throw new UsageError(`--set "${a}" is not KEY=VALUE`)
    const raw = a.slice(eq + 1)
    const value = /^-?\d+$/.test(raw) ? Number(raw) : raw === 'true' ? true : raw === 'false' ? false : raw === 'null' ? null : raw
    const nested = a
      .slice(0, eq)
      .split('.')
      .reduceRight<unknown>((inner, key) => ({[key]: inner}), value) as Record<string, unknown>
    out = mergeValues(out, nested)
  }
  return out
}

/** The storage plan file that `generate` writes (or one by hand): ingest and retention. */
function readPlan(path: string): NonNullable<RuleContext['plan']> {
  const {values} = readValuesFile(path)
  const ingest = Number(values.ingestGbPerDay)
  if (!(ingest > 0)) throw new UsageError(`${path}: ingestGbPerDay must be a number of GB per day`)
  const retention = (values.retentionDays ?? {}) as Partial<Record<Signal, number>>
  const share = (values.share ?? {}) as Partial<Record<Signal, number>>
  return {
    ingestGbPerDay: ingest,
    retentionDays: Object.fromEntries(SIGNALS.map((s) => [s, Number(retention[s] ?? STORAGE_DEFAULTS.retentionDays[s])])) as Record<Signal, number>,
    share: Object.fromEntries(SIGNALS.map((s) => [s, Number(share[s] ?? STORAGE_DEFAULTS.share[s])])) as Record<Signal, number>,
    compressionRatio: Number(values.compressionRatio ?? STORAGE_DEFAULTS.compressionRatio),
    headroomPercent: Number(values.headroomPercent ?? STORAGE_DEFAULTS.headroomPercent),
  }
}

export interface LintFinding extends ValuesFinding {
  /** Where the key is set: a file and line, "--set", or the chart default. */
  where: string
}

/** Where a key is set: the last file that sets it (at the deepest line on its path) or --set. */
function locate(key: string, files: readonly ParsedFile[], set: Record<string, unknown>): string {
  if (valueAt(set, key) !== undefined) return '--set'
  const path = key.split('.')
  for (const f of [...files].reverse()) {
    for (let depth = path.length; depth > 0; depth--) {
      const node = f.doc.getIn(path.slice(0, depth), true)
      if (isNode(node) && node.range && (depth === path.length || valueAt(f.values, key) !== undefined))
        return `${f.path}:${f.lines.linePos(node.range[0]).line}`
    }
  }
  return 'chart default'
}

export interface LintOptions {
  set?: string[]
  plan?: string
  failOn: Severity | 'none'
}

/** Lints values files as Helm would merge them (later files and --set override earlier ones), over the chart defaults. */
export function lintValues(paths: readonly string[], options: LintOptions): {findings: LintFinding[]; code: number} {
  if (paths.length === 0) throw new UsageError('no values file given', 'signoz-ha values lint values.yaml [more.yaml …]')
  const files = paths.map(readValuesFile)
  const set = parseSet(options.set ?? [])
  const user = [...files.map((f) => f.values), set].reduce((acc, v) => mergeValues(acc, v), {} as Record<string, unknown>)
  const effective = mergeValues(CHART_DEFAULTS, user)
  const findings = evaluateHaValues(effective, {
    userSet: (key) => valueAt(user, key) !== undefined,
    plan: options.plan ? readPlan(options.plan) : undefined,
  }).map((f) => ({
    ...f,
    where: locate(f.key, files, set),
  }))
  const threshold = options.failOn === 'none' ? Infinity : SEVERITY_RANK[options.failOn]
  const failing = findings.some((f) => !f.ok && SEVERITY_RANK[f.severity] >= threshold)
  return {findings, code: failing ? EXIT.findings : EXIT.ok}
}

/** Text for a person: failures first, each with where it is set and the fix. */
export function renderLint(paths: readonly string[], findings: readonly LintFinding[], c: ChalkInstance, verbose: boolean): string {
  const failing = findings.filter((f) => !f.ok).sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity])
  const lines = [c.bold(`values lint ${paths.join(' ')}`), '']
  for (const f of failing) {
    const mark = f.severity === 'critical' ? c.red('✗') : f.severity === 'warning' ? c.yellow('✗') : c.cyan('i')
    lines.push(`${mark} ${f.rule} (${f.severity}) ${c.gray(`${f.key} · ${f.where}`)}`, `    ${f.message}`)
    if (f.fix) lines.push(`    ${c.cyan(`fix: --set ${f.fix}`)}`)
  }
  if (verbose) for (const f of findings.filter((x) => x.ok)) lines.push(`${c.green('✓')} ${f.rule} ${c.gray(`${f.key} · ${f.where}`)}: ${f.message}`)
  const count = (s: Severity) => failing.filter((f) => f.severity === s).length
  const grave = failing.some((f) => f.severity !== 'info')
  lines.push(
    '',
    `${grave ? 'problems' : failing.length ? 'clean but for notes' : 'clean'}: ${count('critical')} critical, ${count('warning')} warning, ${count('info')} info, ${findings.length - failing.length} passed${verbose ? '' : '  (--verbose shows passing rules)'}`,
  )
  return lines.join('\n')
}
