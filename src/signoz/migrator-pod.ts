import type {KubeItem} from '../gateways/kube.js'

/**
 * The schema migrator's pod as the kubelet reports it. Since chart 0.113.0 the migration runs in
 * init containers (`ready`, `bootstrap`, `sync`) before the main container (`async`), under
 * restartPolicy OnFailure: a failing step restarts in place (Init:CrashLoopBackOff) and the Job
 * shows no Failed condition until its back-off limit, when the pod and its logs are deleted.
 * Older charts run one container per `schema-migrator` Job. Every container is read, in order.
 */
export interface MigratorStep {
  /** The container's name (the step: ready, bootstrap, sync, async, or the one container of older charts). */
  container: string
  init: boolean
  /** `migrate sync up` and the like, from the container's args. */
  command: string
  state: 'waiting' | 'running' | 'succeeded' | 'failed'
  /** Why it waits (PodInitializing, CrashLoopBackOff, ContainerCreating). */
  waiting?: string
  restarts: number
  /** Runs that ended with a non-zero exit (the current one included once it has). */
  failedRuns: number
  /** The exit code of the last run that ended, if it failed. */
  lastExitCode?: number
  /** The previous run's log exists (kubectl logs --previous). */
  hasPrevious: boolean
}

type Status = {
  name: string
  restartCount?: number
  state?: {waiting?: {reason?: string}; running?: unknown; terminated?: {exitCode?: number}}
  lastState?: {terminated?: {exitCode?: number}}
}
type Container = {name: string; args?: string[]; command?: string[]}

/** Every container of the pod, init containers first, with what the kubelet says of it. */
export function migratorSteps(pod: KubeItem): MigratorStep[] {
  const spec = (pod.spec ?? {}) as {initContainers?: Container[]; containers?: Container[]}
  const status = (pod.status ?? {}) as {initContainerStatuses?: Status[]; containerStatuses?: Status[]}
  const step = (c: Container, init: boolean): MigratorStep => {
    const s = [...(init ? (status.initContainerStatuses ?? []) : (status.containerStatuses ?? []))].find((x) => x.name === c.name)
    const restarts = s?.restartCount ?? 0
    const exit = s?.state?.terminated?.exitCode
    const lastExit = s?.lastState?.terminated?.exitCode
    const state: MigratorStep['state'] = s?.state?.running
      ? 'running'
      : exit === 0
        ? 'succeeded'
        : exit !== undefined
          ? 'failed'
          : s?.state?.waiting && lastExit !== undefined && lastExit !== 0
            ? 'failed'
            : 'waiting'
    // Under OnFailure every restart followed a failed run; the current (or, in back-off, the last) run counts once it has failed.
    const failedRuns = restarts + (state === 'failed' ? 1 : 0)
    return {
      container: c.name,
      init,
      command: [...(c.command ?? []).slice(1), ...(c.args ?? [])].join(' '),
      state,
      ...(s?.state?.waiting?.reason ? {waiting: s.state.waiting.reason} : {}),
      restarts,
      failedRuns,
      ...(exit !== undefined && exit !== 0 ? {lastExitCode: exit} : lastExit !== undefined && lastExit !== 0 ? {lastExitCode: lastExit} : {}),
      hasPrevious: restarts > 0,
    }
  }
  return [...(spec.initContainers ?? []).map((c) => step(c, true)), ...(spec.containers ?? []).map((c) => step(c, false))]
}

/** The step that failed (the first that did, in the order they run), if one has. */
export const failingStep = (steps: readonly MigratorStep[]): MigratorStep | undefined => steps.find((s) => s.state === 'failed' || s.failedRuns > 0)

/** The last line of a step's log that reports an error, if any. */
export function errorLine(log: string): string | undefined {
  const lines = log
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
  return readable([...lines].reverse().find((l) => /^Error:|"level":"(error|fatal)"|\berror\b|code: \d+/i.test(l)))
}

/**
 * The line that says why a step failed, from its current and previous runs: an error line (the
 * current run first: a run still going has not said why the last one ended), else the last line.
 */
export function failureLine(current: string, previous = ''): string | undefined {
  const last = (log: string) =>
    readable(
      log
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .at(-1),
    )
  return errorLine(current) ?? errorLine(previous) ?? last(current) ?? last(previous)
}

/** A zap JSON line as a person reads it (its msg and error), other lines as they are. */
function readable(line: string | undefined): string | undefined {
  if (!line?.startsWith('{')) return line
  try {
    const j = JSON.parse(line) as {msg?: string; error?: string}
    return [j.msg, j.error].filter(Boolean).join(': ') || line
  } catch {
    return line
  }
}

/** Migrator failures recognised in its log as they happen, with the runbook for each. */
export const KNOWN_MIGRATOR_FAILURES: readonly {pattern: RegExp; what: string; runbook: string}[] = [
  {
    pattern: /code: 999|Coordination::Exception|KEEPER_EXCEPTION|connecting to ZooKeeper/i,
    what: "Keeper failed the migration's coordination (code 999): the step exits and the Job retries until Keeper answers (signoz-otel-collector#589)",
    runbook: 'keeper-down',
  },
  {
    pattern: /code: 62\b.*Syntax error|SYNTAX_ERROR/i,
    what: "the server does not understand the migration's statement (code 62): ClickHouse is older than the migration expects (catalogue #9)",
    runbook: 'version-mismatch',
  },
  {
    pattern: /code: 47\b|UNKNOWN_IDENTIFIER|Missing columns/i,
    what: 'a column the migration reads is missing (code 47): an earlier migration was left half-applied',
    runbook: 'migration-failed',
  },
  {
    pattern: /code: 159|distributed_ddl_task_timeout|Watching task .* is executing longer/i,
    what: 'an ON CLUSTER statement timed out on some host (catalogue #1)',
    runbook: 'ddl-queue-stuck',
  },
  {pattern: /context deadline exceeded/i, what: "the migrator's own timeout passed (telemetryStoreMigrator.timeout)", runbook: 'migrator-job-failed'},
  {pattern: /dirty/i, what: 'a legacy migration is marked dirty (catalogue #10)', runbook: 'migration-failed'},
  {
    pattern: /REPLICA_ALREADY_EXISTS|code: 253|Replica .* already exists/i,
    what: 'a replica is still registered in Keeper (catalogue #29)',
    runbook: 'stale-replica',
  },
  {
    pattern: /UNKNOWN_SETTING|code: 115|UNKNOWN_FUNCTION|code: 46/i,
    what: 'ClickHouse is too old for this migration (catalogue #9)',
    runbook: 'version-mismatch',
  },
  {
    pattern: /not found in system\.clusters|CLUSTER_DOESNT_EXIST|code: 701|code: 170/i,
    what: "the migrator's cluster name is not the servers' (catalogue #19)",
    runbook: 'cluster-topology-mismatch',
  },
]

/** The known failure a log shows, if any. */
export const knownFailure = (log: string) => KNOWN_MIGRATOR_FAILURES.find((f) => f.pattern.test(log))
