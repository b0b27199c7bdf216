import type {ContainerSpec} from './controllers/task-pods.js'

/**
 * The run-to-completion containers the public SigNoz charts use, recognised by image and
 * arguments (never by name), and what the lab does for each:
 * - `signoz-otel-collector migrate ready|bootstrap|sync up|sync check|async up` (charts ≥ 0.113):
 *   the lab migrator's step;
 * - `signoz-schema-migrator sync|async --dsn … --up=` (charts ≤ 0.112): the same, one Job each;
 * - busybox `until wget --spider …/ping; do …; done` (charts ≤ 0.112): a real HTTP request to the
 *   host the Service routes to, until it answers;
 * - a clickhouse-server image running a `clickhouse client` script (charts ≤ 0.112: wait for the
 *   expected version, shards and replicas): those queries on the host the Service routes to;
 * - groundnuty/k8s-wait-for `job NAME` (charts ≤ 0.112): until that Job is complete.
 */
export type ChartTask =
  | {kind: 'migrate'; step: string}
  | {kind: 'schema-migrator'; step: 'sync' | 'async'; dsn?: string; cluster?: string}
  | {kind: 'wait-http'; target: string; user?: string}
  | {kind: 'clickhouse-ready-script'}
  | {kind: 'wait-for-job'; job: string}

const argv = (c: ContainerSpec): string[] => [...(c.command ?? []), ...(c.args ?? [])]

/** What the lab runs for a container, or undefined for one it has no task for. */
export function chartTask(c: ContainerSpec): ChartTask | undefined {
  const image = c.image ?? ''
  const args = c.args ?? []
  if (/(^|\/)signoz-otel-collector(:|@|$)/.test(image) && args[0] === 'migrate') return {kind: 'migrate', step: args.join(' ')}
  if (/(^|\/)signoz-schema-migrator(:|@|$)/.test(image) && (args[0] === 'sync' || args[0] === 'async')) {
    const flag = (name: string) => {
      const i = args.indexOf(name)
      return i >= 0 ? args[i + 1] : args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1)
    }
    return {kind: 'schema-migrator', step: args[0], dsn: flag('--dsn'), cluster: flag('--cluster-name')}
  }
  const script = argv(c).join(' ')
  if (/(^|\/)busybox(:|@|$)/.test(image) && /\bwget\b.*--spider/.test(script)) {
    const target = /--spider(?:\s+-q)?\s+([^\s;]+)/.exec(script)?.[1]
    const user = /--user\s+"?([^"\s]+)"?/.exec(script)?.[1]
    if (target) return {kind: 'wait-http', target, ...(user ? {user} : {})}
  }
  if (/(^|\/)clickhouse-server(:|@|$)/.test(image) && /\bclickhouse client\b/.test(script)) return {kind: 'clickhouse-ready-script'}
  if (/(^|\/)k8s-wait-for(:|@|$)/.test(image) && args[0] === 'job' && args[1]) return {kind: 'wait-for-job', job: args[1]}
  return undefined
}
