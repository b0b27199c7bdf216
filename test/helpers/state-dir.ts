import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeEach} from 'vitest'

/** Each test of the calling suite gets a fresh XDG_STATE_HOME (journals), the user's own restored after. */
export function freshStateDirEachTest(prefix = 'signoz-ha-unit-'): void {
  const saved = process.env.XDG_STATE_HOME
  beforeEach(() => {
    process.env.XDG_STATE_HOME = mkdtempSync(join(tmpdir(), prefix))
  })
  afterEach(() => {
    process.env.XDG_STATE_HOME = saved
  })
}
