// The lab's background agent: a detached process started by `lab up` in one of two roles,
// the simulated collectors' ingestion or the Kubernetes API simulator, until SIGTERM.
import {runIngestion} from '../ingest.js'
import {serveKubeApi} from '../kube/serve.js'

const arg = (name: string) => {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : undefined
}
const dir = arg('--dir')
const role = arg('--role') ?? 'ingestion'
if (!dir || !['ingestion', 'kube-api'].includes(role)) {
  console.error('usage: lab-agent --dir DIR [--role ingestion|kube-api]')
  process.exit(2)
}

const stop = new AbortController()
for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => stop.abort())
;(role === 'kube-api' ? serveKubeApi(dir, stop.signal) : runIngestion(dir, stop.signal)).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`lab-agent (${role}): ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  },
)
