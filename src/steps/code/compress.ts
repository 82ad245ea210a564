/**
 * Whether an entry is deflated or stored, decided from its content: deflating data that is
 * already compressed or random (models, pickles of arrays, archives under any name) costs CPU
 * time and gains nothing, and a repository's file names cannot be trusted to say which is which.
 *
 * The test deflates a small sample from the middle of the file at the level the zip uses; the
 * middle, because headers (a pickle's, a PNG's) are often compressible when the payload is not.
 * The decision is a function of the bytes alone, so the same tree still gives the same zip.
 */
import { closeSync, openSync, readSync } from 'node:fs'
import path from 'node:path'
import { deflateRawSync } from 'node:zlib'

/**
 * zlib's fastest level: for source text it is about twice as fast as the default for a zip a few
 * percent bigger, and the bytes that dominate a Kedro archive are data, stored as they are.
 */
export const DEFLATE_LEVEL = 1
export const STORE = 0

/** Files smaller than this are deflated untested: a test would cost as much as the deflate. */
const SAMPLE_FROM_BYTES = 16 * 1024
const SAMPLE_BYTES = 4 * 1024
/** A sample that deflates to more than this fraction of itself is called incompressible. */
const STORE_ABOVE = 0.9

/** Extensions of formats that are compressed by design: stored without a test. */
const COMPRESSED_EXTENSIONS = new Set(
  (
    '.zip .gz .tgz .bz2 .tbz2 .xz .txz .zst .lz4 .lzo .br .7z .rar .jar .whl .egg .npz .parquet ' +
    '.orc .snappy .png .jpg .jpeg .gif .webp .avif .heic .mp3 .mp4 .m4a .mov .mkv .webm .ogg ' +
    '.flac .woff .woff2 .docx .xlsx .pptx'
  ).split(' ')
)

/** The level for an entry whose bytes are in memory. */
export function levelForBuffer(name: string, bytes: Buffer): number {
  if (COMPRESSED_EXTENSIONS.has(path.extname(name).toLowerCase())) return STORE
  if (bytes.length < SAMPLE_FROM_BYTES) return DEFLATE_LEVEL
  const start = sampleStart(bytes.length)
  return levelForSample(bytes.subarray(start, start + SAMPLE_BYTES))
}

/** The level for an entry streamed from disk: reads only the sample. */
export function levelForFile(name: string, file: string, size: number): number {
  if (COMPRESSED_EXTENSIONS.has(path.extname(name).toLowerCase())) return STORE
  if (size < SAMPLE_FROM_BYTES) return DEFLATE_LEVEL
  const sample = Buffer.alloc(SAMPLE_BYTES)
  const fd = openSync(file, 'r')
  try {
    const read = readSync(fd, sample, 0, SAMPLE_BYTES, sampleStart(size))
    return levelForSample(sample.subarray(0, read))
  } finally {
    closeSync(fd)
  }
}

function sampleStart(size: number): number {
  return Math.floor((size - SAMPLE_BYTES) / 2)
}

function levelForSample(sample: Buffer): number {
  const deflated = deflateRawSync(sample, { level: DEFLATE_LEVEL })
  return deflated.length > sample.length * STORE_ABOVE ? STORE : DEFLATE_LEVEL
}
