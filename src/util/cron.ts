/** Cron schedules as CronJobs take them (robfig/cron's standard five fields and its @ macros). */

export interface CronSchedule {
  minute: Set<number>
  hour: Set<number>
  dayOfMonth: Set<number>
  month: Set<number>
  dayOfWeek: Set<number>
  /** Both day fields restricted: either may match (cron's rule). */
  eitherDay: boolean
}

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
}

/** Standard cron: five fields of *, numbers, ranges, lists and steps (what robfig/cron parses for CronJobs). */
export function parseCron(expression: string): CronSchedule {
  const fields = (MACROS[expression.trim()] ?? expression).trim().split(/\s+/)
  if (fields.length !== 5) throw new Error(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`)
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string]
  const dayOfWeek = field(dow, 0, 7)
  if (dayOfWeek.has(7)) dayOfWeek.add(0)
  return {
    minute: field(minute, 0, 59),
    hour: field(hour, 0, 23),
    dayOfMonth: field(dom, 1, 31),
    month: field(month, 1, 12),
    dayOfWeek,
    eitherDay: !dom.startsWith('*') && !dow.startsWith('*'),
  }
}

function field(text: string, min: number, max: number): Set<number> {
  const values = new Set<number>()
  for (const part of text.split(',')) {
    const m = /^(\*|\?|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part)
    if (!m) throw new Error(`failed to parse "${part}"`)
    const from = m[2] !== undefined ? Number(m[2]) : min
    const to = m[3] !== undefined ? Number(m[3]) : m[2] !== undefined && m[4] === undefined ? from : max
    const step = m[4] !== undefined ? Number(m[4]) : 1
    if (from < min || to > max || from > to || step < 1) throw new Error(`"${part}" is beyond the range ${min}-${max}`)
    for (let v = from; v <= to; v += step) values.add(v)
  }
  return values
}
