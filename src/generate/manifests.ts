import {GENERATE_DEFAULTS, namesOf, type GenerateInputs} from './inputs.js'
import {clickhousePlacement} from './values.js'

type Manifest = Record<string, unknown> & {
  apiVersion: string
  kind: string
  metadata: {name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>}
}

const labels = (i: GenerateInputs, component: string) => ({
  'app.kubernetes.io/part-of': 'signoz',
  'app.kubernetes.io/instance': i.release,
  'app.kubernetes.io/component': component,
  'app.kubernetes.io/managed-by': 'signoz-ha',
})

/** The ClickHouse user the chart creates (the public SigNoz chart). */
const CLICKHOUSE_USER = 'admin'

/**
 * The ClickHouse cluster as a ClickHouseInstallation, for teams that run the Altinity operator
 * themselves (clickhouse.enabled=false in the chart, externalClickhouse pointing here). Same
 * layout, placement and storage as the values; the password comes from a Secret, never inline.
 */
export function clickhouseInstallation(i: GenerateInputs): Manifest {
  const n = namesOf(i)
  const placement = clickhousePlacement(i)
  return {
    apiVersion: 'clickhouse.altinity.com/v1',
    kind: 'ClickHouseInstallation',
    metadata: {name: n.chi, namespace: i.namespace, labels: labels(i, 'clickhouse')},
    spec: {
      defaults: {templates: {podTemplate: 'clickhouse', serviceTemplate: 'clickhouse', dataVolumeClaimTemplate: 'data'}},
      configuration: {
        zookeeper: {nodes: Array.from({length: i.keeper}, (_, k) => ({host: `${n.zookeeper}-${k}.${n.zookeeper}-headless.${i.namespace}.svc`, port: 2181}))},
        users: {
          [`${CLICKHOUSE_USER}/k8s_secret_password`]: `${i.namespace}/${n.passwordSecret}/password`,
          [`${CLICKHOUSE_USER}/networks/ip`]: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
          [`${CLICKHOUSE_USER}/profile`]: 'default',
        },
        clusters: [{name: i.cluster, layout: {shardsCount: i.shards, replicasCount: i.replicas}}],
      },
      templates: {
        podTemplates: [
          {
            name: 'clickhouse',
            podDistribution: placement.podDistribution,
            spec: {
              ...(placement.affinity ? {affinity: placement.affinity} : {}),
              topologySpreadConstraints: placement.topologySpreadConstraints,
              securityContext: {runAsUser: 101, runAsGroup: 101, fsGroup: 101},
              containers: [
                {
                  name: 'clickhouse',
                  image: `docker.io/clickhouse/clickhouse-server:${i.clickhouseImageTag}`,
                  ports: [
                    {name: 'http', containerPort: 8123},
                    {name: 'client', containerPort: 9000},
                    {name: 'interserver', containerPort: 9009},
                  ],
                  resources: {
                    requests: {cpu: GENERATE_DEFAULTS.clickhouseCpu, memory: GENERATE_DEFAULTS.clickhouseMemory},
                    limits: {memory: GENERATE_DEFAULTS.clickhouseMemory},
                  },
                  // Tables load before the server answers: liveness must not kill a slow start (catalogue #18).
                  startupProbe: {httpGet: {path: '/ping', port: 8123}, periodSeconds: 10, failureThreshold: 60},
                },
              ],
            },
          },
        ],
        serviceTemplates: [
          {
            name: 'clickhouse',
            generateName: n.service,
            spec: {
              type: 'ClusterIP',
              ports: [
                {name: 'http', port: 8123},
                {name: 'tcp', port: 9000},
              ],
            },
          },
        ],
        volumeClaimTemplates: [
          {
            name: 'data',
            reclaimPolicy: 'Retain',
            spec: {accessModes: ['ReadWriteOnce'], resources: {requests: {storage: i.storage}}, ...(i.storageClass ? {storageClassName: i.storageClass} : {})},
          },
        ],
      },
    },
  }
}

/**
 * The schema migration as a Job, as the chart runs it (the public SigNoz chart): ready, bootstrap,
 * sync up, then async up, with the cluster name and replication this topology needs, so a
 * distributed cluster never gets the single-node schema (the seed's first problem).
 */
export function schemaMigratorJob(i: GenerateInputs): Manifest {
  const n = namesOf(i)
  const image = 'docker.io/signoz/signoz-otel-collector:v0.144.5'
  const env = [
    {name: 'CLICKHOUSE_HOST', value: n.service},
    {name: 'CLICKHOUSE_PORT', value: '9000'},
    {name: 'CLICKHOUSE_USER', value: CLICKHOUSE_USER},
    {name: 'CLICKHOUSE_PASSWORD', valueFrom: {secretKeyRef: {name: n.passwordSecret, key: 'password'}}},
    {name: 'CLICKHOUSE_CLUSTER', value: i.cluster},
    {name: 'SIGNOZ_OTEL_COLLECTOR_CLICKHOUSE_DSN', value: 'tcp://$(CLICKHOUSE_USER):$(CLICKHOUSE_PASSWORD)@$(CLICKHOUSE_HOST):$(CLICKHOUSE_PORT)'},
    {name: 'SIGNOZ_OTEL_COLLECTOR_CLICKHOUSE_CLUSTER', value: i.cluster},
    {name: 'SIGNOZ_OTEL_COLLECTOR_CLICKHOUSE_REPLICATION', value: String(i.replicas > 1)},
    {name: 'SIGNOZ_OTEL_COLLECTOR_TIMEOUT', value: GENERATE_DEFAULTS.migratorTimeout},
  ]
  const step = (args: string[]) => ({name: args.slice(1).join('-'), image, args, env})
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {name: `${i.release}-schema-migrator`, namespace: i.namespace, labels: labels(i, 'schema-migrator')},
    spec: {
      backoffLimit: 3,
      template: {
        metadata: {labels: labels(i, 'schema-migrator')},
        spec: {
          restartPolicy: 'OnFailure',
          initContainers: [step(['migrate', 'ready']), step(['migrate', 'bootstrap']), step(['migrate', 'sync', 'up'])],
          containers: [step(['migrate', 'async', 'up'])],
        },
      },
    },
  }
}

/** The ingress for the cloud's load balancer, to the SigNoz UI and API (port 8080). */
export function ingress(i: GenerateInputs): Manifest | undefined {
  if (i.ingress === 'none' || !i.host) return undefined
  const n = namesOf(i)
  const annotations: Record<string, Record<string, string>> = {
    alb: {
      'alb.ingress.kubernetes.io/scheme': 'internal',
      'alb.ingress.kubernetes.io/target-type': 'ip',
      'alb.ingress.kubernetes.io/listen-ports': '[{"HTTP": 80}, {"HTTPS": 443}]',
      'alb.ingress.kubernetes.io/ssl-redirect': '443',
      'alb.ingress.kubernetes.io/healthcheck-path': '/api/v1/health',
    },
    gce: {'kubernetes.io/ingress.allow-http': 'false'},
    nginx: {'nginx.ingress.kubernetes.io/proxy-body-size': '16m', 'nginx.ingress.kubernetes.io/proxy-read-timeout': '300'},
  }
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {name: n.signoz, namespace: i.namespace, labels: labels(i, 'ingress'), annotations: annotations[i.ingress]!},
    spec: {
      ingressClassName: i.ingress,
      tls: [{hosts: [i.host], secretName: `${n.signoz}-tls`}],
      rules: [{host: i.host, http: {paths: [{path: '/', pathType: 'Prefix', backend: {service: {name: n.signoz, port: {number: 8080}}}}]}}],
    },
  }
}

/** Node metrics from every node to the SigNoz collectors: ServiceAccount, ConfigMap and DaemonSet. */
export function hostmetrics(i: GenerateInputs): Manifest[] {
  const n = namesOf(i)
  const name = `${i.release}-hostmetrics`
  const config = {
    receivers: {
      hostmetrics: {
        collection_interval: '30s',
        root_path: '/hostfs',
        scrapers: {cpu: {}, load: {}, memory: {}, disk: {}, filesystem: {}, network: {}, paging: {}, processes: {}},
      },
    },
    processors: {
      batch: {send_batch_size: 1000, timeout: '10s'},
      resourcedetection: {detectors: ['env', 'system'], system: {hostname_sources: ['os']}},
    },
    exporters: {otlp: {endpoint: `${n.collector}.${i.namespace}.svc.cluster.local:4317`, tls: {insecure: true}}},
    service: {pipelines: {metrics: {receivers: ['hostmetrics'], processors: ['resourcedetection', 'batch'], exporters: ['otlp']}}},
  }
  const meta = {name, namespace: i.namespace, labels: labels(i, 'hostmetrics')}
  return [
    {apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta},
    {apiVersion: 'v1', kind: 'ConfigMap', metadata: meta, data: {'config.yaml': JSON.stringify(config, null, 2)}},
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: meta,
      spec: {
        selector: {matchLabels: {'app.kubernetes.io/instance': i.release, 'app.kubernetes.io/component': 'hostmetrics'}},
        updateStrategy: {type: 'RollingUpdate', rollingUpdate: {maxUnavailable: 1}},
        template: {
          metadata: {labels: labels(i, 'hostmetrics')},
          spec: {
            serviceAccountName: name,
            // Every node, the tainted ones included: their disks fill up too.
            tolerations: [{operator: 'Exists'}],
            containers: [
              {
                name: 'collector',
                image: GENERATE_DEFAULTS.hostmetricsImage,
                args: ['--config=/conf/config.yaml'],
                env: [
                  {name: 'OTEL_RESOURCE_ATTRIBUTES', value: 'k8s.node.name=$(K8S_NODE_NAME)'},
                  {name: 'K8S_NODE_NAME', valueFrom: {fieldRef: {fieldPath: 'spec.nodeName'}}},
                ],
                resources: {requests: {cpu: '50m', memory: '100Mi'}, limits: {memory: '250Mi'}},
                volumeMounts: [
                  {name: 'config', mountPath: '/conf'},
                  {name: 'hostfs', mountPath: '/hostfs', readOnly: true, mountPropagation: 'HostToContainer'},
                ],
              },
            ],
            volumes: [
              {name: 'config', configMap: {name}},
              {name: 'hostfs', hostPath: {path: '/'}},
            ],
          },
        },
      },
    },
  ]
}
