import {stringify} from 'yaml'
import {SIGNALS} from '../signoz/storage-plan.js'
import {CLOUD_DEFAULTS, namesOf, type GenerateInputs} from './inputs.js'
import {clickhouseInstallation, hostmetrics, ingress, schemaMigratorJob} from './manifests.js'
import {productionValues, valuesHeader} from './values.js'

export interface GeneratedFile {
  path: string
  /** What it is, one line (the README's table and the command's output). */
  purpose: string
  content: string
}

const comment = (text: string) =>
  text
    .split('\n')
    .map((l) => `# ${l}`.trimEnd())
    .join('\n')
const yamlDocs = (docs: readonly object[]) => docs.map((d) => stringify(d, {lineWidth: 0})).join('---\n')

/** The storage plan the files were sized with: what `values lint --plan` checks the size against. */
function storagePlanFile(i: GenerateInputs): string | undefined {
  if (!i.plan) return undefined
  const {ingestGbPerDay, share, compressionRatio, headroomPercent} = i.plan.inputs
  return `${comment('Inputs of the storage sizing (signoz-ha storage plan): signoz-ha values lint values.yaml --plan storage-plan.yaml')}\n${stringify({ingestGbPerDay, share, retentionDays: i.retentionDays, compressionRatio, headroomPercent})}`
}

function readme(i: GenerateInputs, files: readonly GeneratedFile[]): string {
  const n = namesOf(i)
  const ns = `-n ${i.namespace}`
  return `# SigNoz HA for ${i.release} (${i.namespace})

Written by \`signoz-ha generate\`. ${i.shards} shard(s) × ${i.replicas} replicas of ClickHouse, ${i.keeper} ZooKeeper members,
${i.storage} per replica${i.storageClass ? ` on \`${i.storageClass}\`` : ''}, cloud \`${i.cloud}\` (${CLOUD_DEFAULTS[i.cloud].note}).

| file | what |
|---|---|
${files.map((f) => `| \`${f.path}\` | ${f.purpose} |`).join('\n')}

## Install with the SigNoz chart

\`\`\`sh
signoz-ha values lint values.yaml${i.plan ? ' --plan storage-plan.yaml' : ''}
kubectl create namespace ${i.namespace}
# The ClickHouse password lives in your secret store, never in values.yaml:
kubectl ${ns} create secret generic ${n.passwordSecret} --from-literal=password="$(openssl rand -hex 24)"
helm repo add signoz https://charts.signoz.io && helm repo update
# --set-file reads it from a pipe: the password never appears on a command line.
helm ${ns} upgrade --install ${i.release} signoz/signoz -f values.yaml \\
  --set-file clickhouse.password=<(kubectl ${ns} get secret ${n.passwordSecret} -o jsonpath='{.data.password}' | base64 -d)
${files.some((f) => f.path === 'ingress.yaml') ? `kubectl ${ns} apply -f ingress.yaml         # TLS: a certificate in Secret ${n.signoz}-tls${i.ingress === 'alb' ? ' (or an ACM certificate annotation)' : ''}\n` : ''}kubectl ${ns} apply -f hostmetrics-daemonset.yaml
signoz-ha doctor ${ns} --release ${i.release}
\`\`\`

Keep \`values.yaml\` with your other values: \`clickhouse.fullnameOverride: ${n.chi}\` pins the installation name, so a
later upgrade, rename or reinstall cannot create a second ClickHouse installation. Upgrade with
\`signoz-ha upgrade --safe\`, which checks exactly that before Helm runs.

## Retention

SigNoz sets retention through its API (it runs \`ALTER TABLE … MODIFY TTL\` on the cluster), not through Helm values. With an
admin API key, in the UI (Settings → General) or:

\`\`\`sh
${SIGNALS.map((s) => `curl -X POST -H "SIGNOZ-API-KEY: $KEY" "https://${i.host ?? '<signoz>'}/api/v1/settings/ttl?type=${s}&duration=${i.retentionDays[s] * 24}h"`).join('\n')}
\`\`\`

\`signoz-ha doctor --only signoz/retention\` shows the TTL each table really has on every host.
${
  i.plan
    ? `
## Storage

Sized by \`signoz-ha storage plan\` from ${i.plan.inputs.ingestGbPerDay} GB/day: each replica keeps ${i.plan.replicaDataGb} GB at steady state and
needs ${i.plan.replicaDiskGb} GB with ${i.plan.inputs.headroomPercent}% free for merges; ${i.plan.totalDiskGb} GB over all ${i.shards * i.replicas} replicas.
`
    : `
## Storage

${i.storageSource === 'default' ? `${i.storage} per replica is a default, not a plan: size it with \`signoz-ha storage plan --ingest-gb-per-day N\`.` : `${i.storage} per replica, as given.`}
`
}
## Running the ClickHouse operator yourself

\`clickhouse-installation.yaml\` is the same cluster as a ClickHouseInstallation (set \`clickhouse.enabled: false\` and
\`externalClickhouse.host: ${n.service}\` in the chart). After applying it, run \`schema-migrator-job.yaml\`: it creates the
SigNoz schema with cluster \`${i.cluster}\` and replication ${i.replicas > 1 ? 'on' : 'off'}, as this layout needs.
`
}

/** Every file of a generated configuration, rendered; pure (the command writes them). */
export function generateFiles(i: GenerateInputs): GeneratedFile[] {
  const files: GeneratedFile[] = [
    {
      path: 'values.yaml',
      purpose: 'values for the SigNoz chart: layout, pinned name, replication, Keeper quorum and budget, placement, storage, resources',
      content: `${comment(valuesHeader(i))}\n${stringify(productionValues(i), {lineWidth: 0})}`,
    },
    {
      path: 'clickhouse-installation.yaml',
      purpose: 'the ClickHouse cluster as a ClickHouseInstallation, for the operator run directly',
      content: `${comment('ClickHouseInstallation for the Altinity operator (signoz-ha generate); the password comes from a Secret.')}\n${yamlDocs([clickhouseInstallation(i)])}`,
    },
    {
      path: 'schema-migrator-job.yaml',
      purpose: `the schema migration Job: cluster ${i.cluster}, replication ${i.replicas > 1 ? 'on' : 'off'}`,
      content: `${comment('SigNoz schema migration for this topology (signoz-ha generate).')}\n${yamlDocs([schemaMigratorJob(i)])}`,
    },
  ]
  const ing = ingress(i)
  if (ing)
    files.push({
      path: 'ingress.yaml',
      purpose: `${i.ingress.toUpperCase()} ingress for https://${i.host}`,
      content: `${comment(`Ingress (${i.ingress}) to the SigNoz UI and API (signoz-ha generate).`)}\n${yamlDocs([ing])}`,
    })
  files.push({
    path: 'hostmetrics-daemonset.yaml',
    purpose: 'node metrics from every node to the SigNoz collectors',
    content: `${comment('Host metrics DaemonSet (signoz-ha generate).')}\n${yamlDocs(hostmetrics(i))}`,
  })
  const plan = storagePlanFile(i)
  if (plan) files.push({path: 'storage-plan.yaml', purpose: 'the storage sizing inputs, for values lint --plan', content: plan})
  files.push({path: 'README.md', purpose: 'what was generated and how to apply it', content: ''})
  files[files.length - 1]!.content = readme(i, files)
  return files
}
