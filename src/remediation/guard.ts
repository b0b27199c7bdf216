import {AbortedError} from '../core/errors.js'
import type {Action} from './action.js'

export interface ConfirmOptions {
  yes: boolean
  allowDestructive: boolean
  /** stdin and stderr are a terminal a person answers on. */
  tty: boolean
  ask(question: string): Promise<string>
}

/**
 * The one gate before any change. Without a terminal nothing is changed unless --yes was
 * given; a destructive step also needs --allow-destructive, or on a terminal its resource's
 * name typed back. Every refusal is an AbortedError (exit 4) raised before the first change.
 */
export async function confirmSteps<Ctx>(pending: readonly Action<Ctx>[], options: ConfirmOptions): Promise<void> {
  if (pending.length === 0) return
  const destructive = pending.filter((a) => a.safety === 'destructive')
  if (!options.tty) {
    if (!options.yes)
      throw new AbortedError('stdin is not a terminal and --yes was not given: nothing was changed', 'review the plan with --dry-run, then re-run with --yes')
    if (destructive.length && !options.allowDestructive) {
      throw new AbortedError(`step "${destructive[0]!.title}" is destructive: nothing was changed`, 'add --allow-destructive to allow it')
    }
    return
  }
  if (!options.yes) {
    const answer = (await options.ask(`Apply ${pending.length === 1 ? 'this step' : `these ${pending.length} steps`}? [y/N] `)).trim().toLowerCase()
    if (answer !== 'y' && answer !== 'yes') throw new AbortedError('confirmation refused: nothing was changed')
  }
  for (const step of destructive) {
    if (options.allowDestructive) continue
    const name = step.confirmName ?? step.id
    const typed = (await options.ask(`"${step.title}" is destructive. Type ${name} to confirm: `)).trim()
    if (typed !== name) throw new AbortedError(`"${typed}" is not ${name}: nothing was changed`)
  }
}
