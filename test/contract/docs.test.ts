import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
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
