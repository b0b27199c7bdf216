/**
 * Shell completion scripts for bash, zsh and fish, rendered from a model of the CLI: commands
 * and topics, each command's flags (those that take a value, and their enumerated values), and
 * the values of arguments (runbook ids, fault names, shells). Pure: the command builds the model
 * from the registries and prints what this returns. The values are written into the script, so
 * completing costs no signoz-ha start.
 */
export interface CompletionFlag {
  /** Long name without dashes, and the one-letter alias. */
  name: string
  char?: string
  summary?: string
  takesValue: boolean
  values?: readonly string[]
}

export interface CompletionCommand {
  /** Space-separated: "runbook show". */
  id: string
  summary?: string
  flags: CompletionFlag[]
  /** Values of the first argument. */
  argValues?: readonly string[]
}

export interface CompletionModel {
  bin: string
  commands: CompletionCommand[]
  /** Topics (first words of multi-word commands) and their summaries. */
  topics: Record<string, string>
}

export type Shell = 'bash' | 'zsh' | 'fish'
export const SHELLS: readonly Shell[] = ['bash', 'zsh', 'fish']

const fnName = (bin: string) => `_${bin.replace(/[^A-Za-z0-9]/g, '_')}`
const words = (values: readonly string[]) => values.join(' ')
const caseKey = (id: string) => id.replace(/ /g, ':')
const singleQuoted = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`

/** The first words a user may type after the program, and after each topic. */
function subcommands(model: CompletionModel): Map<string, string[]> {
  const next = new Map<string, Set<string>>()
  for (const c of model.commands) {
    const parts = c.id.split(' ')
    for (let i = 0; i < parts.length; i++) {
      const prefix = parts.slice(0, i).join(':')
      next.set(prefix, (next.get(prefix) ?? new Set()).add(parts[i]!))
    }
  }
  return new Map([...next].map(([k, v]) => [k, [...v].sort()]))
}

function bash(model: CompletionModel): string {
  const fn = fnName(model.bin)
  const subs = subcommands(model)
  const flagWords = (c: CompletionCommand) => words(c.flags.flatMap((f) => [`--${f.name}`, ...(f.char ? [`-${f.char}`] : [])]))
  const valueFlags = [
    ...new Set(model.commands.flatMap((c) => c.flags.filter((f) => f.takesValue).flatMap((f) => [`--${f.name}`, ...(f.char ? [`-${f.char}`] : [])]))),
  ]
  const lines: string[] = [
    `# ${model.bin} completion for bash: source <(${model.bin} completion bash), or save it in /etc/bash_completion.d/${model.bin}`,
    `${fn}_subcommands() {`,
    '  case "$1" in',
    ...[...subs].map(([k, v]) => `    ${k ? `'${k}'` : "''"}) echo ${singleQuoted(words(v))} ;;`),
    '  esac',
    '}',
    `${fn}_flags() {`,
    '  case "$1" in',
    ...model.commands.map((c) => `    '${caseKey(c.id)}') echo ${singleQuoted(flagWords(c))} ;;`),
    '  esac',
    '}',
    `${fn}_values() {`,
    '  case "$1 $2" in',
    ...model.commands.flatMap((c) =>
      c.flags
        .filter((f) => f.takesValue && f.values?.length)
        .map((f) => `    '${caseKey(c.id)} --${f.name}'${f.char ? `|'${caseKey(c.id)} -${f.char}'` : ''}) echo ${singleQuoted(words(f.values!))} ;;`),
    ),
    '  esac',
    '}',
    `${fn}_args() {`,
    '  case "$1" in',
    ...model.commands.filter((c) => c.argValues?.length).map((c) => `    '${caseKey(c.id)}') echo ${singleQuoted(words(c.argValues!))} ;;`),
    '  esac',
    '}',
    `${fn}() {`,
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" path="" argc=0 w i cand',
    `  local value_flags=${singleQuoted(` ${words(valueFlags)} `)}`,
    '  for ((i=1; i<COMP_CWORD; i++)); do',
    '    w="${COMP_WORDS[i]}"',
    '    case "$w" in -*) continue ;; esac',
    '    [[ $value_flags == *" ${COMP_WORDS[i-1]} "* ]] && continue',
    '    if [[ -z $path ]]; then cand="$w"; else cand="$path:$w"; fi',
    `    if [[ " $(${fn}_subcommands "$path") " == *" $w "* ]]; then path="$cand"; else argc=$((argc+1)); fi`,
    '  done',
    '  if [[ $prev == -* && $value_flags == *" $prev "* ]]; then',
    `    local values; values="$(${fn}_values "$path" "$prev")"`,
    '    if [[ -n $values ]]; then COMPREPLY=($(compgen -W "$values" -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi',
    '    return',
    '  fi',
    '  if [[ $cur == -* ]]; then',
    `    COMPREPLY=($(compgen -W "$(${fn}_flags "$path")" -- "$cur"))`,
    '    return',
    '  fi',
    `  local next; next="$(${fn}_subcommands "$path")"`,
    '  if [[ -n $next && $argc -eq 0 ]]; then COMPREPLY=($(compgen -W "$next" -- "$cur")); return; fi',
    `  if [[ $argc -eq 0 ]]; then COMPREPLY=($(compgen -W "$(${fn}_args "$path")" -- "$cur")); fi`,
    '}',
    `complete -o default -F ${fn} ${model.bin} kubectl-${model.bin.replace(/-/g, '_')}`,
    '',
  ]
  return lines.join('\n')
}

/** zsh runs the bash completion through its bashcompinit layer. */
function zsh(model: CompletionModel): string {
  return [
    `#compdef ${model.bin}`,
    `# ${model.bin} completion for zsh: source <(${model.bin} completion zsh), or save it as _${model.bin} on your fpath`,
    'autoload -U +X compinit && compinit',
    'autoload -U +X bashcompinit && bashcompinit',
    bash(model).split('\n').slice(1).join('\n'),
  ].join('\n')
}

function fish(model: CompletionModel): string {
  const subs = subcommands(model)
  const bin = model.bin
  const lines = [`# ${bin} completion for fish: ${bin} completion fish > ~/.config/fish/completions/${bin}.fish`, `complete -c ${bin} -f`]
  const topLevel = subs.get('') ?? []
  for (const word of topLevel) {
    const description = model.topics[word] ?? model.commands.find((c) => c.id === word)?.summary ?? ''
    lines.push(`complete -c ${bin} -n __fish_use_subcommand -a ${word} -d ${singleQuoted(description.slice(0, 80))}`)
  }
  for (const [topic, next] of subs) {
    if (!topic) continue
    for (const word of next) {
      const c = model.commands.find((x) => x.id === `${topic.replace(/:/g, ' ')} ${word}`)
      lines.push(
        `complete -c ${bin} -n '__fish_seen_subcommand_from ${topic}; and not __fish_seen_subcommand_from ${words(next)}' -a ${word} -d ${singleQuoted((c?.summary ?? '').slice(0, 80))}`,
      )
    }
  }
  for (const c of model.commands) {
    const parts = c.id.split(' ')
    const condition = parts.map((p) => `__fish_seen_subcommand_from ${p}`).join('; and ')
    for (const f of c.flags) {
      const values = f.values?.length ? ` -a ${singleQuoted(words(f.values))}` : ''
      lines.push(
        `complete -c ${bin} -n '${condition}' -l ${f.name}${f.char ? ` -s ${f.char}` : ''}${f.takesValue ? ' -r' : ''}${values} -d ${singleQuoted((f.summary ?? '').slice(0, 80))}`,
      )
    }
    if (c.argValues?.length) lines.push(`complete -c ${bin} -n '${condition}' -a ${singleQuoted(words(c.argValues))}`)
  }
  return `${lines.join('\n')}\n`
}

export function completionScript(shell: Shell, model: CompletionModel): string {
  return shell === 'bash' ? bash(model) : shell === 'zsh' ? zsh(model) : fish(model)
}
