import { rm } from 'node:fs/promises'
import { BlobWriter } from './blob.js'
import { badRequest } from './errors.js'
import { objectFields, objectName } from './fields.js'
import { isRecord, jsonReply, readJsonBody, type Reply, type RequestContext } from './http.js'
import { parsePreconditions, sourceCheck, writeCheck, type Preconditions } from './preconditions.js'
import { objectResource } from './resource.js'
import type { ObjectMeta, Store } from './store.js'

/** The service's limit on `sourceObjects` in one compose request. */
const MAX_SOURCES = 32

interface ComposeSource {
  name: string
  generation?: string
  preconditions: Preconditions
}

/** Generations are int64, which JSON clients send as strings or as numbers. */
function int64(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null) return undefined
  if ((typeof value === 'string' || typeof value === 'number') && /^\d+$/.test(String(value))) {
    return String(BigInt(value))
  }
  throw badRequest(`Invalid value for ${what}: ${JSON.stringify(value)}`)
}

function parseSources(value: unknown): ComposeSource[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw badRequest('Required: sourceObjects, a list of at least one object.')
  }
  if (value.length > MAX_SOURCES) {
    throw badRequest(
      `The number of source components provided (${value.length}) exceeds the maximum (${MAX_SOURCES}).`
    )
  }
  return value.map((entry: unknown, i) => {
    if (!isRecord(entry)) throw badRequest(`Invalid value for sourceObjects[${i}].`)
    const conditions = isRecord(entry.objectPreconditions) ? entry.objectPreconditions : {}
    const ifGenerationMatch = int64(conditions.ifGenerationMatch, 'ifGenerationMatch')
    return {
      name: objectName(entry.name),
      generation: int64(entry.generation, `sourceObjects[${i}].generation`),
      preconditions: ifGenerationMatch === undefined ? {} : { ifGenerationMatch }
    }
  })
}

/**
 * `POST b/{bucket}/o/{object}/compose`: concatenates up to 32 objects of the bucket into one.
 * Like the service, the result carries a CRC32C and a component count but no MD5.
 */
export async function composeObject(
  ctx: RequestContext,
  store: Store,
  bucket: string,
  name: string
): Promise<Reply> {
  const body = await readJsonBody(ctx.req)
  if (!isRecord(body)) throw badRequest('The compose request must be a JSON object.')
  const sources = parseSources(body.sourceObjects)
  const fields = isRecord(body.destination) ? objectFields(body.destination) : {}
  const check = writeCheck(parsePreconditions(ctx.query))
  check(store.findObject(bucket, objectName(name)))

  const writer = await BlobWriter.create(store.tmpDir)
  let componentCount = 0
  try {
    for (const source of sources) {
      const opened = await store.openBlob(
        bucket,
        source.name,
        sourceCheck(source.preconditions, source.generation)
      )
      componentCount += opened.meta.componentCount ?? 1
      // the stream closes the handle when it ends or is abandoned
      for await (const chunk of opened.handle.createReadStream())
        await writer.write(chunk as Buffer)
    }
  } catch (error) {
    await writer.abort()
    throw error
  }
  const { path, size, crc32c } = await writer.finish()
  let meta: ObjectMeta
  try {
    meta = store.commitObject(bucket, name, { path, size, crc32c, componentCount }, fields, check)
  } catch (error) {
    await rm(path, { force: true })
    throw error
  }
  return jsonReply(200, objectResource(meta, ctx.baseUrl))
}
