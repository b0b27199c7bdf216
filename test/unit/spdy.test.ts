import {inflateSync, constants} from 'node:zlib'
import {describe, expect, test} from 'vitest'
import {SPDY_DICTIONARY, SpdySession} from '../../src/gateways/spdy.js'

describe('SPDY/3.1 session (server side)', () => {
  test('the dictionary is the 1423 bytes of the SPDY/3 draft', () => {
    expect(SPDY_DICTIONARY.length).toBe(1423)
  })

  test('replies form one zlib stream a persistent inflater reads block by block', () => {
    const frames: Buffer[] = []
    const session = new SpdySession((f) => frames.push(f))
    ;(session as unknown as {reply(id: number): void}).reply(1)
    ;(session as unknown as {reply(id: number): void}).reply(3)
    const blocks = frames.map((f) => f.subarray(12))
    const first = inflateSync(blocks[0]!, {dictionary: SPDY_DICTIONARY, finishFlush: constants.Z_SYNC_FLUSH})
    expect([...first]).toEqual([0, 0, 0, 0])
    const both = inflateSync(Buffer.concat(blocks), {dictionary: SPDY_DICTIONARY, finishFlush: constants.Z_SYNC_FLUSH})
    expect([...both]).toEqual([0, 0, 0, 0, 0, 0, 0, 0])
    // Each block ends with the sync-flush marker (an empty stored block), as Go's reader needs.
    for (const b of blocks) expect(b.subarray(-5).toString('hex')).toBe('000000ffff')
  })
})
