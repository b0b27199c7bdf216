import {writeFileSync} from 'node:fs'
import {stringify} from 'yaml'
import type {LabKubeApi} from '../state.js'

export const LAB_CONTEXT = 'signoz-ha-lab'
export const LAB_READONLY_CONTEXT = 'signoz-ha-lab-readonly'
export const LAB_RESTRICTED_CONTEXT = 'signoz-ha-lab-restricted'

/** A kubeconfig for the lab: the admin context (current), a read-only one and one denied Secrets, for RBAC drills. */
export function writeKubeconfig(path: string, api: LabKubeApi, namespace: string, caCert: string): void {
  const server = `https://127.0.0.1:${api.port}`
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{name: LAB_CONTEXT, cluster: {server, 'certificate-authority-data': Buffer.from(caCert).toString('base64')}}],
    users: [
      {name: 'lab-admin', user: {token: api.adminToken}},
      {name: 'lab-reader', user: {token: api.readOnlyToken}},
      ...(api.restrictedToken ? [{name: 'lab-restricted', user: {token: api.restrictedToken}}] : []),
    ],
    contexts: [
      {name: LAB_CONTEXT, context: {cluster: LAB_CONTEXT, user: 'lab-admin', namespace}},
      {name: LAB_READONLY_CONTEXT, context: {cluster: LAB_CONTEXT, user: 'lab-reader', namespace}},
      ...(api.restrictedToken ? [{name: LAB_RESTRICTED_CONTEXT, context: {cluster: LAB_CONTEXT, user: 'lab-restricted', namespace}}] : []),
    ],
    'current-context': LAB_CONTEXT,
  }
  writeFileSync(path, stringify(doc), {mode: 0o600})
}
