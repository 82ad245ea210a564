import type { Storage } from '@google-cloud/storage'
import { parseGcsUri } from '../../lib/gcs-uri.js'

/**
 * Follows a batch's driver output: the objects `URI.000000000`, `URI.000000001`, … that
 * Dataproc (runtime 1.x/2.x) writes while the driver runs. Each poll lists the series once and
 * fetches only the bytes not seen yet with a ranged read, so a long log costs no re-reads.
 */
export class DriverOutput {
  private index = 0
  private offset = 0
  private readonly decoder = new TextDecoder()
  private partial = ''

  constructor(
    private readonly storage: Storage,
    readonly uri: string,
    private readonly emitLine: (line: string) => void
  ) {}

  /** Reads what is new; returns true when the series is complete (a zero-byte object ends it). */
  async poll(batchEnded: boolean): Promise<boolean> {
    const { bucket, name } = parseGcsUri(this.uri)
    const [files] = await this.storage.bucket(bucket).getFiles({ prefix: `${name}.` })
    const sizes = new Map<number, number>()
    for (const file of files) {
      const index = Number(file.name.slice(name.length + 1))
      if (Number.isInteger(index)) sizes.set(index, Number(file.metadata.size ?? 0))
    }
    for (;;) {
      const size = sizes.get(this.index)
      if (size === undefined) return false
      if (size > this.offset) {
        const [bytes] = await this.storage
          .bucket(bucket)
          .file(`${name}.${String(this.index).padStart(9, '0')}`)
          .download({ start: this.offset, end: size - 1, validation: false })
        this.offset += bytes.length
        this.write(this.decoder.decode(bytes, { stream: true }))
      }
      if (size === 0 && this.index > 0 && !sizes.has(this.index + 1) && batchEnded) {
        this.flush()
        return true
      }
      // A later object existing means this one is complete.
      if (!sizes.has(this.index + 1)) return false
      this.index += 1
      this.offset = 0
    }
  }

  /** Emits a last line that had no newline yet. */
  flush(): void {
    this.write(this.decoder.decode())
    if (this.partial) this.emitLine(this.partial)
    this.partial = ''
  }

  private write(text: string): void {
    const lines = (this.partial + text).split('\n')
    this.partial = lines.pop() ?? ''
    for (const line of lines) this.emitLine(line.replace(/\r$/, ''))
  }
}
