/**
 * The zip's bytes, made in the snapshot's own thread (snapshot-worker.ts): the entries as a
 * deterministic zip (records.ts: entries in the given order, a fixed timestamp, permissions
 * reduced to 0644/0755, no extra fields), in blocks.
 *
 * Memory is bounded whatever the repository's size: small files are read, checksummed and
 * deflated one at a time, bigger ones are streamed, and the next block is made only when the
 * previous ones have been taken.
 */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs'
import { PassThrough, Transform, type TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { constants, crc32, createDeflateRaw, deflateRawSync } from 'node:zlib'
import { levelForBuffer, levelForFile, STORE } from './compress.js'
import { fileError, type Entry } from './entries.js'
import {
  centralRecord,
  dataDescriptor,
  endOfCentralDirectory,
  localHeader,
  ZIP64_FROM_BYTES,
  type Written
} from './records.js'

/**
 * Files up to this size are read whole, synchronously: a stream per file would cost a pipeline
 * and a few turns of the event loop each, which for thousands of small files is most of the
 * snapshot's time. Their sizes and CRC lead their data; bigger files are streamed, with a data
 * descriptor after their data. Which is which depends only on the sizes: the same tree, the same
 * bytes.
 */
const READ_WHOLE_MAX_BYTES = 1024 * 1024
/** The zip leaves in blocks of this size: the upload's cost is per block, not per byte. */
const BLOCK_BYTES = 1024 * 1024
const STREAM_CHUNK_BYTES = 1024 * 1024
const DEFLATED = 8
const DIRECTORY_CHUNK_BYTES = 256 * 1024
const CHANGED_SIZE = new Error('unexpected number of bytes')

/**
 * The zip of `entries`, in blocks of BLOCK_BYTES (a few shorter), each the only user of its memory
 * so that it can be moved to another thread.
 */
export async function* zipBytes(
  entries: readonly Entry[]
): AsyncGenerator<Uint8Array<ArrayBuffer>> {
  // Small files are read into one buffer, again and again: an allocation per file would leave
  // garbage at the rate files are read, which the thread's collector frees far behind.
  const scratch = Buffer.allocUnsafeSlow(READ_WHOLE_MAX_BYTES + 1)
  // The central directory's records (46 bytes and a name each), made as each entry is written and
  // copied into chunks of their own: kept as small Buffers, each would keep alive the 8 KiB pool
  // slab it was cut from, and with it whatever else was allocated there.
  const directory = new Blocks(DIRECTORY_CHUNK_BYTES)
  const blocks = new Blocks()
  for (const entry of entries) {
    const base = {
      name: Buffer.from(entry.name),
      mode: entry.executable ? 0o100755 : 0o100644,
      offset: blocks.offset
    }
    try {
      if (entry.size <= READ_WHOLE_MAX_BYTES) writeSmall(entry, base, scratch, directory, blocks)
      else yield* writeStreamed(entry, base, directory, blocks)
    } catch (error) {
      throw fileError(entry.name, error)
    }
    yield* blocks.take()
  }
  const start = blocks.offset
  directory.end()
  for (const records of directory.take()) blocks.write(records)
  blocks.write(endOfCentralDirectory(entries.length, start, blocks.offset - start))
  blocks.end()
  yield* blocks.take()
}

type Base = Pick<Written, 'name' | 'mode' | 'offset'>

/** A small file: its header and data at once; its central record kept for the end. */
function writeSmall(
  entry: Entry,
  base: Base,
  scratch: Buffer,
  directory: Blocks,
  blocks: Blocks
): void {
  const small = readSmall(entry, scratch)
  const record: Written = {
    ...base,
    method: small.method,
    crc: small.crc,
    compressedSize: small.data.length,
    size: entry.size,
    descriptor: false,
    zip64: false
  }
  directory.write(centralRecord(record))
  blocks.write(localHeader(record))
  blocks.write(small.data)
}

/** A bigger file, streamed: its header, its data as it is made, then a data descriptor. */
async function* writeStreamed(
  entry: Entry,
  base: Base,
  directory: Blocks,
  blocks: Blocks
): AsyncGenerator<Uint8Array<ArrayBuffer>> {
  const level = levelForFile(entry.name, entry.source, entry.size)
  const zip64 = entry.size >= ZIP64_FROM_BYTES
  const method = level === STORE ? STORE : DEFLATED
  const opening = { ...base, method, crc: 0, compressedSize: 0, size: 0 }
  blocks.write(localHeader({ ...opening, descriptor: true, zip64 }))
  const sums = { crc: 0, size: 0, compressedSize: 0 }
  for await (const chunk of fileData(entry, level, sums)) {
    sums.compressedSize += chunk.length
    blocks.pass(chunk)
    yield* blocks.take()
  }
  if (sums.size !== entry.size) throw CHANGED_SIZE
  const record: Written = { ...opening, ...sums, descriptor: true, zip64 }
  directory.write(centralRecord(record))
  blocks.write(dataDescriptor(record))
}

interface Small {
  data: Buffer
  method: number
  crc: number
}

/**
 * A small file's data as it goes into the zip (stored, or deflated when that gains anything),
 * read into `scratch`: stored data is a view of it, valid until the next read.
 */
function readSmall(entry: Entry, scratch: Buffer): Small {
  const buffer = readWhole(entry.source, scratch)
  if (buffer.length !== entry.size) throw CHANGED_SIZE
  const crc = crc32(buffer)
  const level = levelForBuffer(entry.name, buffer)
  if (level === STORE) return { data: buffer, method: STORE, crc }
  // zlib's output buffer sized for the file, not its 16 KiB default: for a small file that buffer
  // is most of what the deflate allocates.
  const chunkSize = Math.max(
    constants.Z_MIN_CHUNK,
    Math.min(buffer.length, constants.Z_DEFAULT_CHUNK)
  )
  return { data: deflateRawSync(buffer, { level, chunkSize }), method: DEFLATED, crc }
}

/** The file's bytes in `into`, up to its length (one more than a small file may have). */
function readWhole(file: string, into: Buffer): Buffer {
  const fd = openSync(file, 'r')
  try {
    let read = 0
    for (let n = -1; n !== 0 && read < into.length; read += n) {
      n = readSync(fd, into, read, into.length - read, read)
    }
    return into.subarray(0, read)
  } finally {
    closeSync(fd)
  }
}

/**
 * Cuts bytes into blocks of `size`, and counts the offset. Headers and small files are copied
 * into the block being filled; a big file's chunks, each in memory of its own, go on as they are.
 * Every block owns its memory.
 */
class Blocks {
  offset = 0
  private ready: Uint8Array<ArrayBuffer>[] = []
  private current: Buffer<ArrayBuffer>
  private used = 0

  constructor(private readonly size = BLOCK_BYTES) {
    this.current = Buffer.allocUnsafeSlow(size)
  }

  /** Copies `bytes` in: they may be reused as soon as this returns. */
  write(bytes: Uint8Array): void {
    for (let from = 0; from < bytes.length;) {
      const copied = Math.min(bytes.length - from, this.size - this.used)
      this.current.set(bytes.subarray(from, from + copied), this.used)
      this.used += copied
      from += copied
      if (this.used === this.size) this.end()
    }
    this.offset += bytes.length
  }

  /** Passes on a chunk that nothing else uses, after what has been written so far. */
  pass(chunk: Buffer): void {
    const memory = chunk.buffer
    const whole = chunk.byteOffset === 0 && chunk.byteLength === memory.byteLength
    if (!whole || !(memory instanceof ArrayBuffer) || chunk.length < this.size / 2)
      return this.write(chunk)
    this.end()
    this.ready.push(new Uint8Array(memory))
    this.offset += chunk.length
  }

  /** Ends the block being filled, however full. */
  end(): void {
    if (this.used === 0) return
    this.ready.push(this.current.subarray(0, this.used))
    this.current = Buffer.allocUnsafeSlow(this.size)
    this.used = 0
  }

  take(): Uint8Array<ArrayBuffer>[] {
    const ready = this.ready
    this.ready = []
    return ready
  }
}

/** A big file's data as it goes into the zip, stored or deflated; `sums` counts what was read. */
async function* fileData(
  entry: Entry,
  level: number,
  sums: { crc: number; size: number }
): AsyncGenerator<Buffer> {
  const input = createReadStream(entry.source, { highWaterMark: STREAM_CHUNK_BYTES })
  const count = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
      sums.crc = crc32(chunk, sums.crc)
      sums.size += chunk.length
      callback(null, chunk)
    }
  })
  const output = level === STORE ? new PassThrough() : createDeflateRaw({ level })
  const feeding = pipeline(input, count, output)
  // Read below; a failure here also ends that reading with the error, and is thrown there.
  feeding.catch(() => undefined)
  for await (const chunk of output) yield chunk as Buffer
  await feeding
}
