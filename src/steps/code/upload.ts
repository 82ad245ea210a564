import type { File, Storage } from '@google-cloud/storage'
import type { Writable } from 'node:stream'
import { finished } from 'node:stream/promises'
import type { Checksums } from '../../lib/checksum.js'
import { parseGcsUri } from '../../lib/gcs-uri.js'

export interface UploadItem {
  localPath: string
  uri: string
  contentType: string
  checksums: Checksums
  /**
   * Set for an object never replaced by different bytes unless `force` (a release's, a dev run's):
   * why, and what to do instead.
   */
  immutable?: string
  /** Custom metadata stored with the object. */
  metadata?: Record<string, string>
}

export interface UploadResult {
  uri: string
  bytes: number
  /** False when the object already held exactly these bytes. */
  uploaded: boolean
}

/** How far an upload has got: `total` is unknown while its file is still being written. */
export interface UploadProgress {
  uri: string
  bytes: number
  total?: number
}

export type OnUploadProgress = (progress: UploadProgress) => void

/** The client's progress events, as UploadProgress; nothing at all when nobody listens. */
function progressOption(uri: string, total: number | undefined, onProgress?: OnUploadProgress) {
  if (!onProgress) return {}
  return {
    onUploadProgress: (event: { bytesWritten: number }) =>
      onProgress({ uri, bytes: event.bytesWritten, total })
  }
}

const resultOf = (
  item: Pick<UploadItem, 'uri' | 'checksums'>,
  uploaded: boolean
): UploadResult => ({
  uri: item.uri,
  bytes: item.checksums.bytes,
  uploaded
})

/** An immutable object (a release's, a dev run's) exists with other bytes. */
export class ImmutableObjectError extends Error {}

/** Above this size an upload goes in resumable chunks, so a dropped connection resumes. */
export const RESUMABLE_FROM_BYTES = 8 * 1024 * 1024
const PRECONDITION_FAILED = 412

export interface Remote {
  crc32c?: string
  generation: string
  size: number
  metadata: Record<string, string>
}

export async function remoteObject(storage: Storage, uri: string): Promise<Remote | undefined> {
  const { bucket, name } = parseGcsUri(uri)
  try {
    const [metadata] = await storage.bucket(bucket).file(name).getMetadata()
    return {
      crc32c: metadata.crc32c,
      generation: String(metadata.generation),
      size: Number(metadata.size ?? 0),
      metadata: Object.fromEntries(
        Object.entries(metadata.metadata ?? {}).map(([k, v]) => [k, String(v)])
      )
    }
  } catch (error) {
    if ((error as { code?: number }).code === 404) return undefined
    throw error
  }
}

function conflict(item: Pick<UploadItem, 'uri' | 'immutable'>): ImmutableObjectError {
  return new ImmutableObjectError(
    `${item.uri} already exists with different content. ${item.immutable}`
  )
}

/** The options every upload of an item shares: type, metadata and the generation it replaces. */
function writeOptions(item: Pick<UploadItem, 'contentType' | 'metadata'>, remote?: Remote) {
  return {
    // The checks below compare the server's CRC32C with the one computed when the zip was
    // made, which also covers the bytes the client sent; the client's own validation would hash
    // every byte a second time in JavaScript, on the main thread that feeds the upload.
    validation: false as const,
    metadata: { contentType: item.contentType, metadata: item.metadata },
    // Replace exactly the object we looked at (or create it): a concurrent writer makes this
    // fail instead of being silently overwritten, and retries stay safe.
    preconditionOpts: { ifGenerationMatch: remote?.generation ?? 0 }
  }
}

/** Fails, and deletes the object, when it does not hold the bytes that were checksummed. */
async function verify(file: File, item: Pick<UploadItem, 'uri' | 'checksums'>): Promise<void> {
  if (file.metadata.crc32c === item.checksums.crc32c) return
  // A corrupt object must not stay: a release's would block every later upload as immutable.
  await file.delete({ ifGenerationMatch: file.metadata.generation }).catch(() => undefined)
  throw new Error(
    `${item.uri} arrived with CRC32C ${file.metadata.crc32c}, expected ${item.checksums.crc32c}: the bytes were corrupted on the way or the file changed during the upload; the object was deleted, run again`
  )
}

/** Uploads a file unless the object already holds the same bytes. */
export async function uploadFile(
  storage: Storage,
  item: UploadItem,
  force = false,
  onProgress?: OnUploadProgress
): Promise<UploadResult> {
  const remote = await remoteObject(storage, item.uri)
  if (remote?.crc32c === item.checksums.crc32c) {
    return resultOf(item, false)
  }
  if (remote && item.immutable && !force) throw conflict(item)
  const { bucket, name } = parseGcsUri(item.uri)
  try {
    const [file] = await storage.bucket(bucket).upload(item.localPath, {
      destination: name,
      resumable: item.checksums.bytes >= RESUMABLE_FROM_BYTES,
      ...writeOptions(item, remote),
      ...progressOption(item.uri, item.checksums.bytes, onProgress)
    })
    await verify(file, item)
  } catch (error) {
    if ((error as { code?: number }).code !== PRECONDITION_FAILED) throw error
    // Someone wrote the object meanwhile: fine if they wrote the same bytes.
    if ((await remoteObject(storage, item.uri))?.crc32c === item.checksums.crc32c) {
      return resultOf(item, false)
    }
    throw item.immutable
      ? conflict(item)
      : new Error(`${item.uri} was changed by another run during the upload; run again`)
  }
  return resultOf(item, true)
}

/** An upload fed while its bytes are being made; see startStreamedUpload. */
export interface StreamedUpload {
  /** Write the bytes here, and end it. */
  stream: Writable
  /**
   * Once every byte is written and checksummed: the upload's result, or when the object does not
   * hold those bytes, `fallback`'s.
   */
  finish(checksums: Checksums, fallback: () => Promise<UploadResult>): Promise<UploadResult>
}

/**
 * Uploads a (mutable) object while its bytes are still being made, without a file in between. A
 * streamed upload cannot be replayed, so any failure (of the transfer, or bytes that do not match
 * the checksum) is left to the caller's fallback: typically a file of the same bytes, uploaded
 * with retries and preconditions.
 */
export function startStreamedUpload(
  storage: Storage,
  target: Pick<UploadItem, 'uri' | 'contentType' | 'metadata'>,
  remote: Remote | undefined,
  progress?: { onProgress: OnUploadProgress; expectedBytes: number }
): StreamedUpload {
  const { bucket, name } = parseGcsUri(target.uri)
  const file = storage.bucket(bucket).file(name)
  const stream = file.createWriteStream({ resumable: true, ...writeOptions(target, remote) })
  // The zip's size is known only once it ends: until then the files' total size stands in for it.
  if (progress)
    stream.on('progress', (event: { bytesWritten: number }) =>
      progress.onProgress({
        uri: target.uri,
        bytes: event.bytesWritten,
        total: Math.max(progress.expectedBytes, event.bytesWritten)
      })
    )
  const done = finished(stream)
  // Until finish() is called nobody else listens: a failure is handled there, not unhandled.
  done.catch(() => undefined)
  return {
    stream,
    async finish(checksums, fallback) {
      const item = { uri: target.uri, checksums }
      try {
        await done
        await verify(file, item)
      } catch {
        return fallback()
      }
      progress?.onProgress({ uri: target.uri, bytes: checksums.bytes, total: checksums.bytes })
      return resultOf(item, true)
    }
  }
}

/** Uploads in parallel; an object that already holds the same bytes is left as it is. */
export async function uploadFiles(
  storage: Storage,
  items: UploadItem[],
  force = false,
  onProgress?: OnUploadProgress
): Promise<UploadResult[]> {
  return Promise.all(items.map(item => uploadFile(storage, item, force, onProgress)))
}
