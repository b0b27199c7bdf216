import {THRESHOLD_KEYS, THRESHOLD_SPECS, formatThreshold} from '../core/thresholds.js'
import type {Command} from '@oclif/core'
import {code, generatedFrom, table} from './markdown.js'

type FlagDef = {
  name: string
  char?: string
  type: 'boolean' | 'option'
  summary?: string
  description?: string
  default?: unknown
  env?: string
  options?: readonly string[]
  multiple?: boolean
  hidden?: boolean
  aliases?: readonly string[]
  allowNo?: boolean
}
type ArgDef = {description?: string; required?: boolean; options?: readonly string[]}

/** A flag's default as a user reads it; computed defaults (functions) are described by the flag's text. */
function defaultOf(f: FlagDef): string {
  if (f.type === 'boolean' || typeof f.default === 'function' || f.default === undefined) return ''
  return code(Array.isArray(f.default) ? f.default.join(',') : String(f.default))
}

function flagName(f: FlagDef): string {
  const value = f.type === 'option' ? ` ${f.options ? f.options.join('|') : 'VALUE'}` : ''
  const names = [`${f.char ? `-${f.char}, ` : ''}--${f.name}${value}`, ...(f.aliases ?? []).map((a) => `--${a}`)]
  return names.map(code).join(' ') + (f.multiple ? ' (repeatable)' : '')
}

/** `lab:break` → `signoz-ha lab break FAULT`. */
function usage(bin: string, id: string, command: Command.Class): string {
  const args = Object.entries((command.args ?? {}) as Record<string, ArgDef>).map(([name, a]) => (a.required ? name.toUpperCase() : `[${name.toUpperCase()}]`))
  return [bin, ...id.split(':'), ...args].join(' ')
}

function commandSection(bin: string, id: string, command: Command.Class): string {
  const flags = Object.entries((command.flags ?? {}) as Record<string, Omit<FlagDef, 'name'>>)
    .map(([name, f]) => ({...f, name}))
    .filter((f) => !f.hidden)
    .sort((a, b) => a.name.localeCompare(b.name))
  const args = Object.entries((command.args ?? {}) as Record<string, ArgDef>)
  const examples = ((command.examples ?? []) as (string | {command: string})[]).map((e) =>
    (typeof e === 'string' ? e : e.command).replace(/<%= config\.bin %>/g, bin),
  )
  const description = typeof command.description === 'string' ? command.description.replace(/<%= config\.bin %>/g, bin) : ''
  return [
    `## \`${bin} ${id.replace(/:/g, ' ')}\``,
    '',
    command.summary ?? '',
    ...(description ? ['', description] : []),
    '',
    '```',
    usage(bin, id, command),
    '```',
    ...(args.length
      ? [
          '',
          table(
            ['argument', 'what'],
            args.map(([name, a]) => [
              code(name.toUpperCase()),
              `${a.description ?? ''}${a.options ? ` (${a.options.join(', ')})` : ''}${a.required ? '' : ' (optional)'}`,
            ]),
          ),
        ]
      : []),
    ...(flags.length
      ? [
          '',
          table(
            ['flag', 'environment', 'default', 'what'],
            flags.map((f) => [flagName(f), f.env ? code(f.env) : '', defaultOf(f), (f.summary ?? f.description ?? '').trim()]),
          ),
        ]
      : []),
    ...(examples.length ? ['', '```sh', ...examples, '```'] : []),
  ].join('\n')
}

/** docs/REFERENCE.md: every command, its flags with their environment variables and defaults, and its examples, from the command classes. */
export function commandReference(commands: Record<string, Command.Class>, bin = 'signoz-ha'): string {
  const ids = Object.keys(commands)
  return [
    '# Command reference',
    '',
    generatedFrom('the command definitions (commands/)'),
    '',
    `Every command, its flags with the environment variable each reads and its default, and examples. Precedence: a flag, then its environment variable, then the configuration file (doctor's thresholds and check selection), then the default. Exit codes are in [CONTRACT.md](CONTRACT.md).`,
    '',
    ids.map((id) => `- [\`${bin} ${id.replace(/:/g, ' ')}\`](#${`${bin} ${id.replace(/:/g, ' ')}`.replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-')})`).join('\n'),
    '',
    ...ids.map((id) => `${commandSection(bin, id, commands[id]!)}\n`),
    thresholdsSection(),
  ].join('\n')
}

/** Every threshold of the configuration file, from its one declaration (src/core/thresholds.ts). */
function thresholdsSection(): string {
  return [
    '## Thresholds',
    '',
    'Under `thresholds:` in the configuration file (durations as 30s, 5m, 1h). doctor, status and the verification of `fix` and `runbook run` use the same values.',
    '',
    table(
      ['key', 'default', 'flag', 'checks', 'what'],
      THRESHOLD_KEYS.map((k) => {
        const spec: {config: string; checks: readonly string[]; description: string; flag?: {name: string}} = THRESHOLD_SPECS[k]
        return [code(spec.config), formatThreshold(k), spec.flag ? code(`--${spec.flag.name}`) : '', spec.checks.map(code).join(', '), spec.description]
      }),
    ),
    '',
  ].join('\n')
}
