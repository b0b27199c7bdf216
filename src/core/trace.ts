/**
 * SIGNOZ_HA_TRACE=1: one line per step of a run on stderr, with the milliseconds since the
 * process started, to see where the time of a run goes (a remote cluster's round trips).
 */
const enabled = Boolean(process.env.SIGNOZ_HA_TRACE)

export function trace(what: string): void {
  if (enabled) process.stderr.write(`trace +${performance.now().toFixed(0)}ms ${what}\n`)
}
