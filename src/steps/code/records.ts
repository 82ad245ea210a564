/**
 * The zip format's records (APPNOTE.TXT 6.3), as the snapshot writes them: a fixed timestamp,
 * Unix permissions, UTF-8 names, no extra field unless a size or an offset needs ZIP64. What
 * unpacks code.zip on Dataproc (Hadoop's FileUtil.unZip, i.e. java.util.zip) and Python's
 * zipfile both read data descriptors and ZIP64.
 */

/** A file's record once its data is written: what the central directory repeats. */
export interface Written {
  name: Buffer
  /** 0: stored, 8: deflated. */
  method: number
  crc: number
  compressedSize: number
  size: number
  /** Where its local header starts. */
  offset: number
  /** 0o100644 or 0o100755. */
  mode: number
  /** Sizes and CRC follow the data instead of leading it (the file was streamed). */
  descriptor: boolean
  /** The local header and the descriptor use ZIP64 sizes (a file of 4 GiB or more). */
  zip64: boolean
}

const MAX32 = 0xffffffff
const MAX16 = 0xffff
/** 1980-01-01 00:00:00, the DOS epoch: the same in every time zone, so the same bytes. */
const DOS_TIME = 0
const DOS_DATE = (1 << 5) | 1
const UTF8_NAMES = 0x0800
const DESCRIPTOR_FOLLOWS = 0x0008
/** Made by: Unix (3), so readers take the external attributes' high half as a mode. */
const MADE_BY = (3 << 8) | 45
const needed = (zip64: boolean): number => (zip64 ? 45 : 20)

/** A file bigger than this gets ZIP64 sizes: deflate can grow incompressible data a little. */
export const ZIP64_FROM_BYTES = MAX32 - 64 * 1024 * 1024

export function localHeader(entry: Omit<Written, 'offset'>): Buffer {
  const extra = entry.zip64
    ? zip64Extra([entry.descriptor ? 0 : entry.size, entry.descriptor ? 0 : entry.compressedSize])
    : Buffer.alloc(0)
  const header = Buffer.alloc(30)
  header.writeUInt32LE(0x04034b50, 0)
  header.writeUInt16LE(needed(entry.zip64), 4)
  header.writeUInt16LE(UTF8_NAMES | (entry.descriptor ? DESCRIPTOR_FOLLOWS : 0), 6)
  header.writeUInt16LE(entry.method, 8)
  header.writeUInt16LE(DOS_TIME, 10)
  header.writeUInt16LE(DOS_DATE, 12)
  if (!entry.descriptor) header.writeUInt32LE(entry.crc, 14)
  if (entry.zip64) {
    header.writeUInt32LE(MAX32, 18)
    header.writeUInt32LE(MAX32, 22)
  } else if (!entry.descriptor) {
    header.writeUInt32LE(entry.compressedSize, 18)
    header.writeUInt32LE(entry.size, 22)
  }
  header.writeUInt16LE(entry.name.length, 26)
  header.writeUInt16LE(extra.length, 28)
  return Buffer.concat([header, entry.name, extra])
}

export function dataDescriptor(entry: Written): Buffer {
  const record = Buffer.alloc(entry.zip64 ? 24 : 16)
  record.writeUInt32LE(0x08074b50, 0)
  record.writeUInt32LE(entry.crc, 4)
  if (entry.zip64) {
    record.writeBigUInt64LE(BigInt(entry.compressedSize), 8)
    record.writeBigUInt64LE(BigInt(entry.size), 16)
  } else {
    record.writeUInt32LE(entry.compressedSize, 8)
    record.writeUInt32LE(entry.size, 12)
  }
  return record
}

export function centralRecord(entry: Written): Buffer {
  // ZIP64 extra: only the fields whose 32-bit slot overflows, in this order.
  const big = [entry.size, entry.compressedSize, entry.offset].filter(value => value >= MAX32)
  const extra = big.length > 0 ? zip64Extra(big) : Buffer.alloc(0)
  const record = Buffer.alloc(46)
  record.writeUInt32LE(0x02014b50, 0)
  record.writeUInt16LE(MADE_BY, 4)
  record.writeUInt16LE(needed(entry.zip64 || big.length > 0), 6)
  record.writeUInt16LE(UTF8_NAMES | (entry.descriptor ? DESCRIPTOR_FOLLOWS : 0), 8)
  record.writeUInt16LE(entry.method, 10)
  record.writeUInt16LE(DOS_TIME, 12)
  record.writeUInt16LE(DOS_DATE, 14)
  record.writeUInt32LE(entry.crc, 16)
  record.writeUInt32LE(Math.min(entry.compressedSize, MAX32), 20)
  record.writeUInt32LE(Math.min(entry.size, MAX32), 24)
  record.writeUInt16LE(entry.name.length, 28)
  record.writeUInt16LE(extra.length, 30)
  // Comment length, disk number, internal attributes: 0.
  record.writeUInt32LE((entry.mode << 16) >>> 0, 38)
  record.writeUInt32LE(Math.min(entry.offset, MAX32), 42)
  return Buffer.concat([record, entry.name, extra])
}

/** The end of the central directory, with the ZIP64 records before it when a count or offset overflows. */
export function endOfCentralDirectory(count: number, start: number, size: number): Buffer {
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(Math.min(count, MAX16), 8)
  end.writeUInt16LE(Math.min(count, MAX16), 10)
  end.writeUInt32LE(Math.min(size, MAX32), 12)
  end.writeUInt32LE(Math.min(start, MAX32), 16)
  if (count < MAX16 && start < MAX32 && size < MAX32) return end
  const record = Buffer.alloc(56)
  record.writeUInt32LE(0x06064b50, 0)
  record.writeBigUInt64LE(44n, 4)
  record.writeUInt16LE(MADE_BY, 12)
  record.writeUInt16LE(45, 14)
  record.writeBigUInt64LE(BigInt(count), 24)
  record.writeBigUInt64LE(BigInt(count), 32)
  record.writeBigUInt64LE(BigInt(size), 40)
  record.writeBigUInt64LE(BigInt(start), 48)
  const locator = Buffer.alloc(20)
  locator.writeUInt32LE(0x07064b50, 0)
  locator.writeBigUInt64LE(BigInt(start + size), 8)
  locator.writeUInt32LE(1, 16)
  return Buffer.concat([record, locator, end])
}

function zip64Extra(values: number[]): Buffer {
  const extra = Buffer.alloc(4 + 8 * values.length)
  extra.writeUInt16LE(0x0001, 0)
  extra.writeUInt16LE(8 * values.length, 2)
  values.forEach((value, i) => extra.writeBigUInt64LE(BigInt(value), 4 + 8 * i))
  return extra
}
