import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, test} from 'vitest'
import {readArchive, writeArchive} from '../../src/bundle/archive.js'
import {Redactor} from '../../src/bundle/redaction.js'
import type {ClickHouseFleet, HostProbe, HostResult} from '../../src/gateways/clickhouse-fleet.js'
import {GatewayError} from '../../src/gateways/errors.js'
import {Q} from '../../src/signoz/queries.js'
import {RecordingFleet, ReplayFleet} from '../../src/gateways/recorded-fleet.js'
import {paramsKey, Tape} from '../../src/gateways/tape.js'
import {CHART_DEFAULT_PASSWORD} from '../../src/signoz/values-rules.js'
import {parseMntr, podPhase} from '../../src/status/view.js'
import {shortDuration} from '../../src/render/status.js'

describe('the bundle archive is a tar.gz that tar reads', () => {
  test('written here, unpacked by tar; written by tar, read here; long paths', () => {
    const dir = mkdtempSync(join(tmpdir(), 'signoz-ha-archive-'))
    const long = `top/${'clickhouse/chi-signoz-clickhouse-cluster-0-0/'.repeat(3)}replication_queue.ndjson`
    const file = join(dir, 'a.tar.gz')
    writeFileSync(
      file,
      writeArchive([
        {path: 'top/manifest.json', content: '{"a":1}\n'},
        {path: long, content: Buffer.from([0, 1, 2, 255])},
      ]),
    )
    execFileSync('tar', ['-xzf', file, '-C', dir])
    expect(readFileSync(join(dir, 'top/manifest.json'), 'utf8')).toBe('{"a":1}\n')
    expect([...readFileSync(join(dir, long))]).toEqual([0, 1, 2, 255])
    execFileSync('tar', ['-czf', join(dir, 'b.tar.gz'), '-C', dir, 'top/manifest.json'])
    expect(
      readArchive(readFileSync(join(dir, 'b.tar.gz')))
        .get('top/manifest.json')
        ?.toString(),
    ).toBe('{"a":1}\n')
  })
})

describe('Redactor', () => {
  test('objects: Secret data keeps its keys, secret keys and env entries hidden, references and booleans kept, the chart default kept', () => {
    const r = new Redactor()
    const out = r.object({
      kind: 'Secret',
      data: {password: Buffer.from('s3cret-value').toString('base64')},
      spec: {
        automountServiceAccountToken: false,
        volumes: [{secret: {secretName: 'signoz-clickhouse'}}],
        env: [
          {name: 'CLICKHOUSE_PASSWORD', value: 'p@ss-word-1'},
          {name: 'CLICKHOUSE_PASSWORD_REF', value: '$(CLICKHOUSE_PASSWORD)'},
          {name: 'DSN', value: 'tcp://admin:$(CLICKHOUSE_PASSWORD)@ch:9000'},
          {name: 'DEFAULT', value: 'x'},
        ],
        clickhouse: {password: CHART_DEFAULT_PASSWORD, existingSecret: 'ch-secret'},
      },
    })
    expect(out.data).toEqual({password: '[redacted]'})
    expect(out.spec.automountServiceAccountToken).toBe(false)
    expect(out.spec.volumes[0]!.secret.secretName).toBe('signoz-clickhouse')
    expect(out.spec.env.map((e) => e.value)).toEqual(['[redacted]', '$(CLICKHOUSE_PASSWORD)', 'tcp://admin:$(CLICKHOUSE_PASSWORD)@ch:9000', 'x'])
    expect(out.spec.clickhouse).toEqual({password: CHART_DEFAULT_PASSWORD, existingSecret: 'ch-secret'})
    // What was hidden is scrubbed from any text afterwards, decoded Secret data included.
    expect(r.text('login with s3cret-value or p@ss-word-1')).toBe('login with [redacted] or [redacted]')
  })

  test('text: XML password elements, IDENTIFIED BY, key: value lines, URL credentials, added secrets and --redact patterns', () => {
    const r = new Redactor(['acme-[0-9]+'])
    r.addSecret('tok-ABCDEFGH')
    r.addSecret('short')
    const text = [
      '<password>hunter22</password><password_sha256_hex>abcd</password_sha256_hex>',
      "CREATE USER u IDENTIFIED WITH plaintext_password BY 'pw-1234'",
      'password: hunter22x',
      'secretName: keep-this',
      'Authorization uses tok-ABCDEFGH',
      'dsn=tcp://u:pw9999@host:9000',
      'customer acme-42',
      'a short word',
    ].join('\n')
    expect(r.text(text).split('\n')).toEqual([
      '<password>[redacted]</password><password_sha256_hex>[redacted]</password_sha256_hex>',
      "CREATE USER u IDENTIFIED WITH plaintext_password BY '[redacted]'",
      'password: [redacted]',
      'secretName: keep-this',
      'Authorization uses [redacted]',
      'dsn=tcp://u:[redacted]@host:9000',
      'customer [redacted]',
      'a short word',
    ])
  })

  test('json stays valid JSON whatever is redacted inside strings', () => {
    const r = new Redactor()
    r.addSecret('with"quote')
    const json = r.json({a: 'x with"quote y', password: 12345678, n: true})
    expect(JSON.parse(json)).toEqual({a: 'x [redacted] y', password: '[redacted]', n: true})
  })

  test('a bad --redact pattern is a usage error', () => {
    expect(() => new Redactor(['('])).toThrow(/--redact \( is not a regular expression/)
  })
})

describe('recording and replaying a fleet', () => {
  const host = (name: string, shard: string): HostProbe => ({
    name,
    target: `${name}-0`,
    reachable: true,
    version: '18.16.1',
    macros: {shard, replica: name},
    capabilities: {version: '18.16.1', major: 18, minor: 16, columns: new Map([['system.replicas', new Set(['database', 'table'])]])},
    latencyMs: 3,
  })
  const hosts = [host('a', '0'), host('b', '0'), host('c', '1')]
  const inner: ClickHouseFleet = {
    hosts,
    reachable: () => hosts,
    queryCount: () => 7,
    queryEach: async <Row>() =>
      hosts.map((h) =>
        h.name === 'c' ? {host: h, error: new GatewayError('timeout', 'no answer', h.target)} : {host: h, rows: [{n: h.name}] as Row[]},
      ) as HostResult<Row>[],
    queryPerShard: async <Row>() => [
      {host: hosts[0]!, rows: [{n: 'a'}] as Row[]},
      {host: hosts[2]!, rows: [{n: 'c'}] as Row[]},
    ],
    queryHosts: async <Row>(hs: readonly HostProbe[]) => hs.map((h) => ({host: h, rows: [{only: h.name}] as Row[]})),
  }

  test('every answer, rows or error, comes back the same from the tape; a call never made says it is not in the bundle', async () => {
    const tape = new Tape()
    const rec = new RecordingFleet(inner, tape)
    const live = [
      await rec.queryEach(Q.replicaStatus, undefined),
      await rec.queryPerShard(Q.replicaPaths, {databases: ['x']}),
      await rec.queryHosts([hosts[1]!], Q.keeperChildren, {paths: ['/a']}),
    ]
    const replay = new ReplayFleet(JSON.parse(JSON.stringify(rec.recordedHosts())), new Tape(JSON.parse(JSON.stringify(tape.takes))))
    expect(replay.hosts.map((h) => h.capabilities?.columns.get('system.replicas')?.has('table'))).toEqual([true, true, true])
    const again = [
      await replay.queryEach(Q.replicaStatus, undefined),
      await replay.queryPerShard(Q.replicaPaths, {databases: ['x']}),
      await replay.queryHosts([replay.hosts[1]!], Q.keeperChildren, {paths: ['/a']}),
    ]
    const shape = (rs: HostResult<unknown>[][]) => rs.map((r) => r.map((x) => [x.host.name, x.rows ?? `${x.error!.kind}: ${x.error!.message}`]))
    expect(shape(again)).toEqual(shape(live))
    // Results name the replayed host objects themselves (checks compare hosts by identity).
    expect(again[0]![0]!.host).toBe(replay.hosts[0])
    const missing = await replay.queryEach(Q.diskSpace, undefined)
    expect(missing.map((r) => r.error?.message)).toEqual(hosts.map(() => expect.stringMatching(/^not in the bundle/)))
  })

  test('parameter keys do not depend on key order; functions count by their text', () => {
    expect(paramsKey({a: 1, b: [1, {d: 2, c: 3}]})).toBe(paramsKey({b: [1, {c: 3, d: 2}], a: 1}))
    expect(paramsKey({f: (s: string) => s})).not.toBe(paramsKey({f: (s: string) => `${s}!`}))
  })
})

describe('status pieces', () => {
  test("a pod's state as kubectl names it", () => {
    expect(
      podPhase({metadata: {name: 'p'}, status: {phase: 'Running', containerStatuses: [{ready: false, state: {waiting: {reason: 'CrashLoopBackOff'}}}]}}),
    ).toBe('CrashLoopBackOff')
    expect(podPhase({metadata: {name: 'p', deletionTimestamp: 'x'}, status: {phase: 'Running'}})).toBe('Terminating')
    expect(podPhase({metadata: {name: 'p'}, status: {phase: 'Pending'}})).toBe('Pending')
  })
  test('mntr fields', () => {
    expect(parseMntr('zk_version\t3.8.4\nzk_server_state\tleader\nzk_znode_count\t42\n')).toEqual({
      zk_version: '3.8.4',
      zk_server_state: 'leader',
      zk_znode_count: '42',
    })
    expect(parseMntr('mntr is not executed because it is not in the whitelist.')).toEqual({})
  })
  test('durations as kubectl prints them', () => {
    expect([5, 150, 7300, 90_000, null].map(shortDuration)).toEqual(['5s', '2m', '2h1m', '1d1h', '—'])
  })
})
