import {relative} from 'node:path'
import type {Reporter, TestModule} from 'vitest/node'

/**
 * Prints each test file's duration (slowest first) and its test counts at the end of a run, so
 * where the suite spends its time is visible in every CI log.
 */
export default class DurationsReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const rows = modules
      .map((m) => {
        const tests = [...m.children.allTests()]
        const failed = tests.filter((t) => t.result().state === 'failed').length
        return {file: relative(process.cwd(), m.moduleId), ms: m.diagnostic().duration, tests: tests.length, failed}
      })
      .sort((a, b) => b.ms - a.ms)
    if (rows.length < 2) return
    const total = rows.reduce((sum, r) => sum + r.ms, 0)
    const width = Math.max(...rows.map((r) => r.file.length))
    const lines = rows.map(
      (r) =>
        `  ${r.file.padEnd(width)}  ${(r.ms / 1000).toFixed(1).padStart(7)} s  ${String(r.tests).padStart(3)} tests${r.failed ? `, ${r.failed} failed` : ''}`,
    )
    process.stdout.write(`\nDuration per file (slowest first; ${(total / 1000).toFixed(0)} s in all):\n${lines.join('\n')}\n`)
  }
}
