import {createInterface} from 'node:readline/promises'
import type {ConfirmOptions} from '../remediation/guard.js'

/** Asks on the terminal (prompts on stderr, so stdout stays the report). */
export async function askOnTerminal(question: string): Promise<string> {
  const rl = createInterface({input: process.stdin, output: process.stderr})
  try {
    return await rl.question(question)
  } finally {
    rl.close()
  }
}

export const terminalConfirm = (flags: {yes: boolean; 'allow-destructive': boolean}): ConfirmOptions => ({
  yes: flags.yes,
  allowDestructive: flags['allow-destructive'],
  tty: Boolean(process.stdin.isTTY && process.stderr.isTTY),
  ask: askOnTerminal,
})

/**
 * Ctrl-C and SIGTERM during a run: the first asks the engine to stop after the current step
 * (the journal then says what was applied); a second one exits at once.
 */
export function interruptible(progress: (line: string) => void): {interrupted: () => boolean; signal: AbortSignal; dispose: () => void} {
  let count = 0
  // For a step that can stop mid-way (a running helm): it is asked to stop cleanly.
  const controller = new AbortController()
  const onSignal = (signal: NodeJS.Signals) => {
    count++
    if (count > 1) process.exit(130)
    progress(`${signal}: stopping after the current step (again to exit now)`)
    controller.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return {
    interrupted: () => count > 0,
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    },
  }
}
