import { createHash, randomBytes, type Hash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open, rm, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { createCRC32, type IHasher } from 'hash-wasm'

/** A finished body on disk with the checksums the JSON API reports, both base64. */
export interface Blob {
  path: string
  size: number
  md5Hash: string
  crc32c: string
}

/** The Castagnoli polynomial (reversed), which makes hash-wasm's CRC32 a CRC32C. */
const CASTAGNOLI = 0x82f63b78

/**
 * The two checksums GCS reports for an object's bytes, CRC32C and MD5. The CRC32C is the
 * emulator's own, not the action's: a stand-in for the service shares no code with its client.
 */
export class ObjectHasher {
  private readonly md5: Hash = createHash('md5')
  private size = 0

  private constructor(private readonly crc: IHasher) {}

  static async create(): Promise<ObjectHasher> {
    const crc = await createCRC32(CASTAGNOLI)
    crc.init()
    return new ObjectHasher(crc)
  }

  update(chunk: Buffer): void {
    this.crc.update(chunk)
    this.md5.update(chunk)
    this.size += chunk.length
  }

  blob(path: string): Blob {
    const crc32c = Buffer.from(this.crc.digest('hex'), 'hex').toString('base64')
    return { path, size: this.size, md5Hash: this.md5.digest('base64'), crc32c }
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
