import type { StorageClient } from './storage-http.js'
import { parseGsUri } from './storage-http.js'

/**
 * Driver output as the service writes it: objects `PREFIX.000000000`, `PREFIX.000000001`, … Each
 * object is rewritten with the bytes so far while it fills (readers follow it with ranged GETs), is
 * final once the next object exists, and a zero-byte object after the last one marks the end.
 * Uploads run one at a time, in order, so a later object never appears before an earlier one is final.
 */
export class OutputSeries {
  private index = 0
  private current = Buffer.alloc(0)
  private dirty = false
  private uploaded = false
  private queue: Promise<void> = Promise.resolve()
  private readonly timer: NodeJS.Timeout
  private failure: Error | undefined

  constructor(
    private readonly storage: StorageClient,
    private readonly prefix: string,
    private readonly rolloverBytes: number,
    flushMs: number
  ) {
    this.timer = setInterval(() => this.flush(), flushMs)
  }

  write(chunk: Buffer): void {
    this.current = Buffer.concat([this.current, chunk])
    this.dirty = true
    while (this.current.length >= this.rolloverBytes) {
      this.enqueue(this.index, this.current.subarray(0, this.rolloverBytes))
      this.index += 1
      this.current = this.current.subarray(this.rolloverBytes)
      this.uploaded = false
      this.dirty = this.current.length > 0
    }
  }

  /** Writes the last partial object and the end marker; resolves once both are stored. */
  async close(): Promise<void> {
    clearInterval(this.timer)
    if (this.current.length > 0 || this.uploaded) {
      this.enqueue(this.index, this.current)
      this.index += 1
    }
    this.enqueue(this.index, Buffer.alloc(0))
    await this.queue
    if (this.failure) throw this.failure
  }

  private flush(): void {
    if (!this.dirty) return
    this.dirty = false
    this.uploaded = true
    this.enqueue(this.index, this.current)
  }

  private enqueue(index: number, data: Buffer): void {
    const { bucket, name } = parseGsUri(this.prefix)
    const location = { bucket, name: `${name}.${String(index).padStart(9, '0')}` }
    this.queue = this.queue.then(() =>
      this.storage.upload(location, data).catch((error: unknown) => {
        this.failure ??= error as Error
      })
    )
  }
}
