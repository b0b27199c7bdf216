/** Exit codes of every command (CONTRACT.md). */
export const EXIT = {
  ok: 0,
  findings: 1,
  usage: 2,
  incomplete: 3,
  aborted: 4,
  rolledBack: 5,
} as const
