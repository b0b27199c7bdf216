import {EXIT} from './exit-codes.js'

/** An error the user can act on: printed as one line, never with a stack. */
export class SignozHaError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly hint?: string,
  ) {
    super(message)
    this.name = new.target.name
  }
}

/** Bad flag, unreadable file, malformed URL. */
export class UsageError extends SignozHaError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.usage, hint)
  }
}

/** The command could not complete: nothing reachable, a gate failed. */
export class IncompleteError extends SignozHaError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.incomplete, hint)
  }
}

export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error))

/** Nothing was changed: confirmation refused, or required and not given (no TTY without --yes). */
export class AbortedError extends SignozHaError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.aborted, hint)
  }
}
