import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { readFileSync } from 'node:fs'
import * as protoLoader from '@grpc/proto-loader'
import protobuf from 'protobufjs'
import { fromProto3JSON, toProto3JSON, type JSONValue } from 'proto3-json-serializer'

/**
 * The Dataproc and long-running-operation schemas, loaded from the client library's own files so
 * the emulator speaks exactly the wire format the client expects. gRPC uses @grpc/proto-loader over
 * the .proto files; REST uses the client's protos.json with the same JSON serializer google-gax
 * uses for its REST fallback (that serializer expects this root's naming: camelCase fields, but
 * `type_url` in google.protobuf.Any).
 */

const require = createRequire(import.meta.url)
const dataprocPackage = require.resolve('@google-cloud/dataproc/package.json')
const dataprocProtos = join(dirname(dataprocPackage), 'build', 'protos')
// google-gax exports only its entry point; its protos sit beside build/src.
const gaxProtos = join(
  dirname(createRequire(dataprocPackage).resolve('google-gax')),
  '..',
  'protos'
)

/** Objects in protobufjs `toObject` form: camelCase keys, int64 as strings, enums as names. */
const objectOptions = { longs: String, enums: String } as const

export function loadGrpcDefinition(): protoLoader.PackageDefinition {
  return protoLoader.loadSync(
    ['google/cloud/dataproc/v1/batches.proto', 'google/cloud/dataproc/v1/operations.proto'],
    {
      ...objectOptions,
      keepCase: false,
      defaults: false,
      oneofs: false,
      includeDirs: [dataprocProtos, gaxProtos]
    }
  )
}

const jsonRoot = protobuf.Root.fromJSON(
  JSON.parse(readFileSync(join(dataprocProtos, 'protos.json'), 'utf8')) as protobuf.INamespace
)

const DATAPROC = 'google.cloud.dataproc.v1'
export const TYPE_BATCH = `${DATAPROC}.Batch`
export const TYPE_BATCH_METADATA = `${DATAPROC}.BatchOperationMetadata`
export const TYPE_LIST_BATCHES = `${DATAPROC}.ListBatchesResponse`
export const TYPE_OPERATION = 'google.longrunning.Operation'
export const TYPE_LIST_OPERATIONS = 'google.longrunning.ListOperationsResponse'

export const typeUrl = (typeName: string): string => `type.googleapis.com/${typeName}`

/** Proto-encodes a message given in object form (for packing into google.protobuf.Any). */
export function encode(typeName: string, object: object): Buffer {
  const type = jsonRoot.lookupType(typeName)
  return Buffer.from(type.encode(type.fromObject(object)).finish())
}

/** Proto3 JSON → object form; throws on JSON that does not fit the message. */
export function fromJson<T>(typeName: string, json: JSONValue): T {
  const type = jsonRoot.lookupType(typeName)
  const message = fromProto3JSON(type, json)
  if (!message) throw new Error(`not a ${typeName}`)
  return type.toObject(message, objectOptions) as T
}

/** Object form → proto3 JSON (numeric enums when the caller asked for them). */
export function toJson(typeName: string, object: object, numericEnums: boolean): JSONValue {
  const type = jsonRoot.lookupType(typeName)
  return tidy(toProto3JSON(type.fromObject(object), { numericEnums }))
}

/**
 * The serializer emits `{}` for every unset map, which the service omits, and puts an Any's
 * `@type` last, where the service puts it first.
 */
function tidy(value: JSONValue): JSONValue {
  if (Array.isArray(value)) return value.map(tidy)
  if (value === null || typeof value !== 'object') return value
  const result: Record<string, JSONValue> =
    '@type' in value ? { '@type': value['@type'] ?? null } : {}
  for (const [key, child] of Object.entries(value)) {
    if (
      child !== null &&
      typeof child === 'object' &&
      !Array.isArray(child) &&
      Object.keys(child).length === 0
    ) {
      continue
    }
    result[key] = tidy(child)
  }
  return result
}
