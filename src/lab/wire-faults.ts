import {existsSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import type {Fault} from './fault.js'
import type {WireFaults} from './kube/request-context.js'
import {wireFaultsPath} from './state.js'

/** A fault of the API server's wire (server.ts WireFaults): in force while its file is there. */
function wireFault(id: string, summary: string, faults: WireFaults): Fault {
  return {
    id,
    summary,
    async inject(state) {
      const path = wireFaultsPath(state.dir)
      const current = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as WireFaults) : {}
      writeFileSync(path, JSON.stringify({...current, ...faults}))
      // The server reads the file again within 200 ms.
      await new Promise((resolve) => setTimeout(resolve, 300))
      return {}
    },
    async heal(state) {
      const path = wireFaultsPath(state.dir)
      if (!existsSync(path)) return
      const rest = Object.fromEntries(Object.entries(JSON.parse(readFileSync(path, 'utf8')) as WireFaults).filter(([k]) => !(k in faults)))
      if (Object.keys(rest).length) writeFileSync(path, JSON.stringify(rest))
      else rmSync(path)
      await new Promise((resolve) => setTimeout(resolve, 300))
    },
  }
}

/**
 * Faults on the wire between the tool and the cluster: answers a cluster in trouble gives, which
 * the tool must ride out (retry) rather than report. Exercised by test/lab/wire-faults.test.ts.
 */
export const WIRE_FAULTS: readonly Fault[] = [
  wireFault(
    'api-throttle',
    "the API server sheds load: every third request answered 429 Too Many Requests with Retry-After: 1, as priority and fairness answers (the lab's own controllers exempt)",
    {throttle: {everyNth: 3, retryAfterSeconds: 1}},
  ),
  wireFault(
    'api-slow',
    "the API server slow to answer: every third read answered only after 5 s (its etcd slow), past a client's request timeout (SIGNOZ_HA_KUBE_REQUEST_TIMEOUT)",
    {slow: {everyNth: 3, delayMs: 5000}},
  ),
  wireFault(
    'portforward-reset',
    'port-forward streams dropped: every third connection through the API server to a pod reset after its first 200 bytes from the pod (a kubelet restarting, a proxy timing streams out)',
    {resetStreams: {everyNth: 3, afterBytes: 200}},
  ),
  wireFault(
    'watch-expiry',
    'watches expire: a watch from an older resourceVersion is answered 410 Gone at once (etcd compacted) and an open watch ends with 410 after 2 s; a client must list again and watch from there',
    {expireWatches: {afterMs: 2000}},
  ),
  wireFault(
    'api-errors',
    'the control plane in trouble: every third request answered 503 Service Unavailable, as an API server restarting or losing etcd answers',
    {errors: {everyNth: 3, code: 503}},
  ),
]
