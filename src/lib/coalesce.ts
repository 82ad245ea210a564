import { Transform, type TransformCallback } from 'node:stream'

/**
 * Gathers small chunks into blocks of at least `blockBytes` (a chunk that big on its own passes
 * as it is). yazl writes a header, the data and a descriptor for every entry: thousands of small
 * chunks for a Kedro project, each of which would otherwise cost a call in every stage after it
 * (the checksum, the file, the upload's socket).
 */
export class Coalesce extends Transform {
  private pending: Buffer[] = []
  private pendingBytes = 0

  constructor(private readonly blockBytes: number) {
    super()
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.pendingBytes === 0 && chunk.length >= this.blockBytes) {
      callback(null, chunk)
      return
    }
    this.pending.push(chunk)
    this.pendingBytes += chunk.length
    if (this.pendingBytes >= this.blockBytes) this.pushPending()
    callback()
  }

  override _flush(callback: TransformCallback): void {
    this.pushPending()
    callback()
  }

  private pushPending(): void {
    if (this.pendingBytes === 0) return
    this.push(Buffer.concat(this.pending, this.pendingBytes))
    this.pending = []
    this.pendingBytes = 0
  }
}
