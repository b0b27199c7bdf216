import type {Command} from '@oclif/core'
import {ALL_CHECKS} from '../../checks/index.js'
import type {CompletionCommand, CompletionModel} from './completion.js'

type FlagDefinition = {type?: string; char?: string; summary?: string; options?: readonly string[]; hidden?: boolean}

/** What each argument of a command can be, where the registries say. */
async function argumentValues(): Promise<Record<string, readonly string[]>> {
  const [{ALL_RUNBOOKS}, {FAULTS}, {SHELLS}] = await Promise.all([import('../../runbooks/index.js'), import('../lab/faults.js'), import('./completion.js')])
  const runbooks = ALL_RUNBOOKS.map((r) => r.id)
  const faults = FAULTS.map((f) => f.id)
  return {'runbook show': runbooks, 'runbook run': runbooks, 'lab break': faults, 'lab heal': faults, completion: SHELLS}
}

/** The completion model of the registered commands: their flags as oclif declares them, and the registries' values. */
export async function completionModel(bin: string, topics: Record<string, {description: string}> = {}): Promise<CompletionModel> {
  const {COMMANDS} = (await import('../../commands/index.js')) as {COMMANDS: Record<string, Command.Class>}
  const args = await argumentValues()
  // --only/--skip take a check id or a prefix of one (its area).
  const checks = [...new Set([...ALL_CHECKS.map((c) => c.id), ...ALL_CHECKS.map((c) => c.id.split('/')[0]!)])].sort()
  const commands: CompletionCommand[] = Object.entries(COMMANDS).map(([key, cls]) => {
    const id = key.replace(/:/g, ' ')
    const flags = Object.entries((cls.flags ?? {}) as Record<string, FlagDefinition>)
      .filter(([, f]) => !f.hidden)
      .map(([name, f]) => ({
        name,
        char: f.char,
        summary: f.summary,
        takesValue: f.type !== 'boolean',
        values: name === 'only' || name === 'skip' ? checks : f.options,
      }))
    return {id, summary: cls.summary, flags, argValues: args[id]}
  })
  return {bin, commands, topics: Object.fromEntries(Object.entries(topics).map(([k, v]) => [k, v.description]))}
}
