import type {PrinterColumn, ResourceKind} from './resources.js'
import type {KubeObject} from './store.js'

/**
 * Server-side printing, as `kubectl get` asks for it (`Accept: application/json;as=Table;…`):
 * the columns and cells the real API server's printers produce for each kind, the CRD's
 * additionalPrinterColumns for custom resources, Name and Created At for the rest. Cells of
 * every priority are sent; kubectl shows the priority-1 ones with `-o wide`.
 */
export interface TableColumn {
  name: string
  type: string
  format: string
  description: string
  priority: number
}

type Cell = string | number | boolean | null
type Printer = {columns: TableColumn[]; cells(obj: any, now: number): Cell[]}

const col = (name: string, type = 'string', priority = 0, description = ''): TableColumn => ({
  name,
  type,
  format: name === 'Name' ? 'name' : '',
  description,
  priority,
})
const NAME = col('Name', 'string', 0, 'Name must be unique within a namespace.')
const AGE = col('Age', 'string', 0, 'CreationTimestamp is a timestamp representing the server time when this object was created.')
const templateColumns = [col('Containers', 'string', 1), col('Images', 'string', 1)]

/** k8s.io/apimachinery's HumanDuration: the AGE column's "45s", "3m20s", "5h2m", "12d". */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000)
  if (seconds < -1) return '<invalid>'
  if (seconds < 0) return '0s'
  if (seconds < 120) return `${seconds}s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`
  if (minutes < 180) return `${minutes}m`
  const hours = Math.floor(minutes / 60)
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`
  if (hours < 48) return `${hours}h`
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`
  const years = Math.floor(hours / 24 / 365)
  const days = Math.floor(hours / 24) % 365
  if (hours < 24 * 365 * 8) return days === 0 ? `${years}y` : `${years}y${days}d`
  return `${years}y`
}

const since = (timestamp: string | undefined, now: number): string => (timestamp ? humanDuration(now - Date.parse(timestamp)) : '<unknown>')
const age = (obj: KubeObject, now: number) => since(obj.metadata.creationTimestamp, now)
const orNone = (value: string | undefined) => (value ? value : '<none>')

function formatLabels(labels: Record<string, string> | undefined): string {
  const pairs = Object.entries(labels ?? {}).sort(([a], [b]) => a.localeCompare(b))
  return pairs.length ? pairs.map(([k, v]) => `${k}=${v}`).join(',') : '<none>'
}

function formatSelector(
  selector: {matchLabels?: Record<string, string>; matchExpressions?: {key: string; operator: string; values?: string[]}[]} | undefined,
): string {
  if (!selector) return '<none>'
  const terms = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`)
  for (const e of selector.matchExpressions ?? []) {
    const op = e.operator === 'In' ? 'in' : e.operator === 'NotIn' ? 'notin' : ''
    terms.push(e.operator === 'Exists' ? e.key : e.operator === 'DoesNotExist' ? `!${e.key}` : `${e.key} ${op} (${(e.values ?? []).join(',')})`)
  }
  return terms.length ? terms.join(',') : '<none>'
}

function containerCells(containers: {name: string; image?: string}[] | undefined): [string, string] {
  const list = containers ?? []
  return [list.map((c) => c.name).join(','), list.map((c) => c.image ?? '').join(',')]
}

const accessModes = (modes: string[] | undefined): string =>
  (modes ?? []).map((m) => ({ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP'})[m] ?? m).join(',')

interface ContainerStatus {
  name: string
  ready?: boolean
  restartCount?: number
  state?: {waiting?: {reason?: string}; running?: object; terminated?: {reason?: string; exitCode?: number; signal?: number}}
  lastState?: {terminated?: {finishedAt?: string}}
}

/** The pod's STATUS as kubectl users know it: the waiting or terminated reason of a container, else the phase. */
export function podStatusReason(pod: any): string {
  const status = pod.status ?? {}
  let reason: string = status.reason || status.phase || 'Pending'
  if ((status.conditions ?? []).some((c: {type: string; reason?: string}) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated'))
    reason = 'SchedulingGated'
  const inits: ContainerStatus[] = status.initContainerStatuses ?? []
  let initializing = false
  for (const [i, c] of inits.entries()) {
    if (c.state?.terminated && c.state.terminated.exitCode === 0) continue
    initializing = true
    if (c.state?.terminated)
      reason = c.state.terminated.reason
        ? `Init:${c.state.terminated.reason}`
        : c.state.terminated.signal
          ? `Init:Signal:${c.state.terminated.signal}`
          : `Init:ExitCode:${c.state.terminated.exitCode}`
    else if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing') reason = `Init:${c.state.waiting.reason}`
    else reason = `Init:${i}/${(pod.spec?.initContainers ?? []).length}`
    break
  }
  const initialized = (status.conditions ?? []).some((c: {type: string; status: string}) => c.type === 'Initialized' && c.status === 'True')
  if (!initializing || initialized) {
    let hasRunning = false
    const containers: ContainerStatus[] = status.containerStatuses ?? []
    for (const c of [...containers].reverse()) {
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason
      else if (c.state?.terminated?.reason) reason = c.state.terminated.reason
      else if (c.state?.terminated) reason = c.state.terminated.signal ? `Signal:${c.state.terminated.signal}` : `ExitCode:${c.state.terminated.exitCode}`
      else if (c.ready && c.state?.running) hasRunning = true
    }
    if (reason === 'Completed' && hasRunning)
      reason = (status.conditions ?? []).some((c: {type: string; status: string}) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady'
  }
  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown'
  else if (pod.metadata.deletionTimestamp && !['Succeeded', 'Failed'].includes(status.phase)) reason = 'Terminating'
  return reason
}

function podCells(pod: any, now: number): Cell[] {
  const containers: ContainerStatus[] = pod.status?.containerStatuses ?? []
  const ready = containers.filter((c) => c.ready && c.state?.running).length
  // RESTARTS counts init containers' restarts too, as kubectl's printer does.
  const all: ContainerStatus[] = [...(pod.status?.initContainerStatuses ?? []), ...containers]
  const restarts = all.reduce((sum, c) => sum + (c.restartCount ?? 0), 0)
  const lastRestart = all
    .map((c) => c.lastState?.terminated?.finishedAt)
    .filter((t): t is string => Boolean(t))
    .sort()
    .pop()
  const gates: {conditionType: string}[] = pod.spec?.readinessGates ?? []
  const gatesTrue = gates.filter((g) =>
    (pod.status?.conditions ?? []).some((c: {type: string; status: string}) => c.type === g.conditionType && c.status === 'True'),
  ).length
  return [
    pod.metadata.name,
    `${ready}/${(pod.spec?.containers ?? []).length}`,
    podStatusReason(pod),
    restarts && lastRestart ? `${restarts} (${since(lastRestart, now)} ago)` : String(restarts),
    age(pod, now),
    orNone(pod.status?.podIPs?.[0]?.ip ?? pod.status?.podIP),
    orNone(pod.spec?.nodeName),
    orNone(pod.status?.nominatedNodeName),
    gates.length ? `${gatesTrue}/${gates.length}` : '<none>',
  ]
}

function servicePorts(ports: {port: number; protocol?: string; nodePort?: number}[] | undefined): string {
  const list = (ports ?? []).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`)
  return list.length ? list.join(',') : '<none>'
}

function externalIp(spec: any, status: any): string {
  const ips: string[] = spec?.externalIPs ?? []
  switch (spec?.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return ips.length ? ips.join(',') : '<none>'
    case 'LoadBalancer': {
      const lb = (status?.loadBalancer?.ingress ?? []).map((i: {ip?: string; hostname?: string}) => i.ip || i.hostname).filter(Boolean)
      const all = [...lb, ...ips]
      return all.length ? all.join(',') : '<pending>'
    }
    case 'ExternalName':
      return spec.externalName
    default:
      return '<unknown>'
  }
}

function endpointsCell(subsets: {addresses?: {ip: string}[]; ports?: {port: number}[]}[] | undefined): string {
  const all: string[] = []
  for (const s of subsets ?? []) {
    for (const a of s.addresses ?? []) {
      if (!s.ports?.length) all.push(a.ip)
      for (const p of s.ports ?? []) all.push(`${a.ip}:${p.port}`)
    }
  }
  if (all.length === 0) return '<none>'
  return all.length > 3 ? `${all.slice(0, 3).join(',')} + ${all.length - 3} more...` : all.join(',')
}

function nodeStatus(node: any): string {
  const ready = (node.status?.conditions ?? []).find((c: {type: string}) => c.type === 'Ready')
  const parts = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown']
  if (node.spec?.unschedulable) parts.push('SchedulingDisabled')
  return parts.join(',')
}

function nodeRoles(labels: Record<string, string> | undefined): string {
  const roles = new Set<string>()
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) roles.add(k.slice('node-role.kubernetes.io/'.length))
    else if (k === 'kubernetes.io/role' && v) roles.add(v)
  }
  return roles.size ? [...roles].sort().join(',') : '<none>'
}

function jobStatus(job: any): string {
  const has = (type: string) => (job.status?.conditions ?? []).some((c: {type: string; status: string}) => c.type === type && c.status === 'True')
  if (has('Complete')) return 'Complete'
  if (has('Failed')) return 'Failed'
  if (job.metadata.deletionTimestamp) return 'Terminating'
  if (has('Suspended')) return 'Suspended'
  if (has('FailureTarget')) return 'FailureTarget'
  return 'Running'
}

function jobDuration(job: any, now: number): string {
  const start = job.status?.startTime
  if (!start) return ''
  const end = job.status?.completionTime ? Date.parse(job.status.completionTime) : now
  return humanDuration(end - Date.parse(start))
}

const printers: Record<string, Printer> = {
  Pod: {
    columns: [
      NAME,
      col('Ready'),
      col('Status'),
      col('Restarts'),
      AGE,
      col('IP', 'string', 1),
      col('Node', 'string', 1),
      col('Nominated Node', 'string', 1),
      col('Readiness Gates', 'string', 1),
    ],
    cells: podCells,
  },
  Deployment: {
    columns: [NAME, col('Ready'), col('Up-to-date'), col('Available'), AGE, ...templateColumns, col('Selector', 'string', 1)],
    cells: (d, now) => [
      d.metadata.name,
      `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 1}`,
      d.status?.updatedReplicas ?? 0,
      d.status?.availableReplicas ?? 0,
      age(d, now),
      ...containerCells(d.spec?.template?.spec?.containers),
      formatSelector(d.spec?.selector),
    ],
  },
  StatefulSet: {
    columns: [NAME, col('Ready'), AGE, ...templateColumns],
    cells: (s, now) => [
      s.metadata.name,
      `${s.status?.readyReplicas ?? 0}/${s.spec?.replicas ?? 1}`,
      age(s, now),
      ...containerCells(s.spec?.template?.spec?.containers),
    ],
  },
  ReplicaSet: {
    columns: [NAME, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), AGE, ...templateColumns, col('Selector', 'string', 1)],
    cells: (r, now) => [
      r.metadata.name,
      r.spec?.replicas ?? 1,
      r.status?.replicas ?? 0,
      r.status?.readyReplicas ?? 0,
      age(r, now),
      ...containerCells(r.spec?.template?.spec?.containers),
      formatSelector(r.spec?.selector),
    ],
  },
  DaemonSet: {
    columns: [
      NAME,
      col('Desired', 'integer'),
      col('Current', 'integer'),
      col('Ready', 'integer'),
      col('Up-to-date', 'integer'),
      col('Available', 'integer'),
      col('Node Selector'),
      AGE,
      ...templateColumns,
      col('Selector', 'string', 1),
    ],
    cells: (d, now) => [
      d.metadata.name,
      d.status?.desiredNumberScheduled ?? 0,
      d.status?.currentNumberScheduled ?? 0,
      d.status?.numberReady ?? 0,
      d.status?.updatedNumberScheduled ?? 0,
      d.status?.numberAvailable ?? 0,
      formatLabels(d.spec?.template?.spec?.nodeSelector),
      age(d, now),
      ...containerCells(d.spec?.template?.spec?.containers),
      formatSelector(d.spec?.selector),
    ],
  },
  Job: {
    columns: [NAME, col('Status'), col('Completions'), col('Duration'), AGE, ...templateColumns, col('Selector', 'string', 1)],
    cells: (j, now) => {
      const parallelism = j.spec?.parallelism ?? 0
      const completions =
        j.spec?.completions !== undefined
          ? `${j.status?.succeeded ?? 0}/${j.spec.completions}`
          : parallelism > 1
            ? `${j.status?.succeeded ?? 0}/1 of ${parallelism}`
            : `${j.status?.succeeded ?? 0}/1`
      return [
        j.metadata.name,
        jobStatus(j),
        completions,
        jobDuration(j, now),
        age(j, now),
        ...containerCells(j.spec?.template?.spec?.containers),
        formatSelector(j.spec?.selector),
      ]
    },
  },
  CronJob: {
    columns: [
      NAME,
      col('Schedule'),
      col('Timezone'),
      col('Suspend', 'boolean'),
      col('Active', 'integer'),
      col('Last Schedule'),
      AGE,
      ...templateColumns,
      col('Selector', 'string', 1),
    ],
    cells: (c, now) => [
      c.metadata.name,
      c.spec?.schedule ?? '',
      c.spec?.timeZone ?? '<none>',
      c.spec?.suspend === undefined ? '<unset>' : c.spec.suspend ? 'True' : 'False',
      (c.status?.active ?? []).length,
      c.status?.lastScheduleTime ? since(c.status.lastScheduleTime, now) : '<none>',
      age(c, now),
      ...containerCells(c.spec?.jobTemplate?.spec?.template?.spec?.containers),
      formatSelector(c.spec?.jobTemplate?.spec?.selector),
    ],
  },
  Service: {
    columns: [NAME, col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), AGE, col('Selector', 'string', 1)],
    cells: (s, now) => [
      s.metadata.name,
      s.spec?.type ?? 'ClusterIP',
      s.spec?.clusterIP || '<none>',
      externalIp(s.spec, s.status),
      servicePorts(s.spec?.ports),
      age(s, now),
      formatLabels(s.spec?.selector),
    ],
  },
  Endpoints: {
    columns: [NAME, col('Endpoints'), AGE],
    cells: (e, now) => [e.metadata.name, endpointsCell(e.subsets), age(e, now)],
  },
  PersistentVolumeClaim: {
    columns: [
      NAME,
      col('Status'),
      col('Volume'),
      col('Capacity'),
      col('Access Modes'),
      col('StorageClass'),
      col('VolumeAttributesClass'),
      AGE,
      col('VolumeMode', 'string', 1),
    ],
    cells: (c, now) => {
      const bound = c.spec?.volumeName
      return [
        c.metadata.name,
        c.metadata.deletionTimestamp ? 'Terminating' : (c.status?.phase ?? 'Pending'),
        bound ?? '',
        bound ? (c.status?.capacity?.storage ?? '') : '',
        bound ? accessModes(c.status?.accessModes) : '',
        c.spec?.storageClassName ?? '',
        c.spec?.volumeAttributesClassName ?? '<unset>',
        age(c, now),
        c.spec?.volumeMode ?? 'Filesystem',
      ]
    },
  },
  PersistentVolume: {
    columns: [
      NAME,
      col('Capacity'),
      col('Access Modes'),
      col('Reclaim Policy'),
      col('Status'),
      col('Claim'),
      col('StorageClass'),
      col('VolumeAttributesClass'),
      col('Reason'),
      AGE,
      col('VolumeMode', 'string', 1),
    ],
    cells: (v, now) => [
      v.metadata.name,
      v.spec?.capacity?.storage ?? '',
      accessModes(v.spec?.accessModes),
      v.spec?.persistentVolumeReclaimPolicy ?? '',
      v.metadata.deletionTimestamp ? 'Terminating' : (v.status?.phase ?? ''),
      v.spec?.claimRef ? `${v.spec.claimRef.namespace}/${v.spec.claimRef.name}` : '',
      v.spec?.storageClassName ?? '',
      v.spec?.volumeAttributesClassName ?? '<unset>',
      v.status?.reason ?? '',
      age(v, now),
      v.spec?.volumeMode ?? 'Filesystem',
    ],
  },
  Node: {
    columns: [
      NAME,
      col('Status'),
      col('Roles'),
      AGE,
      col('Version'),
      col('Internal-IP', 'string', 1),
      col('External-IP', 'string', 1),
      col('OS-Image', 'string', 1),
      col('Kernel-Version', 'string', 1),
      col('Container-Runtime', 'string', 1),
    ],
    cells: (n, now) => {
      const address = (type: string) => orNone((n.status?.addresses ?? []).find((a: {type: string}) => a.type === type)?.address)
      const info = n.status?.nodeInfo ?? {}
      return [
        n.metadata.name,
        nodeStatus(n),
        nodeRoles(n.metadata.labels),
        age(n, now),
        info.kubeletVersion ?? '',
        address('InternalIP'),
        address('ExternalIP'),
        orNone(info.osImage),
        orNone(info.kernelVersion),
        orNone(info.containerRuntimeVersion),
      ]
    },
  },
  Event: {
    columns: [
      col('Last Seen'),
      col('Type'),
      col('Reason'),
      col('Object'),
      col('Subobject', 'string', 1),
      col('Source', 'string', 1),
      col('Message'),
      col('First Seen', 'string', 1),
      col('Count', 'string', 1),
      {...NAME, priority: 1},
    ],
    cells: (e, now) => {
      const first = since(e.firstTimestamp ?? e.eventTime, now)
      const last = e.lastTimestamp ? since(e.lastTimestamp, now) : first
      const involved = e.involvedObject ?? {}
      const target = involved.name ? `${String(involved.kind ?? '').toLowerCase()}/${involved.name}` : String(involved.kind ?? '').toLowerCase()
      const source = [e.source?.component ?? e.reportingComponent, e.source?.host ?? e.reportingInstance].filter(Boolean).join(', ')
      return [
        last,
        e.type ?? '',
        e.reason ?? '',
        target,
        involved.fieldPath ?? '',
        source,
        String(e.message ?? '').trim(),
        first,
        e.count || 1,
        e.metadata.name,
      ]
    },
  },
  Namespace: {
    columns: [NAME, col('Status'), AGE],
    cells: (n, now) => [n.metadata.name, n.metadata.deletionTimestamp ? 'Terminating' : (n.status?.phase ?? 'Active'), age(n, now)],
  },
  ConfigMap: {
    columns: [NAME, col('Data', 'integer'), AGE],
    cells: (c, now) => [c.metadata.name, Object.keys(c.data ?? {}).length + Object.keys(c.binaryData ?? {}).length, age(c, now)],
  },
  Secret: {
    columns: [NAME, col('Type'), col('Data', 'integer'), AGE],
    cells: (s, now) => [s.metadata.name, s.type ?? 'Opaque', Object.keys(s.data ?? {}).length, age(s, now)],
  },
  ServiceAccount: {
    columns: [NAME, col('Secrets', 'integer'), AGE],
    cells: (s, now) => [s.metadata.name, (s.secrets ?? []).length, age(s, now)],
  },
  Lease: {
    columns: [NAME, col('Holder'), AGE],
    cells: (l, now) => [l.metadata.name, l.spec?.holderIdentity ?? '', age(l, now)],
  },
  PodDisruptionBudget: {
    columns: [NAME, col('Min Available'), col('Max Unavailable'), col('Allowed Disruptions', 'integer'), AGE],
    cells: (p, now) => [
      p.metadata.name,
      p.spec?.minAvailable !== undefined ? String(p.spec.minAvailable) : 'N/A',
      p.spec?.maxUnavailable !== undefined ? String(p.spec.maxUnavailable) : 'N/A',
      p.status?.disruptionsAllowed ?? 0,
      age(p, now),
    ],
  },
  StorageClass: {
    columns: [NAME, col('Provisioner'), col('ReclaimPolicy'), col('VolumeBindingMode'), col('AllowVolumeExpansion'), AGE],
    cells: (s, now) => [
      s.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true' ? `${s.metadata.name} (default)` : s.metadata.name,
      s.provisioner ?? '',
      s.reclaimPolicy ?? 'Delete',
      s.volumeBindingMode ?? 'Immediate',
      s.allowVolumeExpansion ? 'true' : 'false',
      age(s, now),
    ],
  },
  Ingress: {
    columns: [NAME, col('Class'), col('Hosts'), col('Address'), col('Ports'), AGE],
    cells: (i, now) => {
      const hosts = (i.spec?.rules ?? []).map((r: {host?: string}) => r.host).filter(Boolean)
      const address = (i.status?.loadBalancer?.ingress ?? []).map((x: {ip?: string; hostname?: string}) => x.ip || x.hostname).filter(Boolean)
      return [
        i.metadata.name,
        i.spec?.ingressClassName ?? '<none>',
        hosts.length ? hosts.join(',') : '*',
        address.join(','),
        i.spec?.tls?.length ? '80, 443' : '80',
        age(i, now),
      ]
    },
  },
  RoleBinding: {
    columns: [NAME, col('Role'), AGE, col('Users', 'string', 1), col('Groups', 'string', 1), col('ServiceAccounts', 'string', 1)],
    cells: bindingCells,
  },
  ClusterRoleBinding: {
    columns: [NAME, col('Role'), AGE, col('Users', 'string', 1), col('Groups', 'string', 1), col('ServiceAccounts', 'string', 1)],
    cells: bindingCells,
  },
}

function bindingCells(b: any, now: number): Cell[] {
  const subjects: {kind: string; name: string; namespace?: string}[] = b.subjects ?? []
  const of = (kind: string) =>
    subjects
      .filter((s) => s.kind === kind)
      .map((s) => (kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name}` : s.name))
      .join(', ')
  return [b.metadata.name, `${b.roleRef?.kind ?? ''}/${b.roleRef?.name ?? ''}`, age(b, now), of('User'), of('Group'), of('ServiceAccount')]
}

/** Name and Created At: the table the server gives a kind without printers (Roles and CRDs among them). */
const DEFAULT_PRINTER: Printer = {
  columns: [NAME, {...col('Created At', 'date'), description: 'CreationTimestamp is a timestamp representing the server time when this object was created.'}],
  cells: (o) => [o.metadata.name, o.metadata.creationTimestamp ?? null],
}

/** A simple JSONPath of a printer column (`.status.hosts`, `.spec.a.b`, `.metadata.labels.x`). */
function readPath(obj: unknown, path: string): unknown {
  let value: unknown = obj
  for (const part of path
    .replace(/^\{?\.?/, '')
    .replace(/\}$/, '')
    .split(/\.(?![^[]*\])/)
    .filter(Boolean)) {
    const indexed = /^(.*)\[(\d+)\]$/.exec(part)
    const key = (indexed ? indexed[1]! : part).replace(/\\\./g, '.')
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined
    if (indexed) value = Array.isArray(value) ? value[Number(indexed[2])] : undefined
  }
  return value
}

/** A custom resource's table: Name, then the CRD's additionalPrinterColumns (Age when it has none). */
function crdPrinter(columns: PrinterColumn[] | undefined): Printer {
  const defined = columns?.length ? columns : [{name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp'}]
  return {
    columns: [NAME, ...defined.map((c) => ({name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0}))],
    cells: (o, now) => [
      o.metadata.name,
      ...defined.map((c): Cell => {
        const value = readPath(o, c.jsonPath)
        if (value === undefined || value === null) return null
        if (c.type === 'date' && typeof value === 'string') return since(value, now)
        if (typeof value === 'object') return JSON.stringify(value)
        return value as Cell
      }),
    ],
  }
}

function printerFor(kind: ResourceKind): Printer {
  if (kind.crd) return crdPrinter(kind.printerColumns)
  return printers[kind.kind] ?? DEFAULT_PRINTER
}

/** How much of each object goes in its row, as the includeObject parameter asks (default: its metadata). */
export type IncludeObject = 'None' | 'Metadata' | 'Object'

function rowObject(obj: KubeObject, include: IncludeObject, tableVersion: string): unknown {
  if (include === 'None') return undefined
  if (include === 'Object') return obj
  return {kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${tableVersion}`, metadata: obj.metadata}
}

export function toTable(
  kind: ResourceKind,
  objects: readonly KubeObject[],
  options: {resourceVersion?: string; include?: IncludeObject; version?: string; headers?: boolean; continue?: string; remainingItemCount?: number} = {},
): Record<string, unknown> {
  const printer = printerFor(kind)
  const now = Date.now()
  const version = options.version ?? 'v1'
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${version}`,
    metadata: {
      ...(options.resourceVersion ? {resourceVersion: options.resourceVersion} : {}),
      ...(options.continue ? {continue: options.continue, remainingItemCount: options.remainingItemCount} : {}),
    },
    columnDefinitions: options.headers === false ? [] : printer.columns,
    rows: objects.map((o) => {
      const object = rowObject(o, options.include ?? 'Metadata', version)
      return {cells: printer.cells(o, now), ...(object ? {object} : {})}
    }),
  }
}

/** The Table version an Accept header asks for (as=Table;g=meta.k8s.io), or undefined for a plain answer. */
export function wantsTable(accept: string | undefined): string | undefined {
  for (const part of (accept ?? '').split(',')) {
    const params = new Map(
      part
        .split(';')
        .slice(1)
        .map((p) => p.trim().split('=') as [string, string]),
    )
    if (params.get('as') === 'Table' && params.get('g') === 'meta.k8s.io') return params.get('v') ?? 'v1'
  }
  return undefined
}
