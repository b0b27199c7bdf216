import {parseCron} from '../util/cron.js'
import {METRIC} from '../core/series.js'
import {doctorRules} from '../monitor/permissions.js'

/**
 * signoz-ha generate monitor: doctor inside the cluster with least privilege (a ServiceAccount,
 * a Role with exactly the reads doctor makes, the smallest ClusterRole), as a CronJob that exports
 * each run over OTLP or as a Deployment serving /metrics; and what watches its results: Prometheus
 * alert rules, the same alerts for SigNoz, a SigNoz dashboard. Pure: inputs in, documents out.
 */
export interface MonitorInputs {
  namespace: string
  release: string
  name: string
  mode: 'cronjob' | 'serve'
  schedule: string
  interval: string
  image: string
  /** OTLP/HTTP base URL the runs are sent to; none: no export (serve's /metrics only). */
  otlpEndpoint?: string
  version: string
}

type Doc = Record<string, unknown>

const labels = (i: MonitorInputs) => ({
  'app.kubernetes.io/name': 'signoz-ha',
  'app.kubernetes.io/instance': i.name,
  'app.kubernetes.io/component': 'monitor',
  'app.kubernetes.io/version': i.version,
})

/** A schedule the CronJob controller accepts (five fields, or an @ macro). */
export function validCronSchedule(schedule: string): boolean {
  try {
    parseCron(schedule)
    return true
  } catch {
    return false
  }
}

function podSpec(i: MonitorInputs, args: string[], serve: boolean): Doc {
  return {
    serviceAccountName: i.name,
    automountServiceAccountToken: true,
    ...(serve ? {} : {restartPolicy: 'Never'}),
    securityContext: {runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: {type: 'RuntimeDefault'}},
    containers: [
      {
        name: 'signoz-ha',
        image: i.image,
        imagePullPolicy: 'IfNotPresent',
        args,
        env: [
          // The executable unpacks itself here; the root filesystem stays read-only.
          {name: 'SIGNOZ_HA_CACHE_DIR', value: '/tmp/signoz-ha'},
          {name: 'NO_COLOR', value: '1'},
          ...(i.otlpEndpoint
            ? [
                {name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: i.otlpEndpoint},
                {name: 'OTEL_RESOURCE_ATTRIBUTES', value: `service.name=signoz-ha,k8s.namespace.name=${i.namespace},signoz.release=${i.release}`},
              ]
            : []),
        ],
        ...(serve
          ? {
              ports: [{name: 'metrics', containerPort: 9464, protocol: 'TCP'}],
              readinessProbe: {httpGet: {path: '/readyz', port: 'metrics'}, periodSeconds: 10},
              livenessProbe: {httpGet: {path: '/healthz', port: 'metrics'}, periodSeconds: 20},
            }
          : {}),
        resources: {requests: {cpu: '50m', memory: '128Mi'}, limits: {memory: '256Mi'}},
        securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: ['ALL']}},
        volumeMounts: [{name: 'tmp', mountPath: '/tmp'}],
      },
    ],
    volumes: [{name: 'tmp', emptyDir: {sizeLimit: '256Mi'}}],
  }
}

/** The Kubernetes objects, in the order kubectl apply should create them. */
export function monitorManifests(i: MonitorInputs): Doc[] {
  const meta = (name: string, namespaced = true) => ({name, ...(namespaced ? {namespace: i.namespace} : {}), labels: labels(i)})
  const {namespaced, cluster} = doctorRules()
  const target = ['--in-cluster', '-n', i.namespace, '--release', i.release]
  const exportArgs = i.otlpEndpoint ? ['--export', 'otlp'] : []
  const docs: Doc[] = [
    {apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(i.name)},
    {apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta(i.name), rules: namespaced},
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(i.name),
      roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: i.name},
      subjects: [{kind: 'ServiceAccount', name: i.name, namespace: i.namespace}],
    },
    // Cluster-scoped objects are named after the namespace too: one monitor per release namespace.
    {apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: meta(`${i.name}-${i.namespace}`, false), rules: cluster},
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: meta(`${i.name}-${i.namespace}`, false),
      roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `${i.name}-${i.namespace}`},
      subjects: [{kind: 'ServiceAccount', name: i.name, namespace: i.namespace}],
    },
  ]
  if (i.mode === 'cronjob') {
    docs.push({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: meta(i.name),
      spec: {
        schedule: i.schedule,
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 120,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: {labels: labels(i)},
          spec: {
            // Findings are not a failure of the Job (--fail-on none); a run that cannot complete is (exit 3).
            backoffLimit: 0,
            activeDeadlineSeconds: 240,
            ttlSecondsAfterFinished: 86_400,
            template: {metadata: {labels: labels(i)}, spec: podSpec(i, ['doctor', ...target, '--fail-on', 'none', '-o', 'line', ...exportArgs], false)},
          },
        },
      },
    })
  } else {
    docs.push(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta(i.name),
        spec: {
          replicas: 1,
          // Never two exporters at once: the old one stops before the new one starts.
          strategy: {type: 'Recreate'},
          selector: {matchLabels: {'app.kubernetes.io/instance': i.name, 'app.kubernetes.io/component': 'monitor'}},
          template: {metadata: {labels: labels(i)}, spec: podSpec(i, ['serve', ...target, '--listen', ':9464', '--interval', i.interval, ...exportArgs], true)},
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {...meta(i.name), annotations: {'prometheus.io/scrape': 'true', 'prometheus.io/port': '9464', 'prometheus.io/path': '/metrics'}},
        spec: {
          selector: {'app.kubernetes.io/instance': i.name, 'app.kubernetes.io/component': 'monitor'},
          ports: [{name: 'metrics', port: 9464, targetPort: 'metrics', protocol: 'TCP'}],
        },
      },
    )
  }
  return docs
}

/** One alert, for Prometheus and for SigNoz alike. */
interface AlertSpec {
  name: string
  expr: string
  forDuration: string
  severity: 'critical' | 'warning'
  summary: string
  description: string
}

/** What pages: the same expressions in both rule formats; the runbook command travels in the labels. */
export function monitorAlerts(staleAfterSeconds: number): AlertSpec[] {
  return [
    {
      name: 'SignozHaCriticalCheckFailing',
      expr: `max by (check, subject, runbook) (${METRIC.checkStatus}{severity="critical"}) == 1`,
      forDuration: '2m',
      severity: 'critical',
      summary: '{{ $labels.check }} fails on {{ $labels.subject }}',
      description: 'signoz-ha doctor finds {{ $labels.check }} failing on {{ $labels.subject }}. Next: signoz-ha runbook show {{ $labels.runbook }}',
    },
    {
      name: 'SignozHaWarningCheckFailing',
      expr: `max by (check, subject, runbook) (${METRIC.checkStatus}{severity="warning"}) == 1`,
      forDuration: '30m',
      severity: 'warning',
      summary: '{{ $labels.check }} fails on {{ $labels.subject }}',
      description:
        'signoz-ha doctor finds {{ $labels.check }} failing on {{ $labels.subject }} for 30 minutes. Next: signoz-ha runbook show {{ $labels.runbook }}',
    },
    {
      name: 'SignozHaCheckErrored',
      expr: `max by (check) (${METRIC.checkStatus}) == 2`,
      forDuration: '15m',
      severity: 'warning',
      summary: '{{ $labels.check }} cannot complete',
      description:
        'The check {{ $labels.check }} errors on every run: what it watches is not being watched. Run signoz-ha doctor --only {{ $labels.check }} to see why.',
    },
    {
      name: 'SignozHaNotReporting',
      expr: `time() - max(${METRIC.lastRun}) > ${staleAfterSeconds}`,
      forDuration: '5m',
      severity: 'warning',
      summary: 'signoz-ha has not finished a run for over ' + `${Math.round(staleAfterSeconds / 60)} minutes`,
      description: 'The monitor is down, cannot reach the API, or is not scraped: nothing is watching the SigNoz cluster.',
    },
    {
      name: 'SignozHaRunsFailing',
      expr: `increase(${METRIC.runErrors}[15m]) >= 3`,
      forDuration: '0m',
      severity: 'warning',
      summary: 'signoz-ha runs cannot complete',
      description:
        'Three or more runs in 15 minutes could not complete (the API or every ClickHouse host out of reach, or permissions missing). See the monitor log.',
    },
    {
      name: 'SignozHaPostureLow',
      expr: `min(${METRIC.postureScore}) < 70`,
      forDuration: '1h',
      severity: 'warning',
      summary: 'HA posture {{ $value }}/100',
      description:
        'The deployment would not survive the loss of a host, node, zone or Keeper member as it should. signoz-ha doctor --only helm/values-ha --only kube/replica-spread --only keeper/quorum says what is missing.',
    },
  ]
}

/** Prometheus rule file (promtool check rules validates it). */
export function prometheusRules(alerts: readonly AlertSpec[]): Doc {
  return {
    groups: [
      {
        name: 'signoz-ha',
        rules: alerts.map((a) => ({
          alert: a.name,
          expr: a.expr,
          ...(a.forDuration !== '0m' ? {for: a.forDuration} : {}),
          labels: {severity: a.severity, source: 'signoz-ha'},
          annotations: {summary: a.summary, description: a.description},
        })),
      },
    ],
  }
}

/** The same alerts as SigNoz alert rules (PromQL, schema v2alpha1): POST each to /api/v1/rules. */
export function signozAlertRules(alerts: readonly AlertSpec[]): Doc[] {
  return alerts.map((a) => {
    // SigNoz compares the query's value with a threshold: the comparison moves out of the expression.
    const m = /^(.*?)\s*(==|>=|>|<)\s*([\d.]+)$/.exec(a.expr)!
    const [query, op, target] = [m[1]!, m[2]!, Number(m[3])]
    const threshold = op === '==' ? {op: 'equal', target} : op === '<' ? {op: 'below', target} : {op: 'above', target: op === '>=' ? target - 0.5 : target}
    return {
      alert: a.name,
      alertType: 'METRIC_BASED_ALERT',
      ruleType: 'promql_rule',
      version: 'v5',
      schemaVersion: 'v2alpha1',
      description: a.description,
      labels: {severity: a.severity, source: 'signoz-ha'},
      annotations: {summary: a.summary, description: a.description},
      condition: {
        compositeQuery: {queryType: 'promql', panelType: 'graph', queries: [{type: 'promql', spec: {name: 'A', query, legend: ''}}]},
        selectedQueryName: 'A',
        thresholds: {kind: 'basic', spec: [{name: a.severity, target: threshold.target, op: threshold.op, matchType: 'all_the_times'}]},
      },
      evaluation: {kind: 'rolling', spec: {evalWindow: a.forDuration === '0m' ? '5m' : a.forDuration, frequency: '1m'}},
    }
  })
}

/** A SigNoz dashboard (Dashboards → New dashboard → Import JSON) over the exported series. */
export function signozDashboard(): Doc {
  const panel = (
    id: string,
    title: string,
    type: 'graph' | 'value' | 'table',
    query: string,
    legend: string,
    layout: {x: number; y: number; w: number; h: number},
  ) => ({
    widget: {
      id,
      title,
      description: '',
      panelTypes: type,
      isStacked: false,
      nullZeroValues: 'zero',
      opacity: '1',
      timePreferance: 'GLOBAL_TIME',
      query: {
        queryType: 'promql',
        promql: [{name: 'A', query, legend, disabled: false}],
        builder: {queryData: [], queryFormulas: []},
        clickhouse_sql: [],
        id: `${id}-query`,
      },
    },
    layout: {i: id, ...layout, moved: false, static: false},
  })
  const panels = [
    panel('posture', 'HA posture (0–100)', 'value', `min(${METRIC.postureScore})`, 'posture', {x: 0, y: 0, w: 3, h: 3}),
    panel('failing-critical', 'Critical checks failing', 'value', `sum(${METRIC.failingChecks}{severity="critical"})`, 'critical', {x: 3, y: 0, w: 3, h: 3}),
    panel('failing-warning', 'Warning checks failing', 'value', `sum(${METRIC.failingChecks}{severity="warning"})`, 'warning', {x: 6, y: 0, w: 3, h: 3}),
    panel('run-duration', 'Run duration (s)', 'graph', `max(${METRIC.runDuration})`, 'duration', {x: 9, y: 0, w: 3, h: 3}),
    panel('failing-subjects', 'Failing checks by subject', 'table', `max by (check, subject, runbook) (${METRIC.checkStatus}) == 1`, '{{check}} {{subject}}', {
      x: 0,
      y: 3,
      w: 12,
      h: 6,
    }),
    panel('failing-over-time', 'Failing checks over time', 'graph', `sum by (severity) (${METRIC.failingChecks})`, '{{severity}}', {x: 0, y: 9, w: 12, h: 5}),
  ]
  return {
    title: 'SigNoz HA (signoz-ha)',
    description: 'What signoz-ha doctor finds on the SigNoz cluster: posture, failing checks and where, run health.',
    tags: ['signoz-ha', 'clickhouse', 'ha'],
    version: 'v4',
    variables: {},
    layout: panels.map((p) => p.layout),
    widgets: panels.map((p) => p.widget),
  }
}
