/** A Kubernetes Status error, shaped like the real API server's. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: {name?: string; group?: string; kind?: string; causes?: {reason: string; message: string; field?: string}[]},
  ) {
    super(message)
  }

  toStatus(): Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      details: this.details,
      code: this.code,
    }
  }
}

const resourceRef = (plural: string, group: string) => (group ? `${plural}.${group}` : plural)

export const notFound = (plural: string, group: string, name: string) =>
  new ApiError(404, 'NotFound', `${resourceRef(plural, group)} "${name}" not found`, {name, group, kind: plural})

export const alreadyExists = (plural: string, group: string, name: string) =>
  new ApiError(409, 'AlreadyExists', `${resourceRef(plural, group)} "${name}" already exists`, {name, group, kind: plural})

export const conflict = (plural: string, group: string, name: string) =>
  new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${resourceRef(plural, group)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    {name, group, kind: plural},
  )

export const invalid = (kind: string, name: string, field: string, message: string) =>
  new ApiError(422, 'Invalid', `${kind} "${name}" is invalid: ${field}: ${message}`, {name, kind, causes: [{reason: 'FieldValueInvalid', message, field}]})

export const badRequest = (message: string) => new ApiError(400, 'BadRequest', message)

export const unauthorized = () => new ApiError(401, 'Unauthorized', 'Unauthorized')

export const forbidden = (user: string, verb: string, plural: string, group: string, namespace?: string) =>
  new ApiError(
    403,
    'Forbidden',
    `${resourceRef(plural, group)} is forbidden: User "${user}" cannot ${verb} resource "${plural}" in API group "${group}"${namespace ? ` in the namespace "${namespace}"` : ' at the cluster scope'}`,
    {group, kind: plural},
  )

/** 403 for an RBAC denial, worded as the real authorizer's (object name, subresource, scope). */
export const forbiddenRequest = (user: string, r: {verb: string; group: string; resource: string; subresource?: string; namespace?: string; name?: string}) =>
  new ApiError(
    403,
    'Forbidden',
    `${resourceRef(r.resource, r.group)}${r.name ? ` "${r.name}"` : ''} is forbidden: User "${user}" cannot ${r.verb} resource "${r.subresource ? `${r.resource}/${r.subresource}` : r.resource}" in API group "${r.group}"${r.namespace ? ` in the namespace "${r.namespace}"` : ' at the cluster scope'}`,
    {group: r.group, kind: r.resource, ...(r.name ? {name: r.name} : {})},
  )

export const methodNotAllowed = () => new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource')
