import { randomBytes } from 'node:crypto'
import { STATUS_CODES, type IncomingHttpHeaders } from 'node:http'
import { Readable } from 'node:stream'
import { badRequest } from './errors.js'
import { readBody, type Reply, type RequestContext } from './http.js'

/** The service's limit on calls in one batch request. */
const MAX_CALLS = 100
/** Batched calls are metadata requests; their bodies are small. */
const BODY_LIMIT = 16 * 1024 * 1024

/** One call of a batch: an HTTP request carried as a part of the multipart body. */
export interface SubRequest {
  method: string
  /** Path and query, as on a request line to the server itself. */
  url: string
  headers: IncomingHttpHeaders
  body: Buffer
}

export type SubRequestRunner = (request: SubRequest) => Promise<Reply>

interface Part {
  contentId: string | undefined
  request: SubRequest
}

function boundaryOf(contentType: string | undefined): string {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '')
  const boundary = match?.[1] ?? match?.[2]
  if (!boundary || !/^multipart\/mixed/i.test(contentType ?? '')) {
    throw badRequest('A batch request needs Content-Type multipart/mixed with a boundary.')
  }
  return boundary
}

/** Splits headers from what follows the first blank line; no blank line means no body. */
function splitHead(text: string): [string[], string] {
  const blank = /\r?\n\r?\n/.exec(text)
  const head = blank ? text.slice(0, blank.index) : text
  const rest = blank ? text.slice(blank.index + blank[0].length) : ''
  return [head.split(/\r?\n/), rest]
}

function headersOf(lines: string[]): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  return headers
}

/**
 * One part: MIME headers (`Content-Type: application/http`, `Content-ID`), a blank line, then the
 * call itself: request line, headers, blank line, body. Clients write absolute URLs or paths on
 * the request line; gcsfs ends lines with a bare LF, Google's other clients with CRLF.
 */
function parsePart(text: string): Part {
  const [mimeLines, message] = splitHead(text.replace(/^\r?\n/, ''))
  const contentId = headersOf(mimeLines)['content-id']
  const [lines, body] = splitHead(message.replace(/^(\r?\n)+/, ''))
  const match = /^([A-Z]+) (\S+)(?: HTTP\/\d(?:\.\d)?)?$/.exec(lines[0]?.trim() ?? '')
  if (!match) throw badRequest(`Invalid request line in a batch part: ${lines[0] ?? ''}`)
  const [, method = 'GET', target = '/'] = match
  return {
    contentId: typeof contentId === 'string' ? contentId : undefined,
    request: {
      method,
      url: target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]+/i, ''),
      headers: headersOf(lines.slice(1)),
      body: Buffer.from(body, 'latin1')
    }
  }
}

/** The parts between the boundaries; latin1 keeps every byte of a part's body as it was. */
function parseParts(body: Buffer, boundary: string): Part[] {
  const sections = body.toString('latin1').split(`--${boundary}`)
  const parts: Part[] = []
  for (const section of sections.slice(1)) {
    if (section.startsWith('--')) break
    parts.push(parsePart(section.replace(/\r?\n$/, '')))
  }
  return parts
}

async function bodyOf(reply: Reply): Promise<Buffer> {
  if (reply.stream) {
    const chunks: Buffer[] = []
    for await (const chunk of reply.stream as Readable) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks)
  }
  return reply.json === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(reply.json))
}

/** A response part: `Content-ID: <response-ID>` for the request's `<ID>`, then the HTTP answer. */
async function responsePart(contentId: string | undefined, reply: Reply): Promise<Buffer> {
  const body = await bodyOf(reply)
  const headers: Record<string, string> = { ...reply.headers }
  if (reply.json !== undefined) headers['content-type'] = 'application/json; charset=UTF-8'
  headers['content-length'] = String(body.length)
  const mime = ['Content-Type: application/http']
  if (contentId) mime.push(`Content-ID: <response-${contentId.replace(/^<|>$/g, '')}>`)
  const status = `HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status] ?? ''}`.trimEnd()
  const head = [...mime, '', status, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)]
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), body])
}

/**
 * `POST /batch/storage/v1`: up to 100 JSON API calls in one multipart/mixed request, answered in
 * order by one multipart/mixed response whose parts each hold a call's status, headers and body.
 * A failing call fails only its own part; the batch itself answers 200.
 */
export async function batch(ctx: RequestContext, run: SubRequestRunner): Promise<Reply> {
  const boundary = boundaryOf(ctx.req.headers['content-type'])
  const parts = parseParts(await readBody(ctx.req, BODY_LIMIT), boundary)
  if (parts.length === 0) throw badRequest('The batch request holds no calls.')
  if (parts.length > MAX_CALLS) {
    throw badRequest(`A batch request may hold at most ${MAX_CALLS} calls, not ${parts.length}.`)
  }
  const answer = `batch_${randomBytes(12).toString('base64url')}`
  const chunks: Buffer[] = []
  for (const part of parts) {
    const reply = await run(part.request)
    chunks.push(Buffer.from(`--${answer}\r\n`), await responsePart(part.contentId, reply))
    chunks.push(Buffer.from('\r\n'))
  }
  chunks.push(Buffer.from(`--${answer}--\r\n`))
  const body = Buffer.concat(chunks)
  return {
    status: 200,
    headers: {
      'content-type': `multipart/mixed; boundary=${answer}`,
      'content-length': String(body.length)
    },
    stream: Readable.from([body])
  }
}
