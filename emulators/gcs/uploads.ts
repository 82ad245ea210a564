import { rm } from 'node:fs/promises'
import { BlobWriter, type Blob } from './blob.js'
import { badRequest } from './errors.js'
import {
  expectedHashes,
  objectFields,
  objectName,
  verifyHashes,
  type ExpectedHashes
} from './fields.js'
import { jsonReply, type Reply, type RequestContext } from './http.js'
import { readMultipart } from './multipart.js'
import { writeCheck, type Preconditions } from './preconditions.js'
import { objectResource } from './resource.js'
import type { ObjectFields, ObjectMeta, Store } from './store.js'

export interface PendingObject {
  bucket: string
  name: string
  fields: ObjectFields
  preconditions: Preconditions
  expected: ExpectedHashes
}

/** Verifies and commits a finished blob; the blob file is gone afterwards either way. */
export async function commitBlob(
  store: Store,
  pending: PendingObject,
  blob: Blob
): Promise<ObjectMeta> {
  try {
    verifyHashes(pending.expected, blob)
    const { bucket, name, fields, preconditions } = pending
    return store.commitObject(bucket, name, blob, fields, writeCheck(preconditions))
  } catch (error) {
    await rm(blob.path, { force: true })
    throw error
  }
}

/** Rejects before reading the body when the upload cannot succeed anyway. */
function precheck(store: Store, pending: Omit<PendingObject, 'expected'>): void {
  writeCheck(pending.preconditions)(store.findObject(pending.bucket, pending.name))
}

export async function mediaUpload(
  ctx: RequestContext,
  store: Store,
  bucket: string,
  preconditions: Preconditions
): Promise<Reply> {
  const name = objectName(ctx.query.get('name'))
  const fields: ObjectFields = {
    contentType: ctx.req.headers['content-type'] ?? 'application/octet-stream'
  }
  const contentEncoding = ctx.query.get('contentEncoding')
  if (contentEncoding) fields.contentEncoding = contentEncoding
  precheck(store, { bucket, name, fields, preconditions })
  const writer = await BlobWriter.create(store.tmpDir)
  try {
    for await (const chunk of ctx.req) await writer.write(chunk as Buffer)
  } catch (error) {
    await writer.abort()
    throw error
  }
  const expected = expectedHashes({}, ctx.req.headers['x-goog-hash'])
  const pending = { bucket, name, fields, preconditions, expected }
  const meta = await commitBlob(store, pending, await writer.finish())
  return jsonReply(200, objectResource(meta, ctx.baseUrl))
}

export async function multipartUpload(
  ctx: RequestContext,
  store: Store,
  bucket: string,
  preconditions: Preconditions
): Promise<Reply> {
  store.getBucket(bucket)
  const queryName = ctx.query.get('name')
  if (queryName !== null)
    precheck(store, { bucket, name: objectName(queryName), fields: {}, preconditions })
  const { metadata, mediaContentType, blob } = await readMultipart(ctx.req, store.tmpDir)
  let pending: PendingObject
  try {
    const fields = objectFields(metadata)
    fields.contentType ??= mediaContentType ?? 'application/octet-stream'
    const name = objectName(metadata.name ?? queryName)
    const expected = expectedHashes(metadata, ctx.req.headers['x-goog-hash'])
    pending = { bucket, name, fields, preconditions, expected }
  } catch (error) {
    await rm(blob.path, { force: true })
    throw error
  }
  const meta = await commitBlob(store, pending, blob)
  return jsonReply(200, objectResource(meta, ctx.baseUrl))
}

export function requireUploadType(value: string | null): 'media' | 'multipart' | 'resumable' {
  if (value === 'media' || value === 'multipart' || value === 'resumable') return value
  throw badRequest(`Invalid upload type: ${value ?? '(none)'}; use media, multipart or resumable.`)
}
