import {setFlagsFromString} from 'node:v8'
import {runInNewContext} from 'node:vm'

/**
 * A full garbage collection now. A long-running exporter runs one after each doctor run: V8 sizes
 * its heap by the machine's memory, not the pod's limit, and would otherwise let a few megabytes
 * of garbage per run pile up to hundreds before it collects.
 */
let gc: (() => void) | undefined

export function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc')
    gc = runInNewContext('gc') as () => void
  }
  gc()
}
