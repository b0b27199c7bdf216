import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {describe, expect, test} from 'vitest'
import {DOCS} from '../../src/docs/index.js'
import {ROOT} from '../helpers/cli.js'

/** The documents are generated from the definitions the tool runs: they must not drift. */
describe('generated documents', () => {
  for (const doc of DOCS) {
    test(`${doc.path} matches its definitions (regenerate with npm run docs)`, () => {
      const path = join(ROOT, doc.path)
      expect(existsSync(path), `${doc.path} is missing: run npm run docs`).toBe(true)
      expect(readFileSync(path, 'utf8')).toBe(doc.render())
    })
  }
})

/** Every link of the hand-written documents leads to a file of the repository (and its heading, within it). */
describe('documents link inside the repository', () => {
  const pages = [
    'README.md',
    'CONTRIBUTING.md',
    ...readdirSync(join(ROOT, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ]
  /** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as dashes. */
  const anchors = (text: string) =>
    new Set([
      ...[...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
        m[1]!
          .toLowerCase()
          .replace(/[^\p{L}\p{N} _-]/gu, '')
          .replace(/ /g, '-'),
      ),
      ...[...text.matchAll(/<a id="([^"]+)"/g)].map((m) => m[1]!),
    ])
  for (const page of pages) {
    test(page, () => {
      const text = readFileSync(join(ROOT, page), 'utf8').replace(/```[\s\S]*?```/g, '')
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue
        const [path, anchor] = target!.split('#')
        const file = path ? join(ROOT, dirname(page), path) : join(ROOT, page)
        expect(existsSync(file), `${page} links ${target}`).toBe(true)
        if (anchor && file.endsWith('.md'))
          expect([...anchors(readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, ''))], `${page} links ${target}`).toContain(anchor)
      }
      expect(text, `${page} points outside the repository`).not.toMatch(/\.\.\/shared|shared\/design|failure-scenarios\.md|signoz-facts\.md/)
    })
  }
})

describe('the failure catalogue: every scenario detected, every check and runbook on numbers it has', async () => {
  const {ALL_CHECKS} = await import('../../checks/index.js')
  const {ALL_RUNBOOKS} = await import('../../runbooks/index.js')
  const {FAILURE_SCENARIOS} = await import('../../src/signoz/catalogue.js')
  const numbers = FAILURE_SCENARIOS.map((s) => s.number)

  test('scenarios numbered once, 1 to N; checks and runbooks name only those', () => {
    expect(numbers).toEqual(Array.from({length: numbers.length}, (_, i) => i + 1))
    for (const x of [...ALL_CHECKS, ...ALL_RUNBOOKS]) for (const n of x.scenarios) expect(numbers, `${x.id}: catalogue #${n}`).toContain(n)
  })

  test('every scenario is detected by a check and has a runbook', () => {
    const unseen = numbers.filter((n) => !ALL_CHECKS.some((c) => c.scenarios.includes(n)))
    const unhelped = numbers.filter((n) => !ALL_RUNBOOKS.some((r) => r.scenarios.includes(n)))
    expect({unseen, unhelped}).toEqual({unseen: [], unhelped: []})
  })

  test("a check's runbook is for a scenario the check detects; a posture check's runbook for none", () => {
    const mismatched = ALL_CHECKS.flatMap((c) => {
      const runbook = ALL_RUNBOOKS.find((r) => r.id === c.runbook)!
      const agree = c.scenarios.length === 0 ? runbook.scenarios.length === 0 : c.scenarios.some((n) => runbook.scenarios.includes(n))
      return agree ? [] : [`${c.id} ${JSON.stringify(c.scenarios)} → ${runbook.id} ${JSON.stringify(runbook.scenarios)}`]
    })
    expect(mismatched).toEqual([])
  })
})
