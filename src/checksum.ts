import { createHash, type Hash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { Transform, Writable } from 'node:stream'
import type { TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createCRC32, type IHasher } from 'hash-wasm'

/** What GCS reports for an object: base64 MD5 and base64 big-endian CRC32C. */
export interface Checksums {
  bytes: number
  md5: string
  crc32c: string
}

/** The Castagnoli polynomial (reversed), which makes hash-wasm's CRC32 a CRC32C. */
const CASTAGNOLI = 0x82f63b78

/**
 * MD5 and CRC32C in one pass. CRC32C comes from WebAssembly: as fast as a native addon, and the
 * bundle still runs on every runner's OS and CPU.
 */
export class Checksummer {
  private readonly md5: Hash = createHash('md5')
  private bytes = 0

  private constructor(private readonly crc: IHasher) {}

  static async create(): Promise<Checksummer> {
    const crc = await createCRC32(CASTAGNOLI)
    crc.init()
    return new Checksummer(crc)
  }

  update(chunk: Buffer): void {
    this.md5.update(chunk)
    this.crc.update(chunk)
    this.bytes += chunk.length
  }

  result(): Checksums {
    return {
      bytes: this.bytes,
      md5: this.md5.digest('base64'),
      crc32c: Buffer.from(this.crc.digest('hex'), 'hex').toString('base64')
    }
  }
}

/** Passes bytes through while computing what GCS will report for them once uploaded. */
export class HashingStream extends Transform {
  private constructor(private readonly sums: Checksummer) {
    super()
  }

  static async create(): Promise<HashingStream> {
    return new HashingStream(await Checksummer.create())
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.sums.update(chunk)
    callback(null, chunk)
  }

  result(): Checksums {
    return this.sums.result()
  }
}

export async function fileChecksums(path: string): Promise<Checksums> {
  const hasher = await HashingStream.create()
  const sink = new Writable({ write: (_chunk, _encoding, callback) => callback() })
  await pipeline(createReadStream(path), hasher, sink)
  return hasher.result()
}
