import {readFileSync} from 'node:fs'
import {kubeCertPaths, kubeStatePath, readState} from '../state.js'
import {KubeApiSimulator} from './server.js'
import {ObjectStore} from './store.js'
import {seedCluster} from './world-seed.js'

/** Runs the lab's API simulator until stop fires; the world persists in the lab directory. */
export async function serveKubeApi(dir: string, stop: AbortSignal): Promise<void> {
  const state = readState(dir)
  const api = state.kubeApi
  if (!api) throw new Error('this lab has no Kubernetes API configured')
  const store = new ObjectStore(kubeStatePath(dir))
  seedCluster(store, state.namespace)
  const {cert, key} = kubeCertPaths(dir)
  const simulator = new KubeApiSimulator({
    store,
    tls: {cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8')},
    tokens: new Map([
      [api.adminToken, {user: 'lab-admin', readOnly: false}],
      [api.readOnlyToken, {user: 'lab-reader', readOnly: true}],
    ]),
  })
  await simulator.listen(api.port)
  await new Promise<void>((resolve) => stop.addEventListener('abort', () => resolve(), {once: true}))
  await simulator.close()
  store.save()
}
