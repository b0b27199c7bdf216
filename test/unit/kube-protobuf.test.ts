import {describe, expect, test} from 'vitest'
import {decodeProtobufObject, encodeProtobufSecret} from '../../src/lab/kube/protobuf.js'

describe('Kubernetes protobuf Secrets', () => {
  test('round trip: envelope, metadata, labels, binary data', () => {
    const data = Buffer.from([0, 1, 2, 250, 255]).toString('base64')
    const wire = encodeProtobufSecret({
      metadata: {name: 'sh.helm.release.v1.signoz.v1', namespace: 'platform', labels: {owner: 'helm', status: 'deployed'}},
      type: 'helm.sh/release.v1',
      data: {release: data},
    })
    expect(wire.subarray(0, 4).toString('latin1')).toBe('k8s\0')
    expect(decodeProtobufObject(wire, 'Secret')).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {name: 'sh.helm.release.v1.signoz.v1', namespace: 'platform', labels: {owner: 'helm', status: 'deployed'}},
      data: {release: data},
      type: 'helm.sh/release.v1',
    })
  })
  test('a body without the magic prefix is refused', () => {
    expect(() => decodeProtobufObject(Buffer.from('{}'), 'Secret')).toThrow(/magic prefix/)
  })
})
