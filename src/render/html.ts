import type {EvidenceValue} from '../core/check.js'
import type {Report} from '../core/report.js'
import type {Runbook} from '../core/runbook.js'
import type {CheckResult} from '../core/runner.js'
import type {HostStatus, StatusView} from '../status/view.js'
import {fillCommand, foundObjects, type RunbookFill} from './runbook.js'

/**
 * One self-contained HTML page of a doctor report or a status: inline CSS, no script, no font, no
 * image, no link out, so it opens from a mail attachment offline; light and dark, phone and print.
 * Everything the cluster said (names, labels, messages, log lines, ClickHouse errors) is untrusted:
 * escaped here, and the page's Content-Security-Policy allows no script at all.
 */

const esc = (value: unknown): string =>
  String(value ?? '').replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'})[c]!)

const CSS = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1f24;--muted:#5b6470;--line:#d8dee4;--card:#f6f8fa;--ok:#1a7f37;--warn:#9a6700;--crit:#cf222e;--info:#0969da;--down:#6e40c9}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#8d96a0;--line:#30363d;--card:#161b22;--ok:#3fb950;--warn:#d29922;--crit:#f85149;--info:#58a6ff;--down:#a371f7}}
*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:1100px;margin:0 auto;padding:16px}h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:14px;margin:0}.muted{color:var(--muted)}.badge{display:inline-block;padding:2px 8px;border-radius:10px;font-weight:600;color:#fff;font-size:12px}
.b-ok{background:var(--ok)}.b-problems{background:var(--crit)}.b-error{background:var(--down)}
code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}pre{white-space:pre-wrap;word-break:break-word;margin:0}
table{border-collapse:collapse;width:100%}th,td{border:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}th{background:var(--card)}
.scroll{overflow-x:auto}.card{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:10px 12px;margin:8px 0}
.sev-critical{border-left:4px solid var(--crit)}.sev-warning{border-left:4px solid var(--warn)}.sev-info{border-left:4px solid var(--info)}.sev-error{border-left:4px solid var(--down)}
.grid td.host{min-width:140px}.host-ok{background:color-mix(in srgb,var(--ok) 22%,transparent)}.host-warning{background:color-mix(in srgb,var(--warn) 28%,transparent)}
.host-critical{background:color-mix(in srgb,var(--crit) 28%,transparent)}.host-down{background:color-mix(in srgb,var(--down) 32%,transparent)}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0}dt{color:var(--muted)}dd{margin:0}
details summary{cursor:pointer}ul,ol{margin:4px 0;padding-left:20px}
.runbook{margin-top:6px}.runbook li{margin:4px 0}.runbook pre{background:var(--bg);border:1px solid var(--line);border-radius:4px;padding:4px 6px;margin:4px 0}
.safety{font-size:11px;padding:0 6px;border-radius:8px;border:1px solid var(--line)}.safety-disruptive{color:var(--warn)}.safety-destructive{color:var(--crit)}
@media (max-width:640px){main{padding:8px}th,td{padding:3px 4px}dl{grid-template-columns:1fr}}
@media print{body{background:#fff;color:#000}details{display:block}details>*{display:block}.card{break-inside:avoid}}
`

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="referrer" content="no-referrer">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body><main>
${body}
</main></body>
</html>
`
}

const evidenceCell = (v: EvidenceValue): string =>
  v === null
    ? '<span class="muted">—</span>'
    : Array.isArray(v)
      ? `<pre>${esc(v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join('\n'))}</pre>`
      : typeof v === 'object'
        ? `<pre>${esc(JSON.stringify(v, null, 1))}</pre>`
        : `<code>${esc(v)}</code>`

function evidenceTable(evidence: Record<string, EvidenceValue> | undefined): string {
  const rows = Object.entries(evidence ?? {}).filter(([, v]) => !(Array.isArray(v) && v.length === 0))
  if (rows.length === 0) return ''
  return `<div class="scroll"><table class="evidence"><tbody>${rows.map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td>${evidenceCell(v)}</td></tr>`).join('')}</tbody></table></div>`
}

type HostState = 'ok' | 'warning' | 'critical' | 'down'
const RANK: Record<HostState, number> = {ok: 0, warning: 1, critical: 2, down: 3}

/**
 * The shards × replicas of the run, from what the checks said of each host: down where it did not
 * answer, else the worst failing finding whose subject is the host (or a table on it).
 */
function hostGrid(report: Report): {shard: string; hosts: {name: string; state: HostState; why: string[]}[]}[] {
  const reachable = report.results.find((r) => r.id === 'clickhouse/reachable')
  const names = [...new Set((reachable?.findings ?? []).map((f) => f.subject))]
  if (names.length === 0) return []
  const hosts = names.map((name) => {
    const why: string[] = []
    let state: HostState = 'ok'
    for (const r of report.results.filter((x) => x.status === 'fail')) {
      for (const f of r.findings.filter((x) => !x.ok && (x.subject === name || x.subject.startsWith(`${name}/`)))) {
        const s: HostState = r.id === 'clickhouse/reachable' ? 'down' : r.severity === 'critical' ? 'critical' : 'warning'
        if (RANK[s] > RANK[state]) state = s
        why.push(`${r.id}: ${f.message}`)
      }
    }
    const evidence = reachable?.findings.find((f) => f.subject === name)?.evidence as {shard?: string | null} | undefined
    // The operator names a host …-<shard>-<replica>; the server's shard macro where it answered.
    const shard = evidence?.shard ?? /-(\d+)-\d+(?:-0)?$/.exec(name)?.[1] ?? '?'
    return {name, state, why, shard: String(shard)}
  })
  const shards = [...new Set(hosts.map((h) => h.shard))].sort((a, b) => a.localeCompare(b, undefined, {numeric: true}))
  return shards.map((shard) => ({shard, hosts: hosts.filter((h) => h.shard === shard)}))
}

function gridHtml(report: Report): string {
  const grid = hostGrid(report)
  if (grid.length === 0) return '<p class="muted">No ClickHouse host was checked.</p>'
  const width = Math.max(...grid.map((s) => s.hosts.length))
  const header = `<tr><th>shard</th>${Array.from({length: width}, (_, i) => `<th>replica ${i}</th>`).join('')}</tr>`
  const rows = grid
    .map(
      (s) =>
        `<tr><th scope="row">${esc(s.shard)}</th>${s.hosts
          .map(
            (h) =>
              `<td class="host host-${h.state}" data-host="${esc(h.name)}" data-state="${h.state}" title="${esc(h.why.join('\n') || 'every check passes')}"><code>${esc(h.name)}</code><br><span>${h.state === 'ok' ? 'healthy' : esc(h.state)}</span>${h.why.length ? `<br><span class="muted">${esc(h.why[0])}${h.why.length > 1 ? ` (+${h.why.length - 1})` : ''}</span>` : ''}</td>`,
          )
          .join('')}${'<td></td>'.repeat(width - s.hosts.length)}</tr>`,
    )
    .join('')
  return `<div class="scroll"><table class="grid"><thead>${header}</thead><tbody>${rows}</tbody></table></div>`
}

export interface DoctorHtmlOptions {
  /** The runbook a check names, so the page carries its steps and commands (without it, only the runbook's id). */
  runbookOf?: (id: string) => Runbook | undefined
  generatedAt?: string
}

const SAFETY = {read: 'read', safe: 'safe', disruptive: 'disruptive', destructive: 'destructive'} as const

/** The runbook's steps with their commands filled from what the run found, folded under its title. */
function runbookHtml(id: string, runbook: Runbook | undefined, fill: RunbookFill): string {
  if (!runbook) return `<p>Runbook: <code>signoz-ha runbook show ${esc(id)}</code></p>`
  const automated = runbook.steps.some((s) => s.remedy)
  const steps = runbook.steps
    .map(
      (s) =>
        `<li><strong>${esc(s.title)}</strong> <span class="safety safety-${SAFETY[s.safety]}">${SAFETY[s.safety]}${s.remedy ? ' · automated' : ''}</span><br>${esc(s.explain)}${(s.commands ?? []).length ? `<pre>${(s.commands ?? []).map((c) => esc(fillCommand(c, fill))).join('\n')}</pre>` : ''}</li>`,
    )
    .join('')
  return `<details class="runbook"><summary>Runbook: ${esc(runbook.title)} <span class="muted">(${esc(id)})</span></summary>
${automated ? `<p>The automated steps: <code>signoz-ha runbook run ${esc(id)}</code> (dry run with <code>--dry-run</code>)</p>` : ''}<ol>${steps}</ol></details>`
}

function checkCard(r: CheckResult, runbookOf: DoctorHtmlOptions['runbookOf'], fill: RunbookFill): string {
  const failing = r.findings.filter((f) => !f.ok)
  const cls = r.status === 'error' ? 'sev-error' : `sev-${r.severity}`
  return `<section class="card ${cls}" data-check="${esc(r.id)}">
<h3>${esc(r.title)} <span class="muted">(${esc(r.id)}, ${esc(r.status === 'error' ? 'error' : r.severity)})</span></h3>
${
  r.status === 'error'
    ? `<p>Could not run: ${esc(r.reason)}</p>`
    : failing.map((f) => `<div class="finding"><p><strong>${esc(f.subject)}</strong>: ${esc(f.message)}</p>${evidenceTable(f.evidence)}</div>`).join('\n')
}
${runbookHtml(r.runbook, runbookOf?.(r.runbook), fill)}
</section>`
}

/** doctor -o html: the target, the hosts as a grid, findings by severity with evidence and runbook, skips with their reason, passes folded. */
export function renderDoctorHtml(report: Report, options: DoctorHtmlOptions = {}): string {
  const generatedAt = options.generatedAt ?? new Date().toISOString()
  const t = report.target
  const ch = t.clickhouse
  const fill: RunbookFill = {namespace: t.namespace ?? '<namespace>', cluster: ch.cluster, release: t.release, objects: foundObjects(report)}
  const card = (r: CheckResult) => checkCard(r, options.runbookOf, fill)
  const failing = report.results.filter((r) => r.status === 'fail')
  const bySeverity = (['critical', 'warning', 'info'] as const)
    .map((s) => [s, failing.filter((r) => r.severity === s)] as const)
    .filter(([, rs]) => rs.length > 0)
  const errored = report.results.filter((r) => r.status === 'error')
  const skipped = report.results.filter((r) => r.status === 'skip')
  const reasons = new Map<string, string[]>()
  for (const r of skipped) reasons.set(r.reason ?? 'no reason given', [...(reasons.get(r.reason ?? 'no reason given') ?? []), r.id])
  const passed = report.results.filter((r) => r.status === 'pass')
  const s = report.summary
  const body = `<header>
<h1>SigNoz HA doctor <span class="badge b-${esc(report.status)}">${esc(report.status === 'ok' ? 'healthy' : report.status)}</span></h1>
<p class="muted">${esc(s.critical)} critical · ${esc(s.warning)} warning · ${esc(s.info)} info · ${esc(s.passed)} passed · ${esc(s.skipped)} skipped · ${esc(s.errored)} errored</p>
<dl>
<dt>context</dt><dd>${esc(t.context ?? '—')}</dd>
<dt>namespace</dt><dd>${esc(t.namespace ?? '—')}</dd>
<dt>release</dt><dd>${esc(t.release ?? '—')}</dd>
<dt>ClickHouse</dt><dd>${esc(ch.version ?? '?')} · cluster ${esc(ch.cluster)} · ${esc(ch.shards ?? '?')} shards × ${esc(ch.replicasPerShard ?? '?')} replicas · ${esc(ch.hosts)} hosts</dd>
<dt>ran</dt><dd>${report.source ? `from bundle ${esc(report.source.bundle)}, collected ${esc(report.source.collectedAt)}` : esc(generatedAt)}${report.stats ? ` · took ${esc(report.stats.durationMs)} ms` : ''}</dd>
<dt>tool</dt><dd>${esc(report.tool.name)} ${esc(report.tool.version)}</dd>
</dl>
</header>
<h2>Hosts</h2>
${gridHtml(report)}
${report.errors.length ? `<h2>Could not complete</h2><ul>${report.errors.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>` : ''}
${bySeverity.map(([severity, rs]) => `<h2 id="${severity}">${severity === 'critical' ? 'Critical' : severity === 'warning' ? 'Warnings' : 'Info'} (${rs.length})</h2>\n${rs.map(card).join('\n')}`).join('\n')}
${errored.length ? `<h2>Errored (${errored.length})</h2>\n${errored.map(card).join('\n')}` : ''}
${skipped.length ? `<h2>Not checked (${skipped.length})</h2><ul>${[...reasons].map(([reason, ids]) => `<li>${esc(reason)}: <code>${ids.map(esc).join('</code>, <code>')}</code></li>`).join('')}</ul>` : ''}
<details><summary>${passed.length} checks pass</summary><ul>${passed.map((r) => `<li>${esc(r.title)} <span class="muted">(${esc(r.id)})</span></li>`).join('')}</ul></details>`
  return page(`SigNoz HA doctor: ${report.status === 'ok' ? 'healthy' : report.status}${t.namespace ? ` · ${t.namespace}` : ''}`, body)
}

const hostClass = (h: HostStatus): HostState =>
  h.error ? 'down' : h.ready === false || (h.readonlyTables ?? 0) > 0 ? 'critical' : (h.diskUsedPercent ?? 0) >= 90 ? 'warning' : 'ok'
const cell = (v: unknown) => (v === null || v === undefined ? '<span class="muted">—</span>' : esc(v))

/** status -o html: its screen as a page. */
export function renderStatusHtml(view: StatusView): string {
  const shards = [...new Set(view.hosts.map((h) => h.shard))]
  const width = Math.max(0, ...shards.map((s) => view.hosts.filter((h) => h.shard === s).length))
  const grid = shards.length
    ? `<div class="scroll"><table class="grid"><thead><tr><th>shard</th>${Array.from({length: width}, (_, i) => `<th>replica ${i}</th>`).join('')}</tr></thead><tbody>${shards
        .map((s) => {
          const hosts = view.hosts.filter((h) => h.shard === s)
          return `<tr><th scope="row">${esc(s)}</th>${hosts
            .map(
              (h) =>
                `<td class="host host-${hostClass(h)}" data-host="${esc(h.pod)}" data-state="${hostClass(h)}"><code>${esc(h.pod)}</code><br>${esc(h.phase ?? '—')} · ${h.version ? `ClickHouse ${esc(h.version)}` : `<span>${esc(h.error ?? 'not asked')}</span>`}</td>`,
            )
            .join('')}${'<td></td>'.repeat(width - hosts.length)}</tr>`
        })
        .join('')}</tbody></table></div>`
    : '<p class="muted">No ClickHouse host found.</p>'
  const hostRows = view.hosts
    .map(
      (h) =>
        `<tr><td>${esc(h.shard)}</td><td><code>${esc(h.pod)}</code></td><td>${cell(h.phase)}</td><td>${cell(h.restarts)}</td><td>${cell(h.node)}</td><td>${cell(h.zone)}</td><td>${cell(h.version)}</td><td>${cell(h.readonlyTables)}</td><td>${cell(h.replicationQueue)}</td><td>${cell(h.maxDelaySeconds)}</td><td>${cell(h.busiestPartitionParts)}</td><td>${h.diskUsedPercent === null ? cell(null) : `${esc(h.diskUsedPercent)}%`}</td><td>${cell(h.keeperSession)}</td><td>${cell(h.error)}</td></tr>`,
    )
    .join('')
  const body = `<header>
<h1>SigNoz HA status</h1>
<dl>
<dt>context</dt><dd>${cell(view.target.context)}</dd><dt>namespace</dt><dd>${cell(view.target.namespace)}</dd>
<dt>release</dt><dd>${view.release ? `${esc(view.release.name)} revision ${esc(view.release.revision)} ${esc(view.release.status)} · chart ${esc(view.release.chart)}` : '<span class="muted">none read</span>'}</dd>
<dt>installation</dt><dd>${view.installation ? `${esc(view.installation.name)} ${esc(view.installation.status)} · ${esc(view.installation.layout)} · Service ${esc(view.installation.service.name)} (${esc(view.installation.service.readyEndpoints)} ready)` : '<span class="muted">none read</span>'}</dd>
<dt>collected</dt><dd>${esc(view.collectedAt)}${view.bundle ? ` from bundle ${esc(view.bundle)}` : ''}</dd>
</dl>
</header>
<h2>Problems</h2>
${view.problems.length ? `<ul class="problems">${view.problems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul><p>Next: <code>signoz-ha doctor</code></p>` : '<p>None seen (<code>signoz-ha doctor</code> checks everything).</p>'}
<h2>Hosts</h2>
${grid}
<div class="scroll"><table><thead><tr><th>shard</th><th>pod</th><th>status</th><th>restarts</th><th>node</th><th>zone</th><th>version</th><th>read-only</th><th>queue</th><th>delay s</th><th>parts</th><th>disk</th><th>Keeper</th><th>error</th></tr></thead><tbody>${hostRows}</tbody></table></div>
<h2>Keeper</h2>
${view.keeper.members.length ? `<div class="scroll"><table><thead><tr><th>pod</th><th>status</th><th>mode</th><th>znodes</th><th>outstanding</th><th>avg latency ms</th></tr></thead><tbody>${view.keeper.members.map((m) => `<tr><td><code>${esc(m.pod)}</code></td><td>${cell(m.phase)}</td><td>${cell(m.mode)}</td><td>${cell(m.znodes)}</td><td>${cell(m.outstandingRequests)}</td><td>${cell(m.avgLatencyMs)}</td></tr>`).join('')}</tbody></table></div>` : '<p class="muted">No member pod in the namespace.</p>'}
<h2>Ingestion</h2>
<div class="scroll"><table><thead><tr><th>signal</th>${(view.ingestion.signals[0]?.shards ?? []).map((s) => `<th>shard ${esc(s.shard)} rows/s</th>`).join('')}</tr></thead><tbody>${view.ingestion.signals.map((s) => `<tr><td>${esc(s.signal)}</td>${s.shards.map((x) => `<td>${cell(x.rowsPerSecond)}${x.newestAt ? ` <span class="muted">(${esc(x.newestAt)})</span>` : ''}</td>`).join('')}</tr>`).join('')}</tbody></table></div>
${view.ingestion.collectors.map((c) => `<p>${esc(c.kind)}/${esc(c.name)} ${esc(c.ready)}/${esc(c.desired)} ready → <code>${esc(c.writesTo)}</code></p>`).join('')}
${view.gaps.length ? `<h2>Not read</h2><ul>${view.gaps.map((g) => `<li>${esc(g)}</li>`).join('')}</ul>` : ''}`
  return page(`SigNoz HA status${view.target.namespace ? ` · ${view.target.namespace}` : ''}`, body)
}
