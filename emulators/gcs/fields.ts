import type { Blob } from './blob.js'
import { badRequest } from './errors.js'
import { isRecord } from './http.js'
import type { ObjectFields, ObjectPatch } from './store.js'

const STRING_FIELDS = [
  'contentType',
  'contentEncoding',
  'contentDisposition',
  'contentLanguage',
  'cacheControl',
  'customTime'
] as const

function stringFields(body: Record<string, unknown>): Omit<ObjectFields, 'metadata'> {
  const fields: Omit<ObjectFields, 'metadata'> = {}
  for (const key of STRING_FIELDS) {
    const value = body[key]
    if (value === undefined || value === null) continue
    if (typeof value !== 'string') throw badRequest(`Invalid value for ${key}: expected a string.`)
    fields[key] = value
  }
  return fields
}

function metadataRecord(value: unknown): Record<string, unknown> {
  if (!isRecord(value)) throw badRequest('Invalid value for metadata: expected an object.')
  return value
}

/** Custom metadata values are strings on the wire; numbers and booleans are coerced as GCS does. */
function metadataValue(key: string, value: unknown): string {
  if (['string', 'number', 'boolean'].includes(typeof value)) return String(value)
  throw badRequest(`Invalid value for metadata.${key}.`)
}

/** The settable fields of an object resource sent with an upload. */
export function objectFields(body: Record<string, unknown>): ObjectFields {
  const fields: ObjectFields = stringFields(body)
  if (body.metadata !== undefined && body.metadata !== null) {
    const entries = Object.entries(metadataRecord(body.metadata))
    fields.metadata = Object.fromEntries(
      entries.map(([key, value]) => [key, metadataValue(key, value)])
    )
  }
  return fields
}

export function objectPatch(body: Record<string, unknown>): ObjectPatch {
  const patch: ObjectPatch = stringFields(body)
  if (body.metadata === null) patch.metadata = null
  else if (body.metadata !== undefined) {
    const entries = Object.entries(metadataRecord(body.metadata))
    patch.metadata = Object.fromEntries(
      entries.map(([key, value]) => [key, value === null ? null : metadataValue(key, value)])
    )
  }
  return patch
}

export function objectName(value: unknown): string {
  if (typeof value !== 'string' || value === '') throw badRequest('Required: object name.')
  if (Buffer.byteLength(value) > 1024 || /[\r\n]/.test(value)) {
    throw badRequest(`The object name is invalid: ${JSON.stringify(value)}`)
  }
  return value
}

/** Checksums a client declared for its upload, from the resource body or `X-Goog-Hash`. */
export interface ExpectedHashes {
  md5Hash?: string
  crc32c?: string
}

export function expectedHashes(
  body: Record<string, unknown>,
  googHash: string | string[] | undefined
): ExpectedHashes {
  const expected: ExpectedHashes = {}
  if (typeof body.md5Hash === 'string') expected.md5Hash = body.md5Hash
  if (typeof body.crc32c === 'string') expected.crc32c = body.crc32c
  for (const entry of [googHash ?? []].flat().flatMap(header => header.split(','))) {
    const eq = entry.indexOf('=')
    const kind = entry.slice(0, eq).trim().toLowerCase()
    const value = entry.slice(eq + 1).trim()
    if (kind === 'md5') expected.md5Hash = value
    if (kind === 'crc32c') expected.crc32c = value
  }
  return expected
}

export function verifyHashes(expected: ExpectedHashes, blob: Blob): void {
  if (expected.crc32c !== undefined && expected.crc32c !== blob.crc32c) {
    throw badRequest(
      `Provided CRC32C "${expected.crc32c}" doesn't match calculated CRC32C "${blob.crc32c}".`
    )
  }
  if (expected.md5Hash !== undefined && expected.md5Hash !== blob.md5Hash) {
    throw badRequest(
      `Provided MD5 hash "${expected.md5Hash}" doesn't match calculated MD5 hash "${blob.md5Hash}".`
    )
  }
}

/** Applies a PATCH to custom metadata: keys merge, a null key removes it, null removes them all. */
export function mergeMetadata(
  current: Record<string, string> | undefined,
  patch: Record<string, string | null> | null | undefined
): Record<string, string> | undefined {
  if (patch === undefined) return current
  if (patch === null) return undefined
  const merged = new Map(Object.entries(current ?? {}))
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) merged.delete(key)
    else merged.set(key, value)
  }
  return Object.fromEntries(merged)
}
