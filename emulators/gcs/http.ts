import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { gunzipSync } from 'node:zlib'
import { badRequest, errorBody } from './errors.js'

/**
 * What a handler answers. Handlers return replies instead of writing them so that a fault with
 * `afterApply` can run the handler for real and still swap its answer for a failure.
 */
export interface Reply {
  status: number
  headers?: Record<string, string>
  json?: unknown
  stream?: Readable
}

export interface RequestContext {
  req: IncomingMessage
  method: string
  query: URLSearchParams
  /** The emulator's own base url, for selfLink, mediaLink and resumable session URIs. */
  baseUrl: string
}

const JSON_TYPE = 'application/json; charset=UTF-8'
const NO_CACHE = 'no-cache, no-store, max-age=0, must-revalidate'

export const jsonReply = (
  status: number,
  json: unknown,
  headers?: Record<string, string>
): Reply => ({
  status,
  json,
  headers
})

export const errorReply = (status: number, reason: string, message: string): Reply =>
  jsonReply(status, errorBody(status, reason, message))

export async function sendReply(res: ServerResponse, reply: Reply): Promise<void> {
  if (res.destroyed) {
    reply.stream?.destroy()
    return
  }
  const headers: Record<string, string> = { 'cache-control': NO_CACHE, ...reply.headers }
  if (reply.stream) {
    res.writeHead(reply.status, headers)
    await pipeline(reply.stream, res).catch(() => res.destroy())
    return
  }
  if (reply.json === undefined) {
    res.writeHead(reply.status, { 'content-length': '0', ...headers })
    res.end()
    return
  }
  const body = Buffer.from(JSON.stringify(reply.json))
  res.writeHead(reply.status, {
    'content-type': JSON_TYPE,
    'content-length': String(body.length),
    ...headers
  })
  res.end(body)
}

/** Reads and discards what is left of a body, so an early answer does not reset the connection. */
export async function drain(req: IncomingMessage): Promise<void> {
  if (req.readableEnded || req.destroyed) return
  await new Promise<void>(resolve => {
    req.once('end', resolve).once('close', resolve).once('error', resolve)
    req.resume()
  })
}

/** Takes roughly half of the declared body, then cuts the connection like a network failure. */
export async function dropAfterHalf(req: IncomingMessage): Promise<void> {
  const socket = req.socket
  const half = Number(req.headers['content-length'] ?? 0) / 2
  let received = 0
  await new Promise<void>(resolve => {
    const onData = (chunk: Buffer): void => {
      received += chunk.length
      if (received >= half) resolve()
    }
    req.on('data', onData).once('end', resolve).once('error', resolve)
  })
  socket.destroy()
}

/** The whole body, inflated when gzipped: Google's Java client gzips its API calls' bodies. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > limit) throw badRequest('The request body is too large for a metadata request.')
    chunks.push(chunk as Buffer)
  }
  const body = Buffer.concat(chunks)
  if (!/^\s*gzip\s*$/i.test(req.headers['content-encoding'] ?? '')) return body
  try {
    return gunzipSync(body, { maxOutputLength: limit })
  } catch {
    throw badRequest('The request body is not valid gzip, or too large.')
  }
}

export async function readJsonBody(req: IncomingMessage, limit = 1 << 20): Promise<unknown> {
  const text = (await readBody(req, limit)).toString('utf8').trim()
  if (text === '') return {}
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw badRequest('Parse Error: the request body is not valid JSON.')
  }
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
