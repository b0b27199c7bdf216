import protobuf from 'protobufjs'
import {ApiError} from './status.js'
import type {KubeObject} from './store.js'

/**
 * The Kubernetes protobuf wire format for the one kind real clients send as protobuf to the lab:
 * Helm writes its release records (Secrets) that way. Field numbers are those of
 * k8s.io/api/core/v1/generated.proto and apimachinery's runtime.Unknown.
 */
const PROTO = `
syntax = "proto2";
package k8s;
message TypeMeta { optional string apiVersion = 1; optional string kind = 2; }
message Unknown { optional TypeMeta typeMeta = 1; optional bytes raw = 2; optional string contentEncoding = 3; optional string contentType = 4; }
message Time { optional int64 seconds = 1; optional int32 nanos = 2; }
message OwnerReference { optional string kind = 1; optional string name = 3; optional string uid = 4; optional string apiVersion = 5; optional bool controller = 6; optional bool blockOwnerDeletion = 7; }
message ObjectMeta {
  optional string name = 1; optional string generateName = 2; optional string namespace = 3; optional string selfLink = 4;
  optional string uid = 5; optional string resourceVersion = 6; optional int64 generation = 7; optional Time creationTimestamp = 8;
  optional Time deletionTimestamp = 9; optional int64 deletionGracePeriodSeconds = 10; map<string, string> labels = 11;
  map<string, string> annotations = 12; repeated OwnerReference ownerReferences = 13; repeated string finalizers = 14;
}
message Secret { optional ObjectMeta metadata = 1; map<string, bytes> data = 2; optional string type = 3; map<string, string> stringData = 4; optional bool immutable = 5; }
`

const root = protobuf.parse(PROTO, {keepCase: true}).root
const Unknown = root.lookupType('k8s.Unknown')
const Secret = root.lookupType('k8s.Secret')
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]) // "k8s\0"

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf'

const time = (t: {seconds?: number | {toNumber(): number}} | undefined) =>
  t?.seconds === undefined ? undefined : new Date(Number(t.seconds) * 1000).toISOString().replace(/\.\d+Z$/, 'Z')

/** Decodes a protobuf request body into the JSON object the store keeps. */
export function decodeProtobufObject(body: Buffer, kind: string): KubeObject {
  if (!body.subarray(0, 4).equals(MAGIC)) throw new ApiError(400, 'BadRequest', 'protobuf body without the k8s magic prefix')
  const envelope = Unknown.toObject(Unknown.decode(body.subarray(4)), {bytes: Buffer, longs: Number}) as {
    typeMeta?: {apiVersion?: string; kind?: string}
    raw?: Buffer
  }
  const typeKind = envelope.typeMeta?.kind ?? kind
  if (typeKind !== 'Secret') throw new ApiError(415, 'UnsupportedMediaType', `protobuf is accepted for Secrets only, not ${typeKind}`)
  const secret = Secret.toObject(Secret.decode(envelope.raw ?? Buffer.alloc(0)), {bytes: Buffer, longs: Number, defaults: false}) as {
    metadata?: Record<string, unknown> & {creationTimestamp?: {seconds?: number}; deletionTimestamp?: {seconds?: number}}
    data?: Record<string, Buffer>
    type?: string
    stringData?: Record<string, string>
    immutable?: boolean
  }
  const {creationTimestamp, deletionTimestamp, ...metadata} = secret.metadata ?? {}
  const data = Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]))
  return {
    apiVersion: envelope.typeMeta?.apiVersion ?? 'v1',
    kind: 'Secret',
    metadata: {
      ...metadata,
      ...(creationTimestamp ? {creationTimestamp: time(creationTimestamp)} : {}),
      ...(deletionTimestamp ? {deletionTimestamp: time(deletionTimestamp)} : {}),
    },
    ...(Object.keys(data).length ? {data} : {}),
    ...(secret.type ? {type: secret.type} : {}),
    ...(secret.stringData ? {stringData: secret.stringData} : {}),
    ...(secret.immutable !== undefined ? {immutable: secret.immutable} : {}),
  }
}

/** Encodes a Secret the way client-go does, for tests of the decoder. */
export function encodeProtobufSecret(secret: KubeObject & {data?: Record<string, string>; type?: string}): Buffer {
  const raw = Secret.encode(
    Secret.fromObject({
      metadata: {name: secret.metadata.name, namespace: secret.metadata.namespace, labels: secret.metadata.labels},
      data: Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
      type: secret.type,
    }),
  ).finish()
  const envelope = Unknown.encode(Unknown.fromObject({typeMeta: {apiVersion: 'v1', kind: 'Secret'}, raw, contentType: ''})).finish()
  return Buffer.concat([MAGIC, Buffer.from(envelope)])
}
