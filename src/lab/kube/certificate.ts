import {generate} from 'selfsigned'

export interface ServingCertificate {
  cert: string
  key: string
}

/**
 * A self-signed serving certificate for the lab's API server on 127.0.0.1. HTTPS is not
 * decoration: client-go (Helm, kubectl) never sends a bearer token over plain HTTP.
 */
export async function servingCertificate(): Promise<ServingCertificate> {
  const pems = await generate([{name: 'commonName', value: 'signoz-ha-lab-apiserver'}], {
    keyType: 'ec',
    curve: 'P-256',
    days: 3650,
    extensions: [
      {name: 'basicConstraints', cA: true},
      {name: 'keyUsage', digitalSignature: true, keyCertSign: true, keyEncipherment: true},
      {name: 'extKeyUsage', serverAuth: true},
      {
        name: 'subjectAltName',
        altNames: [
          {type: 7, ip: '127.0.0.1'},
          {type: 2, value: 'localhost'},
        ],
      },
    ],
  } as never)
  return {cert: pems.cert, key: pems.private}
}
