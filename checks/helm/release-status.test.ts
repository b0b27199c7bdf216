import {expect, test} from 'vitest'
import {failures, fixtureContext, fixtureKube, helmReleaseSecret} from '../../test/helpers/fixture-fleet.js'
import check from './release-status.js'

const run = (status: string, description?: string) =>
  check.run(fixtureContext({kube: fixtureKube({secrets: [helmReleaseSecret({revision: 4, status, description})]})}))

test('deployed passes with the chart; pending-* is stuck until rolled back; failed quotes Helm', async () => {
  expect(await run('deployed')).toEqual([
    {
      subject: 'signoz revision 4',
      ok: true,
      message: 'deployed (chart signoz-0.113.0)',
      evidence: {status: 'deployed', revision: 4, chart: 'signoz-0.113.0', description: 'Upgrade complete', lastDeployed: '2026-12-01T10:00:00Z'},
    },
  ])
  expect(failures(await run('pending-upgrade'))).toEqual({
    'signoz revision 4': 'stuck pending-upgrade since 2026-12-01T10:00:00Z: Helm refuses further upgrades until it is rolled back',
  })
  expect(failures(await run('failed', 'Upgrade "signoz" failed: timed out waiting for the condition'))).toEqual({
    'signoz revision 4': 'failed: Upgrade "signoz" failed: timed out waiting for the condition',
  })
})
