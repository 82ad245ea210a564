import { open, truncate } from 'node:fs/promises'
import { hashFile, writeFully } from './blob.js'
import { badRequest, GcsError } from './errors.js'
import { expectedHashes, objectFields, objectName } from './fields.js'
import { jsonReply, readJsonBody, isRecord, type Reply, type RequestContext } from './http.js'
import { writeCheck, type Preconditions } from './preconditions.js'
import { objectResource } from './resource.js'
import type { RunningHash, Session, Sessions } from './sessions.js'
import type { Store } from './store.js'
import { commitBlob } from './uploads.js'

/**
 * A Content-Range without a start (`bytes` then `*` then `/T`) asks for progress; `a-b` carries a
 * chunk and `a-*` the rest of the object; a total of `*` is not known yet.
 */
interface ContentRange {
  start?: number
  end?: number
  total?: number
}

function parseContentRange(header: string | undefined): ContentRange {
  if (header === undefined) return { start: 0 }
  const match = /^bytes\s+(?:\*|(\d+)-(\d+|\*))\/(\d+|\*)$/.exec(header.trim())
  if (!match) throw badRequest(`Invalid Content-Range: ${header}`)
  const [, start, end, total] = match
  const number = (value: string | undefined): number | undefined =>
    value === undefined || value === '*' ? undefined : Number(value)
  return { start: number(start), end: number(end), total: number(total) }
}

const uploadIdHeader = (session: Session): Record<string, string> => ({
  'x-guploader-uploadid': session.id
})

function incomplete(session: Session): Reply {
  const headers = uploadIdHeader(session)
  if (session.committed > 0) headers.range = `bytes=0-${session.committed - 1}`
  return { status: 308, headers }
}

export async function startResumable(
  ctx: RequestContext,
  store: Store,
  sessions: Sessions,
  bucket: string,
  preconditions: Preconditions
): Promise<Reply> {
  const body = await readJsonBody(ctx.req)
  if (!isRecord(body)) throw badRequest('The upload metadata must be a JSON object.')
  const name = objectName(ctx.query.get('name') ?? body.name)
  const fields = objectFields(body)
  const headerType = ctx.req.headers['x-upload-content-type']
  fields.contentType ??= typeof headerType === 'string' ? headerType : 'application/octet-stream'
  writeCheck(preconditions)(store.findObject(bucket, name))
  const declared = ctx.req.headers['x-upload-content-length']
  const totalSize =
    typeof declared === 'string' && /^\d+$/.test(declared) ? Number(declared) : undefined
  const expected = expectedHashes(body, undefined)
  const session = sessions.create({ bucket, name, fields, preconditions, expected }, totalSize)
  const location =
    `${ctx.baseUrl}/upload/storage/v1/b/${encodeURIComponent(bucket)}/o?uploadType=resumable` +
    `&name=${encodeURIComponent(name)}&upload_id=${session.id}`
  return { status: 200, headers: { location, ...uploadIdHeader(session) } }
}

/** Writes the body at `start`; bytes past the old mark count only once the request is complete. */
async function receiveChunk(
  ctx: RequestContext,
  path: string,
  start: number,
  running: RunningHash | undefined
): Promise<number> {
  const handle = await open(path, 'r+')
  let position = start
  try {
    for await (const chunk of ctx.req) {
      await writeFully(handle, chunk as Buffer, position)
      position += (chunk as Buffer).length
      if (running) {
        running.hasher.update(chunk as Buffer)
        running.upTo = position
      }
    }
  } finally {
    await handle.close()
  }
  return position - start
}

async function complete(
  ctx: RequestContext,
  store: Store,
  sessions: Sessions,
  session: Session
): Promise<Reply> {
  const path = sessions.dataPath(session.id)
  await truncate(path, session.committed)
  const hashed = sessions.takeHash(session.id, session.committed)
  const blob = hashed ? hashed.blob(path) : await hashFile(path)
  const declared = expectedHashes({}, ctx.req.headers['x-goog-hash'])
  const expected = { ...session.expected, ...declared }
  let meta
  try {
    meta = await commitBlob(store, { ...session, expected }, blob)
  } catch (error) {
    // the data file went with the failed commit, so like the service the session is over
    sessions.remove(session.id)
    throw error
  }
  const result = objectResource(meta, ctx.baseUrl)
  sessions.save({ ...session, totalSize: session.committed, result })
  return jsonReply(200, result, uploadIdHeader(session))
}

/** One PUT on a session URI: a chunk, the final chunk, the whole body, or a progress query. */
export function putResumable(
  ctx: RequestContext,
  store: Store,
  sessions: Sessions,
  uploadId: string
): Promise<Reply> {
  return sessions.exclusive(uploadId, async () => {
    const session = sessions.get(uploadId)
    const range = parseContentRange(ctx.req.headers['content-range'])
    if (session.result) return jsonReply(200, session.result, uploadIdHeader(session))
    const total = range.total ?? session.totalSize
    if (range.start === undefined) {
      if (total !== undefined && total === session.committed) {
        return complete(ctx, store, sessions, session)
      }
      return incomplete(session)
    }
    if (range.start > session.committed) {
      throw new GcsError(
        400,
        'invalid',
        `Invalid request. According to the Content-Range header, the upload offset is ` +
          `${range.start} byte(s), which exceeds already uploaded size of ${session.committed} byte(s).`
      )
    }
    const running = await sessions.hashFrom(uploadId, range.start)
    const received = await receiveChunk(ctx, sessions.dataPath(uploadId), range.start, running)
    if (range.end !== undefined && received !== range.end - range.start + 1) {
      throw badRequest('The body length does not match the Content-Range header.')
    }
    const committed = Math.max(session.committed, range.start + received)
    if (total !== undefined && committed > total) {
      throw badRequest(`The upload is larger than its declared total of ${total} bytes.`)
    }
    const updated: Session = { ...session, committed, totalSize: total }
    sessions.save(updated)
    const lastRequest = total === committed || (range.end === undefined && total === undefined)
    return lastRequest ? complete(ctx, store, sessions, updated) : incomplete(updated)
  })
}

export function cancelResumable(sessions: Sessions, uploadId: string): Reply {
  sessions.get(uploadId)
  sessions.remove(uploadId)
  return { status: 499, headers: {} }
}
