import type { Storage } from '@google-cloud/storage'
import type { Checksums } from '../checksum.js'
import { parseGcsUri } from '../gcs-uri.js'

export interface UploadItem {
  localPath: string
  uri: string
  contentType: string
  checksums: Checksums
}

export interface UploadResult {
  uri: string
  bytes: number
  /** False when the object already held exactly these bytes. */
  uploaded: boolean
}

/** Above this size an upload goes in resumable chunks, so a dropped connection resumes. */
const RESUMABLE_FROM_BYTES = 8 * 1024 * 1024

async function remoteCrc32c(storage: Storage, uri: string): Promise<string | undefined> {
  const { bucket, name } = parseGcsUri(uri)
  try {
    const [metadata] = await storage.bucket(bucket).file(name).getMetadata()
    return metadata.crc32c
  } catch (error) {
    if ((error as { code?: number }).code === 404) return undefined
    throw error
  }
}

async function uploadOne(storage: Storage, item: UploadItem): Promise<UploadResult> {
  if ((await remoteCrc32c(storage, item.uri)) === item.checksums.crc32c) {
    return { uri: item.uri, bytes: item.checksums.bytes, uploaded: false }
  }
  const { bucket, name } = parseGcsUri(item.uri)
  const [file] = await storage.bucket(bucket).upload(item.localPath, {
    destination: name,
    resumable: item.checksums.bytes >= RESUMABLE_FROM_BYTES,
    // The client compares the server's CRC32C with the bytes it sent and fails on a mismatch.
    validation: 'crc32c',
    metadata: { contentType: item.contentType }
  })
  if (file.metadata.crc32c !== item.checksums.crc32c) {
    throw new Error(
      `${item.uri} arrived with CRC32C ${file.metadata.crc32c}, expected ${item.checksums.crc32c}: the file changed during the upload or was corrupted; run again`
    )
  }
  return { uri: item.uri, bytes: item.checksums.bytes, uploaded: true }
}

/** Uploads in parallel; an object that already holds the same bytes is left as it is. */
export async function uploadFiles(storage: Storage, items: UploadItem[]): Promise<UploadResult[]> {
  return Promise.all(items.map(item => uploadOne(storage, item)))
}
