import type { InputType, ZlibOptions } from 'node:zlib'

declare const zlib: typeof import('node:zlib') & {
  deflateRaw(
    buffer: InputType,
    options: ZlibOptions,
    callback: (error: Error | null, result: Buffer) => void
  ): void
  SYNC_MAX_BYTES: number
}
export = zlib
