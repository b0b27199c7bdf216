import {mkdtempSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, test} from 'vitest'
import {rememberSessions, rememberedSessions} from '../../src/gateways/kube-connections.js'

/** What a run remembers of the API connections a cluster needs: per server, best effort, never a credential. */
describe('kube-connections memory', () => {
  let dir = ''
  const saved = process.env.SIGNOZ_HA_CACHE_DIR
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'signoz-ha-conn-'))
    process.env.SIGNOZ_HA_CACHE_DIR = dir
  })
  afterEach(() => {
    if (saved === undefined) delete process.env.SIGNOZ_HA_CACHE_DIR
    else process.env.SIGNOZ_HA_CACHE_DIR = saved
  })

  test('remembers per API server; unknown is 0; the file is private and holds only URLs and counts', () => {
    expect(rememberedSessions('https://a:6443')).toBe(0)
    rememberSessions('https://a:6443', 18)
    rememberSessions('https://b:6443', 4)
    expect(rememberedSessions('https://a:6443')).toBe(18)
    expect(rememberedSessions('https://b:6443')).toBe(4)
    rememberSessions('https://a:6443', 30)
    expect(rememberedSessions('https://a:6443')).toBe(30)
    const file = join(dir, 'api-connections.json')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')) as object).sort()).toEqual(['https://a:6443', 'https://b:6443'])
  })

  test('a run that opened no session leaves the memory as it was; off turns it off', () => {
    rememberSessions('https://a:6443', 6)
    rememberSessions('https://a:6443', 0)
    expect(rememberedSessions('https://a:6443')).toBe(6)
    process.env.SIGNOZ_HA_CACHE_DIR = 'off'
    expect(rememberedSessions('https://a:6443')).toBe(0)
    rememberSessions('https://c:6443', 9)
    process.env.SIGNOZ_HA_CACHE_DIR = dir
    expect(rememberedSessions('https://c:6443')).toBe(0)
  })

  test('a damaged or foreign file is no memory, and is replaced by the next run; absurd counts are bounded', () => {
    writeFileSync(join(dir, 'api-connections.json'), '{not json')
    expect(rememberedSessions('https://a:6443')).toBe(0)
    writeFileSync(join(dir, 'api-connections.json'), JSON.stringify({'https://a:6443': {sessions: -3, at: 'x'}, 'https://b:6443': {sessions: 1e9, at: 'x'}}))
    expect(rememberedSessions('https://a:6443')).toBe(0)
    expect(rememberedSessions('https://b:6443')).toBe(256)
    rememberSessions('https://a:6443', 5)
    expect(rememberedSessions('https://a:6443')).toBe(5)
  })

  test('an unwritable place costs nothing but the memory', () => {
    // Under a file: no directory can be made there.
    writeFileSync(join(dir, 'a-file'), '')
    process.env.SIGNOZ_HA_CACHE_DIR = join(dir, 'a-file', 'cache')
    expect(() => rememberSessions('https://a:6443', 5)).not.toThrow()
    expect(rememberedSessions('https://a:6443')).toBe(0)
  })

  test('the most recent 32 servers are kept', () => {
    for (let i = 0; i < 40; i++) rememberSessions(`https://s${i}:6443`, i + 1)
    const kept = JSON.parse(readFileSync(join(dir, 'api-connections.json'), 'utf8')) as Record<string, unknown>
    expect(Object.keys(kept)).toHaveLength(32)
    expect(rememberedSessions('https://s39:6443')).toBe(40)
  })
})
