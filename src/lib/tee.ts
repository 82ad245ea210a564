import { Transform, type TransformCallback, type Writable } from 'node:stream'

/**
 * Passes bytes through and copies them to a second destination, at the pace of the slower of the
 * two. The copy is a best effort (a streamed upload, retried from the file when it fails): its
 * failure stops only the copying, never the main stream. Destroying the main stream, e.g. on a
 * failed snapshot, destroys the copy too.
 */
export class Tee extends Transform {
  private copying = true

  constructor(private readonly copy: Writable) {
    super()
    copy.once('error', () => (this.copying = false))
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (!this.copying || this.copy.write(chunk)) {
      callback(null, chunk)
      return
    }
    const resume = (): void => {
      this.copy.off('drain', resume)
      this.copy.off('error', resume)
      callback(null, chunk)
    }
    this.copy.once('drain', resume)
    this.copy.once('error', resume)
  }

  override _flush(callback: TransformCallback): void {
    if (this.copying) this.copy.end()
    callback()
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (error && this.copying) this.copy.destroy(error)
    callback(error)
  }
}
