import type {ChalkInstance} from 'chalk'
import type {StatusView} from '../status/view.js'

const DASH = '—'

/** 3d4h, 12m, 40s: ages and uptimes as kubectl prints them. */
export function shortDuration(seconds: number | null): string {
  if (seconds === null) return DASH
  const s = Math.max(0, Math.round(seconds))
  if (s < 120) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m`
  if (s < 86_400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60) ? `${Math.floor((s % 3600) / 60)}m` : ''}`
  return `${Math.floor(s / 86_400)}d${Math.floor((s % 86_400) / 3600) ? `${Math.floor((s % 86_400) / 3600)}h` : ''}`
}

const cell = (v: string | number | boolean | null | undefined): string => (v === null || v === undefined ? DASH : String(v))
// Visible width: colour codes take no columns.
const width = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').length

/** Columns padded to the widest cell; the last column is not padded. */
function table(rows: string[][], indent = '  '): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => width(r[i] ?? ''))))
  return rows.map(
    (r) =>
      indent +
      r
        .map((v, i) => (i === r.length - 1 ? v : v + ' '.repeat(widths[i]! - width(v))))
        .join('  ')
        .trimEnd(),
  )
}

/** The on-call's first screen: release, installation, hosts, Keeper, ingestion, problems. */
export function renderStatus(view: StatusView, c: ChalkInstance): string {
  const lines: string[] = []
  const t = view.target
  lines.push(
    c.bold('signoz-ha status') +
      c.gray(
        `  ${[t.context && `context ${t.context}`, t.namespace && `namespace ${t.namespace}`].filter(Boolean).join(', ')}${t.namespace ? ' · ' : ''}${view.bundle ? `from bundle ${view.bundle}, collected ` : ''}${view.collectedAt}`,
      ),
  )
  const r = view.release
  lines.push('', c.bold('Release'))
  if (r) {
    const status = r.status === 'deployed' ? c.green(r.status) : c.red(r.status)
    lines.push(
      `  ${r.name}  revision ${r.revision}  ${status}  chart ${r.chart}${r.appVersion ? `  app ${r.appVersion}` : ''}${r.lastDeployed ? c.gray(`  last upgrade ${r.lastDeployed.replace(/\.\d+/, '')}`) : ''}`,
    )
  } else lines.push(c.gray('  no SigNoz Helm release read'))

  const i = view.installation
  lines.push('', c.bold('ClickHouse installation'))
  if (i) {
    const ep = i.service.exists
      ? `${i.service.readyEndpoints} ready${i.service.notReadyEndpoints ? `, ${i.service.notReadyEndpoints} not ready` : ''}`
      : c.red('missing')
    lines.push(
      `  ${i.name}  ${i.status === 'Completed' ? c.green(i.status) : c.yellow(i.status)}  cluster ${i.cluster} ${i.layout}  operator ${cell(i.operatorVersion)}  Service ${i.service.name} (${ep})`,
    )
    for (const o of view.otherInstallations) lines.push(c.yellow(`  also: ${o.name} ${o.status}, ${o.readyPods}/${o.pods} pods ready`))
  } else lines.push(c.gray('  no ClickHouseInstallation read'))

  lines.push('', c.bold('Hosts'))
  if (view.hosts.length > 0) {
    const rows = [
      ['SHARD', 'REPLICA', 'POD', 'STATUS', 'RESTARTS', 'AGE', 'NODE', 'ZONE', 'VERSION', 'UPTIME', 'RO', 'QUEUE', 'DELAY', 'PARTS', 'DISK', 'KEEPER'].map(
        (h) => c.gray(h),
      ),
    ]
    for (const h of view.hosts) {
      const status = h.phase === null ? DASH : h.ready ? c.green(h.phase) : c.red(h.phase)
      rows.push([
        h.shard,
        h.replica,
        h.pod,
        status,
        cell(h.restarts),
        shortDuration(h.ageSeconds),
        cell(h.node),
        cell(h.zone),
        cell(h.version),
        shortDuration(h.uptimeSeconds),
        h.readonlyTables ? c.red(String(h.readonlyTables)) : cell(h.readonlyTables),
        cell(h.replicationQueue),
        h.maxDelaySeconds === null ? DASH : shortDuration(h.maxDelaySeconds),
        cell(h.busiestPartitionParts),
        h.diskUsedPercent === null ? DASH : `${h.diskUsedPercent}%`,
        h.keeperSession === null ? DASH : h.keeperSession === 'connected' ? h.keeperSession : c.red(h.keeperSession),
      ])
    }
    lines.push(...table(rows))
  } else lines.push(c.gray('  no ClickHouse host'))

  lines.push('', c.bold('Keeper'))
  if (view.keeper.members.length > 0) {
    const rows = [['POD', 'STATUS', 'MODE', 'ZNODES', 'OUTSTANDING', 'AVG LATENCY'].map((h) => c.gray(h))]
    for (const m of view.keeper.members) {
      rows.push([
        m.pod,
        m.ready ? c.green(cell(m.phase)) : c.red(cell(m.phase)),
        m.mode ?? c.gray(m.error ?? DASH),
        cell(m.znodes),
        cell(m.outstandingRequests),
        m.avgLatencyMs === null ? DASH : `${m.avgLatencyMs}ms`,
      ])
    }
    lines.push(...table(rows))
  } else lines.push(c.gray(`  no member pod in the namespace${view.keeper.nodes.length ? `; the installation names ${view.keeper.nodes.join(', ')}` : ''}`))

  lines.push('', c.bold(`Ingestion (rows/s over the last ${Math.round(view.ingestion.windowSeconds / 60)}m, newest row)`))
  const shards = [...new Set(view.ingestion.signals.flatMap((s) => s.shards.map((x) => x.shard)))]
  if (shards.length > 0) {
    const rows = [['SIGNAL', ...shards.map((s) => `SHARD ${s}`)].map((h) => c.gray(h))]
    for (const s of view.ingestion.signals) {
      rows.push([
        s.signal,
        ...shards.map((shard) => {
          const x = s.shards.find((y) => y.shard === shard)
          if (!x || x.rowsPerSecond === null) return c.gray(x?.error ? 'unreadable' : DASH)
          const rate = x.rowsInWindow === 0 && x.newestAt ? c.red('0') : String(x.rowsPerSecond)
          return `${rate}${x.newestAt ? c.gray(` (${x.newestAt.slice(11, 19)})`) : ''}`
        }),
      ])
    }
    lines.push(...table(rows))
  } else lines.push(c.gray('  no shard answered'))
  for (const col of view.ingestion.collectors) {
    const ready = col.ready >= col.desired ? c.green(`${col.ready}/${col.desired} ready`) : c.red(`${col.ready}/${col.desired} ready`)
    lines.push(
      `  ${col.kind}/${col.name} ${ready} → ${col.writesTo}${col.targetExists === false ? c.red(' (no such Service)') : col.targetReadyEndpoints === 0 ? c.red(' (no ready endpoint)') : ''}`,
    )
  }

  if (view.gaps.length > 0) {
    lines.push('', c.bold('Not read'))
    for (const g of view.gaps) lines.push(c.gray(`  ${g}`))
  }
  lines.push('', c.bold('Problems'))
  if (view.problems.length === 0) lines.push(`  ${c.green('none seen')}  ${c.gray('(signoz-ha doctor checks everything)')}`)
  else {
    for (const p of view.problems) lines.push(`  ${c.red('•')} ${p}`)
    lines.push(`  ${c.cyan('→')} signoz-ha doctor`)
  }
  return lines.join('\n')
}
