import { createHash, randomBytes, type Hash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open, rm, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { crc32c } from '@node-rs/crc32'

/** A finished body on disk with the checksums the JSON API reports, both base64. */
export interface Blob {
  path: string
  size: number
  md5Hash: string
  crc32c: string
}

/** The JSON API's crc32c form: the big-endian bytes of the checksum, base64. */
const crc32cBase64 = (value: number): string => {
  const bytes = Buffer.alloc(4)
  bytes.writeUInt32BE(value >>> 0)
  return bytes.toString('base64')
}

/** Writes all of `chunk` at `position` (null: the current position), looping over short writes. */
export async function writeFully(
  handle: FileHandle,
  chunk: Buffer,
  position: number | null
): Promise<void> {
  let done = 0
  while (done < chunk.length) {
    const at = position === null ? null : position + done
    const { bytesWritten } = await handle.write(chunk, done, chunk.length - done, at)
    done += bytesWritten
  }
}

/** Streams a body into a temporary file, hashing as it goes so no body is ever held in memory. */
export class BlobWriter {
  private readonly md5: Hash = createHash('md5')
  private crc = 0
  private size = 0

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle
  ) {}

  static async create(tmpDir: string): Promise<BlobWriter> {
    const path = join(tmpDir, `${Date.now()}-${randomBytes(8).toString('hex')}`)
    return new BlobWriter(path, await open(path, 'wx'))
  }

  async write(chunk: Buffer): Promise<void> {
    if (chunk.length === 0) return
    this.md5.update(chunk)
    this.crc = crc32c(chunk, this.crc)
    this.size += chunk.length
    await writeFully(this.handle, chunk, null)
  }

  async finish(): Promise<Blob> {
    await this.handle.close()
    return {
      path: this.path,
      size: this.size,
      md5Hash: this.md5.digest('base64'),
      crc32c: crc32cBase64(this.crc)
    }
  }

  async abort(): Promise<void> {
    await this.handle.close().catch(() => undefined)
    await rm(this.path, { force: true })
  }
}

/** Hashes an existing file, for resumable sessions whose chunks may arrive across restarts. */
export async function hashFile(path: string): Promise<Blob> {
  const md5 = createHash('md5')
  let crc = 0
  let size = 0
  for await (const chunk of createReadStream(path)) {
    const bytes = chunk as Buffer
    md5.update(bytes)
    crc = crc32c(bytes, crc)
    size += bytes.length
  }
  return { path, size, md5Hash: md5.digest('base64'), crc32c: crc32cBase64(crc) }
}
