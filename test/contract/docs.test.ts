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
  const pages = ['README.md', 'CONTRIBUTING.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)]
  /** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as dashes. */
  const anchors = (text: string) =>
    new Set([...[...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1]!.toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-')), ...[...text.matchAll(/<a id="([^"]+)"/g)].map((m) => m[1]!)])
  for (const page of pages) {
    test(page, () => {
      const text = readFileSync(join(ROOT, page), 'utf8').replace(/```[\s\S]*?```/g, '')
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue
        const [path, anchor] = target!.split('#')
        const file = path ? join(ROOT, dirname(page), path) : join(ROOT, page)
        expect(existsSync(file), `${page} links ${target}`).toBe(true)
        if (anchor && file.endsWith('.md')) expect([...anchors(readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, ''))], `${page} links ${target}`).toContain(anchor)
      }
      expect(text, `${page} points outside the repository`).not.toMatch(/\.\.\/shared|shared\/design|failure-scenarios\.md|signoz-facts\.md/)
    })
  }
})
