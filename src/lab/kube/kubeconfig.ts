import {writeFileSync} from 'node:fs'
import {stringify} from 'yaml'
import type {LabKubeApi} from '../state.js'

export const LAB_CONTEXT = 'signoz-ha-lab'
export const LAB_READONLY_CONTEXT = 'signoz-ha-lab-readonly'

/** A kubeconfig for the lab: the admin context (current) and a read-only one for RBAC drills. */
export function writeKubeconfig(path: string, api: LabKubeApi, namespace: string): void {
  const server = `http://127.0.0.1:${api.port}`
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    // Plain HTTP on loopback: client-node accepts an http:// server only with TLS verification off.
    clusters: [{name: LAB_CONTEXT, cluster: {server, 'insecure-skip-tls-verify': true}}],
    users: [
      {name: 'lab-admin', user: {token: api.adminToken}},
      {name: 'lab-reader', user: {token: api.readOnlyToken}},
    ],
    contexts: [
      {name: LAB_CONTEXT, context: {cluster: LAB_CONTEXT, user: 'lab-admin', namespace}},
      {name: LAB_READONLY_CONTEXT, context: {cluster: LAB_CONTEXT, user: 'lab-reader', namespace}},
    ],
    'current-context': LAB_CONTEXT,
  }
  writeFileSync(path, stringify(doc), {mode: 0o600})
}
