import { rmSync } from 'node:fs'
import { badRequest } from './errors.js'
import { objectFields, objectName } from './fields.js'
import { isRecord, jsonReply, readJsonBody, type Reply, type RequestContext } from './http.js'
import {
  parseGeneration,
  parsePreconditions,
  parseSourcePreconditions,
  sourceCheck,
  writeCheck
} from './preconditions.js'
import { objectResource } from './resource.js'
import type { ObjectFields, ObjectMeta, Store } from './store.js'

export interface ObjectRef {
  bucket: string
  name: string
}

/**
 * The metadata a copy starts from. The service copies the source's fields; an object resource
 * in the request body overrides them field by field.
 */
function destinationFields(source: ObjectMeta, override: ObjectFields): ObjectFields {
  const { contentType, contentEncoding, contentDisposition, contentLanguage } = source
  const { cacheControl, customTime, metadata } = source
  const inherited: ObjectFields = {
    contentType,
    contentEncoding,
    contentDisposition,
    contentLanguage,
    cacheControl,
    customTime,
    metadata
  }
  return { ...inherited, ...override }
}

/** The optional object resource of a copy or rewrite: metadata for the destination. */
export async function readOverride(ctx: RequestContext): Promise<ObjectFields> {
  const body = await readJsonBody(ctx.req)
  if (!isRecord(body)) throw badRequest('The object resource must be a JSON object.')
  return objectFields(body)
}

/** The source, if it exists and the request's source preconditions and pin hold for it. */
export function checkedSource(
  store: Store,
  source: ObjectRef,
  query: URLSearchParams,
  generation = parseGeneration(query, 'sourceGeneration')
): ObjectMeta {
  const preconditions = parseSourcePreconditions(query)
  const meta = store.getObject(source.bucket, source.name)
  sourceCheck(preconditions, generation)(meta)
  return meta
}

/**
 * Commits `source`'s body as the destination's new generation, if the destination preconditions
 * of `query` hold. Synchronous from lookup to commit, so no other request can come between.
 */
export function commitCopy(
  store: Store,
  source: ObjectMeta,
  destination: ObjectRef,
  query: URLSearchParams,
  override: ObjectFields = {}
): ObjectMeta {
  const check = writeCheck(parsePreconditions(query))
  check(store.findObject(destination.bucket, objectName(destination.name)))
  const body = store.linkBody(source)
  try {
    const fields = destinationFields(source, override)
    return store.commitObject(destination.bucket, destination.name, body, fields, check)
  } catch (error) {
    rmSync(body.path, { force: true })
    throw error
  }
}

/** `POST b/{bucket}/o/{object}/copyTo/b/{bucket}/o/{object}`: answers the new object. */
export async function copyObject(
  ctx: RequestContext,
  store: Store,
  source: ObjectRef,
  destination: ObjectRef
): Promise<Reply> {
  const override = await readOverride(ctx)
  const checked = checkedSource(store, source, ctx.query)
  const meta = commitCopy(store, checked, destination, ctx.query, override)
  return jsonReply(200, objectResource(meta, ctx.baseUrl))
}

/**
 * `POST b/{bucket}/o/{object}/moveTo/o/{object}`: a rename within one bucket, atomic on the
 * service. The copy and the delete of the source happen in one synchronous step here.
 */
export function moveObject(
  ctx: RequestContext,
  store: Store,
  bucket: string,
  sourceName: string,
  destinationName: string
): Reply {
  if (sourceName === destinationName) {
    throw badRequest('The source and destination object names must be different.')
  }
  const source = checkedSource(store, { bucket, name: sourceName }, ctx.query)
  const meta = commitCopy(store, source, { bucket, name: destinationName }, ctx.query)
  store.deleteObject(bucket, sourceName, () => undefined)
  return jsonReply(200, objectResource(meta, ctx.baseUrl))
}
