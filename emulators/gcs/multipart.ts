import type { IncomingMessage } from 'node:http'
import { BodyReader } from './body-reader.js'
import { BlobWriter, type Blob } from './blob.js'
import { badRequest } from './errors.js'
import { isRecord } from './http.js'

export interface MultipartUpload {
  metadata: Record<string, unknown>
  mediaContentType: string | undefined
  blob: Blob
}

const HEADER_LIMIT = 64 * 1024
const METADATA_LIMIT = 1024 * 1024

/** gcloud (through Python's email package) quotes the boundary with single quotes. */
function boundaryOf(contentType: string | undefined): string {
  const match = /boundary=(?:"([^"]+)"|'([^']+)'|([^;\s]+))/i.exec(contentType ?? '')
  const boundary = match?.[1] ?? match?.[2] ?? match?.[3]
  if (!boundary || !/^multipart\/related/i.test(contentType ?? '')) {
    throw badRequest('A multipart upload needs Content-Type multipart/related with a boundary.')
  }
  return boundary
}

function parseHeaders(block: Buffer, eol: string): Map<string, string> {
  const headers = new Map<string, string>()
  for (const line of block.toString('latin1').split(eol)) {
    const colon = line.indexOf(':')
    if (colon > 0)
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim())
  }
  return headers
}

/** A part may have no headers at all, in which case its blank line follows the boundary line. */
async function readPartHeaders(reader: BodyReader, eol: string): Promise<Map<string, string>> {
  if ((await reader.peek(eol.length)).toString('latin1') === eol) {
    reader.skip(eol.length)
    return new Map()
  }
  return parseHeaders(await reader.readUntil(Buffer.from(eol + eol), HEADER_LIMIT), eol)
}

/**
 * Parses `multipart/related` (a JSON metadata part, then the media part) as it streams in. The
 * line ending is taken from the first boundary line: Google's clients use CRLF, gcloud bare LF,
 * and deciding once keeps a media body that happens to end in CR intact.
 */
export async function readMultipart(
  req: IncomingMessage,
  tmpDir: string
): Promise<MultipartUpload> {
  const boundary = boundaryOf(req.headers['content-type'])
  const reader = new BodyReader(req[Symbol.asyncIterator]())
  await reader.readUntil(Buffer.from(`--${boundary}`), HEADER_LIMIT)
  const eol = (await reader.peek(2)).toString('latin1') === '\r\n' ? '\r\n' : '\n'
  reader.skip(eol.length)
  const delimiter = Buffer.from(`${eol}--${boundary}`)

  await readPartHeaders(reader, eol)
  const metadataText = (await reader.readUntil(delimiter, METADATA_LIMIT)).toString('utf8')
  let metadata: unknown
  try {
    metadata = metadataText.trim() === '' ? {} : JSON.parse(metadataText)
  } catch {
    throw badRequest('The metadata part of the multipart upload is not valid JSON.')
  }
  if (!isRecord(metadata)) throw badRequest('The metadata part must be a JSON object.')
  if ((await reader.peek(2)).toString('latin1') === '--') {
    throw badRequest('The multipart upload has no media part.')
  }
  reader.skip(eol.length)

  const mediaHeaders = await readPartHeaders(reader, eol)
  const writer = await BlobWriter.create(tmpDir)
  try {
    await reader.streamUntil(delimiter, chunk => writer.write(chunk))
    await reader.drain()
    return {
      metadata,
      mediaContentType: mediaHeaders.get('content-type'),
      blob: await writer.finish()
    }
  } catch (error) {
    await writer.abort()
    throw error
  }
}
