import { badRequest } from './errors.js'

/**
 * Pulls a request body chunk by chunk and splits it on delimiters without ever holding more than
 * one chunk plus a delimiter's length, so a multipart upload of any size costs little memory.
 */
export class BodyReader {
  private pending: Buffer = Buffer.alloc(0)

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  private async pull(): Promise<boolean> {
    const next = await this.source.next()
    if (next.done) return false
    this.pending =
      this.pending.length === 0 ? next.value : Buffer.concat([this.pending, next.value])
    return true
  }

  /** Ensures at least `count` bytes are buffered (fewer only at the end) and returns them. */
  async peek(count: number): Promise<Buffer> {
    while (this.pending.length < count && (await this.pull()));
    return this.pending.subarray(0, count)
  }

  skip(count: number): void {
    this.pending = this.pending.subarray(count)
  }

  /** Returns everything before `delimiter` and consumes the delimiter. */
  async readUntil(delimiter: Buffer, limit: number): Promise<Buffer> {
    let from = 0
    for (;;) {
      const at = this.pending.indexOf(delimiter, from)
      if (at >= 0) {
        const before = this.pending.subarray(0, at)
        this.skip(at + delimiter.length)
        return before
      }
      if (this.pending.length > limit) throw badRequest('A multipart section is too large.')
      from = Math.max(0, this.pending.length - delimiter.length + 1)
      if (!(await this.pull())) throw badRequest('The multipart body ended before its boundary.')
    }
  }

  /** Hands everything before `delimiter` to `sink` as it arrives and consumes the delimiter. */
  async streamUntil(delimiter: Buffer, sink: (chunk: Buffer) => Promise<void>): Promise<void> {
    const keep = delimiter.length - 1
    for (;;) {
      const at = this.pending.indexOf(delimiter)
      if (at >= 0) {
        await sink(this.pending.subarray(0, at))
        this.skip(at + delimiter.length)
        return
      }
      if (this.pending.length > keep) {
        await sink(this.pending.subarray(0, this.pending.length - keep))
        this.skip(this.pending.length - keep)
      }
      if (!(await this.pull())) throw badRequest('The multipart body ended before its boundary.')
    }
  }

  /** Discards the rest of the body (the closing boundary and any epilogue). */
  async drain(): Promise<void> {
    this.pending = Buffer.alloc(0)
    while (await this.pull()) this.pending = Buffer.alloc(0)
  }
}
