import type { Storage } from '@google-cloud/storage'
import type { Checksums } from '../checksum.js'
import { parseGcsUri } from '../gcs-uri.js'

export interface UploadItem {
  localPath: string
  uri: string
  contentType: string
  checksums: Checksums
  /** A release's object: never replaced by different bytes unless `force`. */
  immutable?: boolean
  /** Custom metadata stored with the object. */
  metadata?: Record<string, string>
}

export interface UploadResult {
  uri: string
  bytes: number
  /** False when the object already held exactly these bytes. */
  uploaded: boolean
}

/** A release object exists with other bytes: releases are immutable. */
export class ImmutableObjectError extends Error {}

/** Above this size an upload goes in resumable chunks, so a dropped connection resumes. */
const RESUMABLE_FROM_BYTES = 8 * 1024 * 1024
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

function conflict(uri: string): ImmutableObjectError {
  return new ImmutableObjectError(
    `${uri} already exists with different content, and a release is immutable: cut a new version, or set force: true to replace it`
  )
}

async function uploadOne(
  storage: Storage,
  item: UploadItem,
  force: boolean
): Promise<UploadResult> {
  const remote = await remoteObject(storage, item.uri)
  if (remote?.crc32c === item.checksums.crc32c) {
    return { uri: item.uri, bytes: item.checksums.bytes, uploaded: false }
  }
  if (remote && item.immutable && !force) throw conflict(item.uri)
  const { bucket, name } = parseGcsUri(item.uri)
  try {
    const [file] = await storage.bucket(bucket).upload(item.localPath, {
      destination: name,
      resumable: item.checksums.bytes >= RESUMABLE_FROM_BYTES,
      // The client compares the server's CRC32C with the bytes it sent and fails on a mismatch.
      validation: 'crc32c',
      metadata: { contentType: item.contentType, metadata: item.metadata },
      // Replace exactly the object we looked at (or create it): a concurrent writer makes this
      // fail instead of being silently overwritten, and retries stay safe.
      preconditionOpts: { ifGenerationMatch: remote?.generation ?? 0 }
    })
    if (file.metadata.crc32c !== item.checksums.crc32c) {
      throw new Error(
        `${item.uri} arrived with CRC32C ${file.metadata.crc32c}, expected ${item.checksums.crc32c}: the file changed during the upload; run again`
      )
    }
  } catch (error) {
    if ((error as { code?: number }).code !== PRECONDITION_FAILED) throw error
    // Someone wrote the object meanwhile: fine if they wrote the same bytes.
    if ((await remoteObject(storage, item.uri))?.crc32c === item.checksums.crc32c) {
      return { uri: item.uri, bytes: item.checksums.bytes, uploaded: false }
    }
    throw item.immutable
      ? conflict(item.uri)
      : new Error(`${item.uri} was changed by another run during the upload; run again`)
  }
  return { uri: item.uri, bytes: item.checksums.bytes, uploaded: true }
}

/** Uploads in parallel; an object that already holds the same bytes is left as it is. */
export async function uploadFiles(
  storage: Storage,
  items: UploadItem[],
  force = false
): Promise<UploadResult[]> {
  return Promise.all(items.map(item => uploadOne(storage, item, force)))
}
