/** Why a gateway call failed, in terms a check or a person can act on. */
export type GatewayErrorKind = 'unreachable' | 'timeout' | 'auth' | 'forbidden' | 'not-found' | 'unsupported' | 'server'

export class GatewayError extends Error {
  constructor(
    readonly kind: GatewayErrorKind,
    message: string,
    readonly target: string,
    /** ClickHouse exception code or HTTP status, when the server answered. */
    readonly code?: number,
  ) {
    super(message)
    this.name = 'GatewayError'
  }
}

export const isGatewayError = (error: unknown): error is GatewayError => error instanceof GatewayError
