// The lab's background agent: a detached process started by `lab up`. It runs the
// simulated collectors' ingestion until it receives SIGTERM.
import {runIngestion} from '../ingest.js'

const dirFlag = process.argv.indexOf('--dir')
const dir = dirFlag >= 0 ? process.argv[dirFlag + 1] : undefined
if (!dir) {
  console.error('usage: lab-agent --dir DIR')
  process.exit(2)
}

const stop = new AbortController()
for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => stop.abort())
runIngestion(dir, stop.signal).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`lab-agent: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  },
)
