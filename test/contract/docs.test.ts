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

describe('docs/FAILURE_CATALOGUE.md agrees with the registries', async () => {
  const {ALL_CHECKS} = await import('../../checks/index.js')
  const {ALL_RUNBOOKS} = await import('../../runbooks/index.js')
  const text = readFileSync(join(ROOT, 'docs', 'FAILURE_CATALOGUE.md'), 'utf8')
  const rows = new Map([...text.matchAll(/^\| (\d+) \| [^|]+\| (.+) \|$/gm)].map((m) => [Number(m[1]), m[2]!]))
  const ids = new Set(ALL_CHECKS.map((c) => c.id))

  test('37 scenarios, numbered once; every runbook names scenarios of it', () => {
    expect([...rows.keys()]).toEqual(Array.from({length: 37}, (_, i) => i + 1))
    for (const r of ALL_RUNBOOKS) for (const n of r.scenarios) expect(rows.has(n), `${r.id}: catalogue #${n}`).toBe(true)
  })

  test('every check it names exists, and every check is in it: detecting a scenario, or listed beyond them', () => {
    const named = new Set([...rows.values()].flatMap((cell) => [...cell.matchAll(/`([a-z]+\/[a-z0-9-]+)`/g)].map((m) => m[1]!)))
    const beyond = new Set([...text.slice(text.indexOf('## Checks beyond')).matchAll(/^\| `([a-z]+\/[a-z0-9-]+)` \|/gm)].map((m) => m[1]!))
    expect([...named, ...beyond].filter((id) => !ids.has(id))).toEqual([])
    expect([...ids].filter((id) => !named.has(id) && !beyond.has(id)).sort()).toEqual([])
  })
})
