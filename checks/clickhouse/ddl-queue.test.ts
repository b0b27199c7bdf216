import {expect, test} from 'vitest'
import {SkipCheck} from '../../src/core/check.js'
import {GatewayError} from '../../src/gateways/errors.js'
import {Q} from '../../src/signoz/queries.js'
import {failures, fixtureContext, fixtureFleet, fixtureHost, unsupportedOn} from '../../test/helpers/fixture-fleet.js'
import check from './ddl-queue.js'

const a = fixtureHost(0, 0, {macros: {shard: '0', replica: 'chi-signoz-clickhouse-cluster-0-0', installation: 'signoz-clickhouse'}})
const b = fixtureHost(0, 1)

test('a server with system.distributed_ddl_queue: one host answers for the cluster; unfinished old tasks fail per entry and host', async () => {
  const fleet = fixtureFleet([a, b], {
    [Q.ddlQueueUnfinished.name]: (h, params) => {
      expect([h.name, params]).toEqual([a.name, {olderThanSeconds: 300}])
      return [
        {
          entry: 'query-0000000042',
          target_host: 'chi-signoz-clickhouse-cluster-1-0',
          state: 'Inactive',
          age_seconds: 900,
          query_text: 'ALTER TABLE signoz_logs.logs_v2 ON CLUSTER cluster ADD COLUMN x String',
        },
      ]
    },
  })
  const findings = await check.run(fixtureContext({fleet}))
  expect(failures(findings)).toEqual({
    'query-0000000042@chi-signoz-clickhouse-cluster-1-0': 'Inactive after 900s: ALTER TABLE signoz_logs.logs_v2 ON CLUSTER cluster ADD COLUMN x String',
  })
  const clean = fixtureFleet([a], {[Q.ddlQueueUnfinished.name]: []})
  expect(await check.run(fixtureContext({fleet: clean, thresholds: {ddlTaskStuckSeconds: 60}}))).toEqual([
    {subject: 'ddl queue', ok: true, message: 'no ON CLUSTER task older than 60s is unfinished'},
  ])
})

test('an old server reads the queue in Keeper: a task is unfinished on the hosts it names that have not finished it', async () => {
  const task = (name: string) => ({
    name,
    value: `version: 1\nquery: CREATE TABLE signoz_traces.t ON CLUSTER cluster (x UInt8) ENGINE = Memory\nhosts: ['chi-0-0:9000','chi-1-0:9000']\ninitiator: chi-0-0:9000\n`,
    age_seconds: 600,
  })
  const fleet = fixtureFleet([a], {
    [Q.ddlQueueUnfinished.name]: unsupportedOn(a.name, 'system.distributed_ddl_queue'),
    [Q.ddlTasksInKeeper.name]: (_, params) => {
      expect(params).toEqual({path: '/clickhouse/signoz-clickhouse/task_queue/ddl', olderThanSeconds: 300})
      return [task('query-0000000001'), task('query-0000000002')]
    },
    [Q.ddlTasksFinished.name]: [
      {task: 'query-0000000001', name: 'chi-0-0:9000'},
      {task: 'query-0000000001', name: 'chi-1-0:9000'},
      {task: 'query-0000000002', name: 'chi-0-0:9000'},
    ],
  })
  const findings = await check.run(fixtureContext({fleet}))
  expect(failures(findings)).toEqual({
    'query-0000000002': 'unfinished on chi-1-0:9000 after 600s: CREATE TABLE signoz_traces.t ON CLUSTER cluster (x UInt8) ENGINE = Memory',
  })
  expect(findings[0]!.evidence).toEqual({
    task: 'query-0000000002',
    pendingHosts: ['chi-1-0:9000'],
    ageSeconds: 600,
    keeperPath: '/clickhouse/signoz-clickhouse/task_queue/ddl/query-0000000002',
  })
})

test('the queue unreadable (Keeper down is keeper/reachable’s finding): skipped with the reason, not passed', async () => {
  const fleet = fixtureFleet([a], {
    [Q.ddlQueueUnfinished.name]: unsupportedOn(a.name, 'system.distributed_ddl_queue'),
    [Q.ddlTasksInKeeper.name]: new GatewayError('server', 'Code: 999. Coordination::Exception: Connection loss', a.name, 999),
  })
  await expect(check.run(fixtureContext({fleet}))).rejects.toThrow(SkipCheck)
  await expect(check.run(fixtureContext({fleet}))).rejects.toThrow(
    /cannot read the ON CLUSTER queue in Keeper \(\/clickhouse\/signoz-clickhouse\/task_queue\/ddl\): Code: 999/,
  )
})
