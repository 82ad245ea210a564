import { createHash, randomBytes, type Hash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open, rm, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { Checksummer } from '../../src/checksum.js'

/** A finished body on disk with the checksums the JSON API reports, both base64. */
export interface Blob {
  path: string
  size: number
  md5Hash: string
  crc32c: string
}

/** The two checksums GCS reports for an object's bytes: the action's CRC32C, and MD5. */
export class ObjectHasher {
  private readonly md5: Hash = createHash('md5')

  private constructor(private readonly crc: Checksummer) {}

  static async create(): Promise<ObjectHasher> {
    return new ObjectHasher(await Checksummer.create())
  }

  update(chunk: Buffer): void {
    this.crc.update(chunk)
    this.md5.update(chunk)
  }

  blob(path: string): Blob {
    const { bytes, crc32c } = this.crc.result()
    return { path, size: bytes, md5Hash: this.md5.digest('base64'), crc32c }
  }
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
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly sums: ObjectHasher
  ) {}

  static async create(tmpDir: string): Promise<BlobWriter> {
    const path = join(tmpDir, `${Date.now()}-${randomBytes(8).toString('hex')}`)
    return new BlobWriter(path, await open(path, 'wx'), await ObjectHasher.create())
  }

  async write(chunk: Buffer): Promise<void> {
    if (chunk.length === 0) return
    this.sums.update(chunk)
    await writeFully(this.handle, chunk, null)
  }

  async finish(): Promise<Blob> {
    await this.handle.close()
    return this.sums.blob(this.path)
  }

  async abort(): Promise<void> {
    await this.handle.close().catch(() => undefined)
    await rm(this.path, { force: true })
  }
}

/** Hashes an existing file, for resumable sessions whose chunks may arrive across restarts. */
export async function hashFile(path: string): Promise<Blob> {
  const sums = await ObjectHasher.create()
  for await (const chunk of createReadStream(path)) sums.update(chunk as Buffer)
  return sums.blob(path)
}
