import { createReadStream } from 'node:fs'
import { createCRC32, type IHasher } from 'hash-wasm'

/** What is compared with a GCS object: its size and its base64 big-endian CRC32C. */
export interface Checksums {
  bytes: number
  crc32c: string
}

/** The Castagnoli polynomial (reversed), which makes hash-wasm's CRC32 a CRC32C. */
const CASTAGNOLI = 0x82f63b78

/**
 * CRC32C, the checksum GCS keeps for every object (composite ones have no MD5), from
 * WebAssembly: as fast as a native addon, and the bundle still runs on every runner's OS and CPU.
 */
export class Checksummer {
  private bytes = 0

  private constructor(private readonly crc: IHasher) {}

  static async create(): Promise<Checksummer> {
    const crc = await createCRC32(CASTAGNOLI)
    crc.init()
    return new Checksummer(crc)
  }

  update(chunk: Uint8Array): void {
    this.crc.update(chunk)
    this.bytes += chunk.length
  }

  result(): Checksums {
    return {
      bytes: this.bytes,
      crc32c: Buffer.from(this.crc.digest('hex'), 'hex').toString('base64')
    }
  }
}

export async function fileChecksums(path: string): Promise<Checksums> {
  const sums = await Checksummer.create()
  for await (const chunk of createReadStream(path)) sums.update(chunk as Buffer)
  return sums.result()
}
