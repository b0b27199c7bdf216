import {Q} from '../../signoz/queries.js'
import {S, type NamedStatement} from '../../gateways/statements.js'
import type {Action} from '../action.js'
import {checkPasses, subjectParts, waitUntil, type RemedyContext} from '../context.js'

/** A host by both names: its pod (where statements go) and its replica name (how findings name it). */
export interface HostRef {
  [key: string]: string
  pod: string
  host: string
}

/** A statement by name with its parameters: plain data, so the journal can rebuild it. */
export interface StatementCall {
  [key: string]: string | {[key: string]: string}
  statement: keyof typeof S
  params: {[key: string]: string}
}

const onHosts = (hosts: readonly HostRef[]) => (subject: string) => hosts.some((h) => h.host === subjectParts(subject).host)

/**
 * Statements on one host, then a wait until a check passes for it. The check is doctor's own,
 * so "done" and "fixed" mean what the diagnosis meant.
 */
export function statementsOnHost(p: {id: string; title: string; host: HostRef; calls: StatementCall[]; settledBy: string}): Action<RemedyContext> {
  const sql = (c: StatementCall) => (S[c.statement] as NamedStatement<unknown>).sql(c.params)
  return {
    id: p.id,
    title: p.title,
    safety: 'safe',
    done: (ctx) => checkPasses(ctx, p.settledBy, onHosts([p.host])),
    async preview() {
      return [{kind: 'sql', summary: `on ${p.host.pod}`, detail: p.calls.map(sql).join(';\n')}]
    },
    async backup() {
      return {}
    },
    async apply(ctx) {
      const fleet = await ctx.clickhouse()
      for (const c of p.calls) await fleet.execute(p.host.pod, S[c.statement] as NamedStatement<unknown>, c.params)
    },
    async verify(ctx) {
      const ok = await waitUntil(ctx.waitMs, () => checkPasses(ctx, p.settledBy, onHosts([p.host])), 2000)
      return ok
        ? {ok, message: `${p.settledBy} passes on ${p.host.host}`}
        : {ok, message: `${p.settledBy} still fails on ${p.host.host} after ${ctx.waitMs / 1000}s`}
    },
  }
}

/**
 * Replicated tables read-only on some hosts: first a grace period for sessions to come back by
 * themselves (Keeper just returned), then SYSTEM RESTART REPLICA for each table still read-only.
 * soft: a table that stays read-only is reported, not failed, so a later step (restarting the
 * host) can take over.
 */
export function restartReadonlyReplicas(p: {hosts: HostRef[]; graceMs: number; soft: boolean}): Action<RemedyContext> {
  const writable = (ctx: RemedyContext) => checkPasses(ctx, 'clickhouse/replicas-readonly', onHosts(p.hosts))
  return {
    id: 'restart-readonly-replicas',
    title: `Re-open the Keeper sessions of read-only tables on ${p.hosts.map((h) => h.host).join(', ')}`,
    safety: 'safe',
    done: writable,
    async preview() {
      return [
        {
          kind: 'sql',
          summary: `on each host, for each table still read-only after ${p.graceMs / 1000}s`,
          detail: `${S.dropDnsCache.sql()};\nSYSTEM RESTART REPLICA <db>.<table>`,
        },
      ]
    },
    async backup() {
      return {}
    },
    async apply(ctx) {
      if (await waitUntil(p.graceMs, () => writable(ctx), 2000)) return
      const fleet = await ctx.clickhouse()
      for (const h of p.hosts) {
        const rows = await fleet.queryNow(h.pod, Q.replicaStatus, undefined).catch(() => [])
        const readonly = rows.filter((r) => Number(r.is_readonly) === 1 || Number(r.is_session_expired) === 1)
        if (readonly.length === 0) continue
        await fleet.execute(h.pod, S.dropDnsCache, undefined)
        for (const r of readonly) await fleet.execute(h.pod, S.restartReplica, {table: `${r.database}.${r.table}`}).catch(() => undefined)
      }
    },
    async verify(ctx) {
      const ok = await waitUntil(p.soft ? Math.min(ctx.waitMs, 10_000) : ctx.waitMs, () => writable(ctx), 2000)
      if (ok) return {ok, message: 'every replicated table is writable'}
      return p.soft
        ? {ok: true, message: 'some tables are still read-only: the next step restarts their hosts'}
        : {ok, message: `tables still read-only after ${ctx.waitMs / 1000}s: follow the replica-readonly runbook`}
    },
  }
}
