/** Small pure helpers every generated document uses. */

/** A markdown table; cells have their pipes escaped and newlines flattened. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')
  return [`| ${header.map(cell).join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n')
}

/** A fenced block: SQL statements as sql, everything else as sh. */
export function commandBlock(commands: readonly string[]): string {
  const sql = commands.every((c) => /^(SELECT|SYSTEM|ALTER|OPTIMIZE|KILL|DETACH|ATTACH|CREATE|DROP|SHOW|TRUNCATE)\b/i.test(c.trim()))
  return ['```' + (sql ? 'sql' : 'sh'), ...commands, '```'].join('\n')
}

/** The banner that says a document is generated and from what. */
export const generatedFrom = (what: string, command = 'npm run docs'): string =>
  `<!-- Generated from ${what} by \`${command}\`; edit the definitions, not this file (a test fails when they drift). -->`

export const code = (s: string) => `\`${s}\``
