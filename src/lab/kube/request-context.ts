import type {ServiceAccountRef} from './rbac.js'

/** Who a request comes from (its bearer token), shared by the API server and its port-forward. */
export interface Principal {
  user: string
  /** Read-only principals get 403 on every write. */
  readOnly: boolean
  /** Resources (plurals) this principal may not touch at all, for RBAC drills (403 on a list). */
  denied?: readonly string[]
  /** A service account's token: every request is authorized by RBAC (Roles, ClusterRoles and their bindings). */
  serviceAccount?: ServiceAccountRef
}

/**
 * Answers an API server gives when it is in trouble, injected into every Nth request: 429 from
 * priority and fairness shedding load (with Retry-After, as it sends), a 5xx from a control plane
 * restarting. The lab's own traffic (its controllers' client, user agent LAB_USER_AGENT) is exempt,
 * as system traffic is in the exempt priority level.
 */
export interface WireFaults {
  throttle?: {everyNth: number; retryAfterSeconds: number}
  errors?: {everyNth: number; code: number}
  /** Every Nth read answered only after delayMs (an API server whose etcd is slow). */
  slow?: {everyNth: number; delayMs: number}
  /** Every Nth port-forward connection reset after afterBytes from the pod (a kubelet or proxy dropping streams). */
  resetStreams?: {everyNth: number; afterBytes: number}
  /**
   * etcd compacted: a watch from an older resourceVersion is answered 410 Gone (an ERROR event, as
   * the API server sends), and an open watch ends with one after afterMs. Clients must list again.
   */
  expireWatches?: {afterMs: number}
}
