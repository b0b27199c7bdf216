import {badRequest} from './status.js'

type Labels = Record<string, string> | undefined

interface SelectorRequirement {
  key: string
  op: 'eq' | 'neq' | 'in' | 'notin' | 'exists' | 'notexists'
  values: string[]
}

/** Splits on commas that are not inside parentheses: "a in (x,y),b" → ["a in (x,y)", "b"]. */
function splitTerms(text: string): string[] {
  const terms: string[] = []
  let depth = 0
  let current = ''
  for (const ch of text) {
    if (ch === '(') depth++
    if (ch === ')') depth--
    if (ch === ',' && depth === 0) {
      terms.push(current)
      current = ''
    } else current += ch
  }
  if (current.trim()) terms.push(current)
  return terms.map((t) => t.trim()).filter(Boolean)
}

/** Parses a label selector: =, ==, !=, in, notin, key, !key (the real server's grammar). */
export function parseLabelSelector(text: string | null | undefined): SelectorRequirement[] {
  if (!text) return []
  return splitTerms(text).map((term) => {
    let m: RegExpExecArray | null
    if ((m = /^!\s*([\w./-]+)$/.exec(term))) return {key: m[1]!, op: 'notexists', values: []}
    if ((m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term))) {
      return {
        key: m[1]!,
        op: m[2] as 'in' | 'notin',
        values: m[3]!
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean),
      }
    }
    if ((m = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(term))) return {key: m[1]!, op: m[2] === '!=' ? 'neq' : 'eq', values: [m[3]!]}
    if ((m = /^([\w./-]+)$/.exec(term))) return {key: m[1]!, op: 'exists', values: []}
    throw badRequest(`unable to parse requirement: ${term}`)
  })
}

export function matchesLabels(requirements: SelectorRequirement[], labels: Labels): boolean {
  return requirements.every(({key, op, values}) => {
    const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, key)
    const value = has ? labels![key] : undefined
    switch (op) {
      case 'eq':
        return value === values[0]
      case 'neq':
        return value !== values[0]
      case 'in':
        return has && values.includes(value!)
      case 'notin':
        return !has || !values.includes(value!)
      case 'exists':
        return has
      case 'notexists':
        return !has
    }
  })
}

/** Field selectors: equality and inequality on dotted paths (metadata.name, status.phase, spec.nodeName, …). */
export function parseFieldSelector(text: string | null | undefined): {path: string[]; value: string; negate: boolean}[] {
  if (!text) return []
  return splitTerms(text).map((term) => {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(term)
    if (!m) throw badRequest(`invalid field selector: ${term}`)
    return {path: m[1]!.split('.'), value: m[3]!, negate: m[2] === '!='}
  })
}

export function matchesFields(requirements: ReturnType<typeof parseFieldSelector>, object: unknown): boolean {
  return requirements.every(({path, value, negate}) => {
    let current: unknown = object
    for (const part of path) current = current && typeof current === 'object' ? (current as Record<string, unknown>)[part] : undefined
    const actual = current === undefined || current === null ? '' : String(current)
    return negate ? actual !== value : actual === value
  })
}
