import {parseDuration} from '../core/duration.js'
import {defineRemedy} from '../core/runbook.js'
import {valueAt} from '../signoz/helm-release.js'
import {serviceOf} from '../signoz/duplicate.js'
import {pinInstallation, rerunMigrator} from './actions/helm.js'
import {pointClients} from './actions/kube.js'
import {failingFindings} from './context.js'

/** Remedies several runbooks share (a runbook's own live in its file). */

/** The schema migrator run again, with a longer timeout when its log says the deadline passed. */
export const rerunMigratorRemedy = defineRemedy<{release: string; chart: string; chartVersion: string | null; set: {[key: string]: string}}>({
  async target(ctx, diagnosis) {
    if (!ctx.release) return undefined
    const failed = failingFindings(diagnosis, 'kube/migrator-job')
    if (failed.length === 0 && failingFindings(diagnosis, 'signoz/migrations').length === 0) return undefined
    // The cause the Job's log names decides the values: a deadline too short for ON CLUSTER DDL.
    const log = failed.map((f) => `${f.message}\n${Array.isArray(f.evidence?.log) ? f.evidence.log.join('\n') : ''}`).join('\n')
    const timeout = String(valueAt((await ctx.deployment()).values, 'telemetryStoreMigrator.timeout') ?? '10m')
    const set: {[key: string]: string} =
      /deadline exceeded|timed? ?out/i.test(log) && parseDuration(timeout, 'telemetryStoreMigrator.timeout') < 600_000
        ? {'telemetryStoreMigrator.timeout': '10m'}
        : {}
    return {release: ctx.release, chart: ctx.chart, chartVersion: ctx.chartVersion, set}
  },
  actions: (t) => [rerunMigrator(t)],
})

/** The collectors and SigNoz pointed at the serving installation's Service, when any points elsewhere. */
export const pointClientsRemedy = defineRemedy<{namespace: string; service: string; clients: {kind: string; name: string}[]}>({
  async target(ctx) {
    const d = await ctx.deployment()
    if (!d.active) return undefined
    const clients = d.clients.filter((c) => c.kind === 'Deployment' || c.kind === 'StatefulSet')
    if (clients.every((c) => serviceOf(c.host) === d.active!.service)) return undefined
    return {namespace: d.namespace, service: d.active.service, clients: clients.map(({kind, name}) => ({kind, name}))}
  },
  actions: (t) => [pointClients(t)],
})

/** clickhouse.fullnameOverride pinned to the serving installation, when the values do not pin it. */
export const pinInstallationRemedy = defineRemedy<{release: string; chart: string; chartVersion: string | null; installation: string}>({
  async target(ctx) {
    const d = await ctx.deployment()
    if (!ctx.release || !d.active || valueAt(d.values, 'clickhouse.fullnameOverride') === d.active.name) return undefined
    return {release: ctx.release, chart: ctx.chart, chartVersion: ctx.chartVersion, installation: d.active.name}
  },
  actions: (t) => [pinInstallation(t)],
})
