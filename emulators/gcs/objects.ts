import { badRequest, GcsError } from './errors.js'
import { objectPatch } from './fields.js'
import { isRecord, jsonReply, readJsonBody, type Reply, type RequestContext } from './http.js'
import { readCheck, writeCheck, type Preconditions } from './preconditions.js'
import { etagOf, objectResource } from './resource.js'
import type { ObjectCheck, ObjectMeta, Store } from './store.js'

interface ByteRange {
  start: number
  end: number
}

/**
 * A single `bytes=a-b`, `bytes=a-` or `bytes=-n`. Anything else (several ranges, other units) is
 * ignored and the whole object served, which HTTP allows.
 */
function parseRange(header: string | undefined, size: number): ByteRange | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '')
  if (!match || (match[1] === '' && match[2] === '')) return undefined
  const [, first = '', last = ''] = match
  if (first === '') {
    const suffix = Number(last)
    if (suffix === 0) throw unsatisfiable(size)
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(first)
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1)
  if (last !== '' && Number(last) < start) return undefined
  if (start >= size) throw unsatisfiable(size)
  return { start, end }
}

const unsatisfiable = (size: number): GcsError =>
  new GcsError(
    416,
    'requestedRangeNotSatisfiable',
    `Request range not satisfiable (object size ${size} bytes).`
  )

function mediaHeaders(meta: ObjectMeta): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': meta.contentType,
    'accept-ranges': 'bytes',
    etag: `"${etagOf(meta.generation, meta.metageneration)}"`,
    'last-modified': new Date(meta.updated).toUTCString(),
    'x-goog-hash': [`crc32c=${meta.crc32c}`, meta.md5Hash ? `md5=${meta.md5Hash}` : '']
      .filter(Boolean)
      .join(','),
    'x-goog-generation': meta.generation,
    'x-goog-metageneration': meta.metageneration,
    'x-goog-stored-content-length': String(meta.size),
    'x-goog-stored-content-encoding': meta.contentEncoding ?? 'identity',
    'x-goog-storage-class': meta.storageClass
  }
  if (meta.componentCount) headers['x-goog-component-count'] = String(meta.componentCount)
  if (meta.contentEncoding) headers['content-encoding'] = meta.contentEncoding
  if (meta.contentDisposition) headers['content-disposition'] = meta.contentDisposition
  if (meta.contentLanguage) headers['content-language'] = meta.contentLanguage
  return headers
}

/** Streams the body from disk; a GET of a zero-byte object with a range is a plain 200. */
export async function downloadObject(
  ctx: RequestContext,
  store: Store,
  bucket: string,
  name: string,
  preconditions: Preconditions
): Promise<Reply> {
  const check = readCheck(preconditions, ctx.query.get('generation'))
  const { meta, handle } = await store.openBlob(bucket, name, check)
  let range: ByteRange | undefined
  try {
    range = meta.size === 0 ? undefined : parseRange(ctx.req.headers.range, meta.size)
  } catch (error) {
    await handle.close()
    throw error
  }
  const headers = mediaHeaders(meta)
  if (ctx.method === 'HEAD') {
    await handle.close()
    return { status: 200, headers: { ...headers, 'content-length': String(meta.size) } }
  }
  if (!range) {
    headers['content-length'] = String(meta.size)
    return { status: 200, headers, stream: handle.createReadStream() }
  }
  headers['content-length'] = String(range.end - range.start + 1)
  headers['content-range'] = `bytes ${range.start}-${range.end}/${meta.size}`
  return { status: 206, headers, stream: handle.createReadStream(range) }
}

export function getObjectMetadata(
  ctx: RequestContext,
  store: Store,
  bucket: string,
  name: string,
  preconditions: Preconditions
): Reply {
  const meta = store.getObject(bucket, name)
  readCheck(preconditions, ctx.query.get('generation'))(meta)
  return jsonReply(200, objectResource(meta, ctx.baseUrl))
}

/** Write preconditions plus the `generation` pin: only the live generation is ever kept. */
function writeCheckPinned(preconditions: Preconditions, generation: string | null): ObjectCheck {
  const check = writeCheck(preconditions)
  return current => {
    if (current && generation !== null && generation !== current.generation) {
      throw new GcsError(404, 'notFound', `No such object: ${current.bucket}/${current.name}`)
    }
    check(current)
  }
}

export function deleteObject(
  ctx: RequestContext,
  store: Store,
  bucket: string,
  name: string,
  preconditions: Preconditions
): Reply {
  store.deleteObject(bucket, name, writeCheckPinned(preconditions, ctx.query.get('generation')))
  return { status: 204 }
}

export async function patchObject(
  ctx: RequestContext,
  store: Store,
  bucket: string,
  name: string,
  preconditions: Preconditions
): Promise<Reply> {
  const body = await readJsonBody(ctx.req)
  if (!isRecord(body)) throw badRequest('The object resource must be a JSON object.')
  const check = writeCheckPinned(preconditions, ctx.query.get('generation'))
  const meta = store.patchObject(bucket, name, objectPatch(body), check)
  return jsonReply(200, objectResource(meta, ctx.baseUrl))
}
