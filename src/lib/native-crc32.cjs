'use strict'
// buffer-crc32 1.0 computes CRC-32 in JavaScript at about 400 MB/s; Node's zlib.crc32 (Node 22.2+)
// is the same checksum in native code, ten times faster. archiver (the workflow artifact's zip,
// under @actions/artifact) checksums every byte with buffer-crc32. Same API and results as
// buffer-crc32: an optional previous CRC (number or 4-byte big-endian Buffer) continues a checksum.
const { crc32: nativeCrc32 } = require('node:zlib')

function toBuffer(input) {
  if (Buffer.isBuffer(input)) return input
  if (typeof input === 'number') return Buffer.alloc(input)
  if (typeof input === 'string') return Buffer.from(input)
  throw new Error(`input must be buffer, number, or string, received ${typeof input}`)
}

function unsigned(input, previous) {
  const start = Buffer.isBuffer(previous) ? previous.readUInt32BE(0) : (previous ?? 0) >>> 0
  const bytes = toBuffer(input)
  // zlib.crc32 answers 0 for an empty buffer whatever the previous value; nothing to add is no change.
  return bytes.length === 0 ? start : nativeCrc32(bytes, start)
}

function crc32(input, previous) {
  const result = Buffer.alloc(4)
  result.writeUInt32BE(unsigned(input, previous), 0)
  return result
}

crc32.unsigned = unsigned
crc32.signed = (input, previous) => unsigned(input, previous) | 0

module.exports = crc32
