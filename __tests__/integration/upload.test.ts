import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Storage } from '@google-cloud/storage'
import type { Stack } from '../../emulators/stack.js'
import { fileChecksums } from '../../src/lib/checksum.js'
import {
  startStreamedUpload,
  uploadFile,
  uploadFiles,
  type UploadItem
} from '../../src/steps/code/upload.js'
import { stackStorage, startTestStack } from '../helpers/stack.js'

const BUCKET = 'upload-bucket'
let stack: Stack
let storage: Storage
const scratch = mkdtempSync(join(tmpdir(), 'upload-'))

beforeAll(async () => {
  stack = await startTestStack('off', BUCKET)
  storage = stackStorage(stack)
})
afterAll(async () => {
  await stack.stop()
  rmSync(scratch, { recursive: true, force: true })
})

async function item(name: string, content: Buffer, immutable?: string): Promise<UploadItem> {
  const localPath = join(scratch, name)
  writeFileSync(localPath, content)
  return {
    localPath,
    uri: `gs://${BUCKET}/${name}`,
    contentType: 'application/zip',
    checksums: await fileChecksums(localPath),
    immutable
  }
}

const exists = async (name: string): Promise<boolean> =>
  (await storage.bucket(BUCKET).file(name).exists())[0]

describe('uploadFiles', () => {
  it('uploads once, then leaves an object that already holds the same bytes', async () => {
    const upload = await item('same.zip', Buffer.alloc(64 * 1024, 7))
    expect(await uploadFiles(storage, [upload])).toEqual([
      { uri: upload.uri, bytes: 64 * 1024, uploaded: true }
    ])
    const uploadsBefore = stack.gcs.faults.requestCounts()['gcs.upload'] ?? 0
    expect(await uploadFiles(storage, [upload])).toEqual([
      { uri: upload.uri, bytes: 64 * 1024, uploaded: false }
    ])
    expect(stack.gcs.faults.requestCounts()['gcs.upload'] ?? 0).toBe(uploadsBefore)
  })

  // The server's CRC32C is checked against the one taken when the file was written: bytes that
  // differ from it (here: the file rewritten after its checksum was taken) fail the upload, and
  // the object does not stay behind to block a release as immutable.
  it.each([
    ['a mutable object, small', 'small.zip', 1024, undefined],
    ['a release object, resumable', 'release.zip', 9 * 1024 * 1024, 'a release is immutable']
  ])('refuses %s whose bytes are not the checksummed ones, and deletes it', async (...row) => {
    const [, name, size, immutable] = row
    const upload = await item(name, Buffer.alloc(size, 1), immutable)
    writeFileSync(upload.localPath, Buffer.alloc(size, 2))
    await expect(uploadFiles(storage, [upload])).rejects.toThrow(
      `${upload.uri} arrived with CRC32C`
    )
    expect(await exists(name)).toBe(false)
  })
})

describe('startStreamedUpload', () => {
  const uploads = (): number => stack.gcs.faults.requestCounts()['gcs.upload'] ?? 0

  /**
   * Streams 12 MiB in 1 MiB pieces into an upload, as the snapshot does; the fallback uploads a
   * file of the same bytes, as the snapshot's does.
   */
  async function streamWithFallback(name: string) {
    const target = {
      uri: `gs://${BUCKET}/${name}`,
      contentType: 'application/zip',
      metadata: { 'kedro-dataproc-tree': 'key-1' }
    }
    const pieces = Array.from({ length: 12 }, () => randomBytes(1024 * 1024))
    const localPath = join(scratch, name)
    writeFileSync(localPath, Buffer.concat(pieces))
    const checksums = await fileChecksums(localPath)
    let fellBack = false
    const streamed = startStreamedUpload(storage, target, undefined)
    await pipeline(Readable.from(pieces), streamed.stream).catch(() => undefined)
    const result = await streamed.finish(checksums, () => {
      fellBack = true
      return uploadFile(storage, { ...target, localPath, checksums })
    })
    const [metadata] = await storage.bucket(BUCKET).file(name).getMetadata()
    return { result, checksums, metadata, fellBack }
  }

  it('uploads the bytes as they are written, with the metadata', async () => {
    const before = uploads()
    const { result, checksums, metadata, fellBack } = await streamWithFallback('streamed.zip')
    expect(fellBack).toBe(false)
    expect(result).toEqual({
      uri: `gs://${BUCKET}/streamed.zip`,
      bytes: 12 * 1024 * 1024,
      uploaded: true
    })
    expect(metadata.crc32c).toBe(checksums.crc32c)
    expect(metadata.metadata).toEqual({ 'kedro-dataproc-tree': 'key-1' })
    // One request starts the session, one carries every byte.
    expect(uploads() - before).toBe(2)
  })

  it.each([
    ['the session cannot be started', { status: 400 }],
    ['the connection drops halfway', { drop: true }]
  ])('still stores exactly the file when %s', async (...row) => {
    const [, fault] = row
    stack.gcs.faults.arm({ route: 'gcs.upload', times: 1, ...fault })
    const before = uploads()
    const { result, checksums, metadata } = await streamWithFallback(`fault-${before}.zip`)
    expect(result.uploaded).toBe(true)
    expect(metadata.crc32c).toBe(checksums.crc32c)
    expect(metadata.metadata).toEqual({ 'kedro-dataproc-tree': 'key-1' })
    // The failed request, then what recovered: the client resuming, or the upload of the file.
    expect(uploads() - before).toBeGreaterThan(2)
  })
})
