import {afterAll, describe, expect, test} from 'vitest'
import {TestLab, notPassing, processesMentioning, resultOf} from '../helpers/lab.js'

/**
 * Two labs at once in different directories (ports chosen independently), one of them with
 * replication off on a replicated layout: the migration bug of catalogue #14, for real.
 */
const unreplicated = new TestLab()
const single = new TestLab()

afterAll(async () => {
  await Promise.all([unreplicated.down(), single.down()])
  expect([...processesMentioning(unreplicated.dir), ...processesMentioning(single.dir)]).toEqual([])
})

describe('two labs side by side', () => {
  test('both come up with distinct ports', async () => {
    const [a, b] = await Promise.all([
      unreplicated.up(['--shards', '1', '--replicas', '2', '--no-replication']),
      single.up(['--shards', '1', '--replicas', '1']),
    ])
    const ports = [...a.clickhouse, ...b.clickhouse].flatMap((h) => [h.httpPort, h.tcpPort]).concat(a.keeper.port, b.keeper.port)
    expect(new Set(ports).size).toBe(ports.length)
    expect(a.healthy && b.healthy).toBe(true)
  })

  test('replication off with 2 replicas per shard fails signoz/tables-replicated', async () => {
    const {report, code} = await unreplicated.doctor()
    const r = resultOf(report, 'signoz/tables-replicated')
    expect(r.status).toBe('fail')
    expect(JSON.stringify(r.findings)).toMatch(/signoz_logs\.logs_v2 \(MergeTree\)/)
    expect(code).toBe(1)
  })

  test('a 1×1 lab is clean but for its values: replication is not required with one replica, HA is', async () => {
    const {report} = await single.doctor()
    expect(notPassing(report)).toEqual(['helm/values-ha:fail'])
    expect(
      resultOf(report, 'helm/values-ha')
        .findings.filter((f) => !f.ok)
        .map((f) => f.subject),
    ).toEqual(['clickhouse.layout.replicasCount'])
  })

  test('an expectation that differs from the cluster fails the topology check', async () => {
    const {report} = await single.doctor(['--shards', '2'])
    const topology = resultOf(report, 'clickhouse/cluster-topology')
    expect(topology.status).toBe('fail')
    expect(topology.findings[0]!.message).toMatch(/1 shards, expected 2/)
  })

  test('a wrong cluster name fails the topology check and names the defined clusters', async () => {
    const {report} = await single.doctor([], {SIGNOZ_HA_CLUSTER: 'signoz'})
    const topology = resultOf(report, 'clickhouse/cluster-topology')
    expect(topology.status).toBe('fail')
    expect(topology.findings[0]!.message).toMatch(/cluster "signoz" is not defined/)
    expect(JSON.stringify(topology.findings[0]!.evidence)).toContain('all-replicated')
  })

  test('lab down cleans up even with faults active (a SIGSTOPped host, Keeper stopped)', async () => {
    await single.break('hang-replica')
    await single.break('stop-keeper')
    await single.down()
    expect(processesMentioning(single.dir)).toEqual([])
  })
})
