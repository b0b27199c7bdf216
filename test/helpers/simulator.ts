import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {servingCertificate} from '../../src/lab/kube/certificate.js'
import {writeKubeconfig} from '../../src/lab/kube/kubeconfig.js'
import {labPrincipals} from '../../src/lab/kube/serve.js'
import type {WireFaults} from '../../src/lab/kube/request-context.js'
import {KubeApiSimulator} from '../../src/lab/kube/server.js'
import {ObjectStore} from '../../src/lab/kube/store.js'
import {seedCluster} from '../../src/lab/kube/world-seed.js'

/** An in-process API simulator (HTTPS, the lab's two tokens, seeded) with a kubeconfig for it. */
export async function startSimulator(name: string, options: {stateFile?: boolean; portForwardSpdy?: boolean; wireFaults?: () => WireFaults | undefined} = {}) {
  const dir = mkdtempSync(join(tmpdir(), `signoz-ha-${name}-`))
  const store = new ObjectStore(options.stateFile ? join(dir, 'state.json') : undefined)
  const tls = await servingCertificate()
  const api = {port: 0, adminToken: `${name}-admin-token`, readOnlyToken: `${name}-reader-token`}
  const sim = new KubeApiSimulator({store, tls, tokens: labPrincipals(api), portForwardSpdy: options.portForwardSpdy, wireFaults: options.wireFaults})
  seedCluster(store, 'platform')
  api.port = await sim.listen()
  const kubeconfig = join(dir, 'kubeconfig')
  writeKubeconfig(kubeconfig, api, 'platform', tls.cert)
  return {dir, store, tls, api, sim, kubeconfig, server: `https://127.0.0.1:${api.port}`}
}
