import {existsSync, readFileSync, statSync} from 'node:fs'
import {kubeCertPaths, kubeStatePath, readState, wireFaultsPath, type LabKubeApi} from '../state.js'
import {KubeApiSimulator} from './server.js'
import type {Principal, WireFaults} from './request-context.js'
import {ObjectStore} from './store.js'
import {ControllerManager} from './controllers/manager.js'
import {RealLabWorld} from './lab-world.js'
import {labNodeCount, seedCluster} from './world-seed.js'

/** The lab's principals: admin, read-only (403 on writes), and restricted (everything but Secrets, 403 there). */
export const labPrincipals = (api: Pick<LabKubeApi, 'adminToken' | 'readOnlyToken' | 'restrictedToken'>): Map<string, Principal> =>
  new Map([
    [api.adminToken, {user: 'lab-admin', readOnly: false}],
    [api.readOnlyToken, {user: 'lab-reader', readOnly: true}],
    ...(api.restrictedToken ? [[api.restrictedToken, {user: 'lab-restricted', readOnly: false, denied: ['secrets']}] as const] : []),
  ])

/** The wire faults file, read again when it changes (a stat per request at most every 200 ms). */
function wireFaultsOf(dir: string): () => WireFaults | undefined {
  const path = wireFaultsPath(dir)
  let checkedAt = 0
  let mtime = -1
  let faults: WireFaults | undefined
  return () => {
    const now = Date.now()
    if (now - checkedAt < 200) return faults
    checkedAt = now
    const m = existsSync(path) ? statSync(path).mtimeMs : 0
    if (m !== mtime) {
      mtime = m
      try {
        faults = m ? (JSON.parse(readFileSync(path, 'utf8')) as WireFaults) : undefined
      } catch {
        faults = undefined
      }
    }
    return faults
  }
}

/** Runs the lab's API simulator until stop fires; the world persists in the lab directory. */
export async function serveKubeApi(dir: string, stop: AbortSignal): Promise<void> {
  const state = readState(dir)
  const api = state.kubeApi
  if (!api) throw new Error('this lab has no Kubernetes API configured')
  const store = new ObjectStore(kubeStatePath(dir))
  seedCluster(store, state.namespace, labNodeCount(state.clickhouse.length))
  const {cert, key} = kubeCertPaths(dir)
  const simulator = new KubeApiSimulator({
    store,
    tls: {cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8')},
    tokens: labPrincipals(api),
    serviceAccountKey: api.adminToken,
    wireFaults: wireFaultsOf(dir),
  })
  await simulator.listen(api.port)
  const controllers = new ControllerManager(store, new RealLabWorld(dir, store), {
    onError: (error) => console.error(`controllers: ${error instanceof Error ? error.stack : String(error)}`),
  })
  controllers.start()
  await new Promise<void>((resolve) => stop.addEventListener('abort', () => resolve(), {once: true}))
  controllers.stop()
  await simulator.close()
  store.save()
}
