import {UsageError} from '../core/errors.js'
import type {KubeTarget} from '../core/check.js'
import type {ClickHouseEndpoint} from '../gateways/clickhouse.js'
import {isGatewayError} from '../gateways/errors.js'
import {fourLetterWord} from '../gateways/four-letter-words.js'
import {KubeGateway} from '../gateways/kube.js'
import {podReady, readDeployment, isSignozRelease, type EnvSource, type SignozDeployment} from '../signoz/deployment.js'
import {latestReleases, valueAt} from '../signoz/helm-release.js'
import {takeSnapshot, type KubeSnapshot} from '../signoz/kube-snapshot.js'
import {trace} from '../core/trace.js'

export interface KubeFlags {
  kubeconfig?: string
  context?: string
  'in-cluster'?: boolean
  namespace?: string
  release?: string
}

/** Every kind failed for the same connection-level reason: the API as a whole is out of reach. */
function apiUnavailable(snapshot: KubeSnapshot): string | undefined {
  const errors = Object.values(snapshot.errors)
  if (Object.keys(snapshot.items).length > 0 || errors.length === 0) return undefined
  const first = errors[0]!
  return ['unreachable', 'auth', 'timeout'].includes(first.kind) ? first.message : `the Kubernetes API refused every list (${first.message})`
}

/** The SigNoz releases across the cluster (namespace/name), or why they could not be listed. */
async function releasesEverywhere(gateway: KubeGateway): Promise<{releases: {namespace: string; name: string}[]; error?: string}> {
  try {
    const everywhere = latestReleases(await gateway.listAllNamespaces('secrets', 'owner=helm')).filter(isSignozRelease)
    return {
      releases: everywhere
        .map((r) => ({namespace: r.namespace, name: r.name}))
        .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`)),
    }
  } catch (error) {
    if (isGatewayError(error)) return {releases: [], error: error.message}
    throw error
  }
}

/**
 * Nothing of SigNoz in the namespace: no release, no ClickHouse installation, no workload that
 * connects to ClickHouse. A typo in -n or --context must not read as a healthy cluster.
 */
function nothingFound(deployment: SignozDeployment): boolean {
  const listed = (kind: keyof KubeSnapshot['items']) => !deployment.snapshot.errors[kind]
  return (
    listed('secrets') &&
    listed('clickhouseinstallations') &&
    deployment.releases.length === 0 &&
    deployment.installations.length === 0 &&
    deployment.clients.length === 0
  )
}

/**
 * Opens the Kubernetes side of a run: kubeconfig and context, the namespace holding the SigNoz
 * release (the flag, else the context's, else the one namespace that has one), one snapshot.
 * Where nothing of SigNoz is found it is a usage error naming where releases are instead (with
 * hosts given by URL too: the namespace was named, and a typo must not pass for a healthy cluster).
 */
export async function openKubeTarget(flags: KubeFlags): Promise<KubeTarget> {
  const gateway = KubeGateway.open({kubeconfig: flags.kubeconfig, context: flags.context, inCluster: flags['in-cluster']})
  let namespace = flags.namespace ?? gateway.namespace ?? 'default'
  let snapshot = await takeSnapshot(gateway, namespace)
  const unavailable = apiUnavailable(snapshot)
  let elsewhere: Awaited<ReturnType<typeof releasesEverywhere>> | undefined
  if (!unavailable && !flags.namespace && !latestReleases(snapshot.items.secrets ?? []).some(isSignozRelease)) {
    // Not in the context's namespace: the one namespace that holds a SigNoz release, if exactly one does.
    elsewhere = await releasesEverywhere(gateway)
    const namespaces = [...new Set(elsewhere.releases.map((r) => r.namespace))]
    if (namespaces.length > 1) throw new UsageError(`SigNoz releases are in several namespaces: ${namespaces.join(', ')}`, 'pick one with -n NAMESPACE')
    if (namespaces.length === 1 && namespaces[0] !== namespace) {
      namespace = namespaces[0]!
      snapshot = await takeSnapshot(gateway, namespace)
    }
  }
  const deployment = readDeployment(snapshot, flags.release)
  if (flags.release && !deployment.release && !unavailable) {
    throw new UsageError(
      `no SigNoz release "${flags.release}" in namespace ${namespace}`,
      deployment.releases.length ? `releases: ${deployment.releases.map((r) => r.name).join(', ')}` : undefined,
    )
  }
  if (!unavailable && nothingFound(deployment)) {
    elsewhere ??= await releasesEverywhere(gateway)
    const found = elsewhere.releases.filter((r) => r.namespace !== namespace)
    const where = found.length
      ? `SigNoz releases found: ${found.map((r) => `${r.name} in ${r.namespace}`).join(', ')}`
      : elsewhere.error
        ? `other namespaces could not be searched (${elsewhere.error})`
        : 'no SigNoz release in any namespace'
    throw new UsageError(
      `no SigNoz in namespace ${namespace} of context ${gateway.context} (no SigNoz Helm release, ClickHouseInstallation or ClickHouse client there); ${where}`,
      found.length ? `pick the namespace with -n ${found[0]!.namespace}` : 'check --context and -n, or give ClickHouse with --clickhouse-url',
    )
  }
  return {
    gateway,
    contextName: gateway.context,
    unavailable,
    context: {
      deployment,
      podLog: (ns, pod, tail, options) => gateway.podLog(ns, pod, tail, options?.container, {previous: options?.previous}),
      fourLetterWord: async (ns, pod, port, word) => fourLetterWord('127.0.0.1', (await gateway.forward(ns, pod, port)).port, word, 3000),
    },
  }
}

/** The ClickHouse credentials the release's own components use (collector env, its Secret, or the values). */
export async function releaseCredentials(target: KubeTarget): Promise<{user?: string; password?: string}> {
  trace('credentials: reading')
  const d: SignozDeployment = target.context.deployment
  const client = d.clients.find((c) => c.component === 'otel-collector') ?? d.clients[0]
  const resolve = async (source: EnvSource | undefined): Promise<string | undefined> => {
    if (!source) return undefined
    if ('value' in source) return source.value
    const secret = await target.gateway.readSecret(d.namespace, source.secret).catch(() => undefined)
    const raw = (secret?.data as Record<string, string> | undefined)?.[source.key]
    return raw === undefined ? undefined : Buffer.from(raw, 'base64').toString('utf8')
  }
  const user = (await resolve(client?.user)) ?? (valueAt(d.values, 'clickhouse.user') as string | undefined)
  const password = (await resolve(client?.password)) ?? (valueAt(d.values, 'clickhouse.password') as string | undefined)
  return {user, password}
}

/**
 * One local port-forward per host of an installation (default: the serving one; another only its
 * ready hosts); endpoints named by pod. The pods' port-forward sessions open at once, while the
 * credentials (a promise, e.g. the release's Secret being read) arrive.
 */
export async function forwardedEndpoints(
  target: KubeTarget,
  credentials: {user: string; password: string} | Promise<{user: string; password: string}>,
  installation = target.context.deployment.active,
): Promise<ClickHouseEndpoint[]> {
  const d = target.context.deployment
  if (!installation) return []
  // The serving installation keeps every pod, so a host that is down is reported as such.
  const pods = installation === d.active ? installation.pods : installation.pods.filter(podReady)
  const forwards = Promise.all(
    pods.map(async (pod) => ({name: pod.metadata?.name ?? '', forwarded: await target.gateway.forward(d.namespace, pod.metadata?.name ?? '', 8123)})),
  )
  const [{user, password}, forwarded] = await Promise.all([credentials, forwards])
  // Several sockets per host: queries of one wave run at once, each a stream of the pod's one session.
  return forwarded.map(({name, forwarded: f}) => ({
    url: `http://127.0.0.1:${f.port}`,
    name,
    user,
    password,
    maxConnections: FORWARDED_CONNECTIONS,
    whyUnreachable: () => f.errors.at(-1),
  }))
}

/** Concurrent queries per forwarded host: enough for one wave of checks (their first queries). */
const FORWARDED_CONNECTIONS = 16
