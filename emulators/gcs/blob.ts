import { randomBytes } from 'node:crypto'
import { open, rm, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { Checksummer, fileChecksums, type Checksums } from '../../src/checksum.js'

/** A finished body on disk with the checksums the JSON API reports, both base64. */
export interface Blob {
  path: string
  size: number
  md5Hash: string
  crc32c: string
}

const toBlob = (path: string, sums: Checksums): Blob => ({
  path,
  size: sums.bytes,
  md5Hash: sums.md5,
  crc32c: sums.crc32c
})

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
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly sums: Checksummer
  ) {}

  static async create(tmpDir: string): Promise<BlobWriter> {
    const path = join(tmpDir, `${Date.now()}-${randomBytes(8).toString('hex')}`)
    return new BlobWriter(path, await open(path, 'wx'), await Checksummer.create())
  }

  async write(chunk: Buffer): Promise<void> {
    if (chunk.length === 0) return
    this.sums.update(chunk)
    await writeFully(this.handle, chunk, null)
  }

  async finish(): Promise<Blob> {
    await this.handle.close()
    return toBlob(this.path, this.sums.result())
  }

  async abort(): Promise<void> {
    await this.handle.close().catch(() => undefined)
    await rm(this.path, { force: true })
  }
}

/** Hashes an existing file, for resumable sessions whose chunks may arrive across restarts. */
export async function hashFile(path: string): Promise<Blob> {
  return toBlob(path, await fileChecksums(path))
}
