'use strict'
// The zlib that the bundle (scripts/build.mjs) gives yazl. yazl deflates every buffered entry with
// the asynchronous zlib.deflateRaw, whose fixed cost per call (a stream, a handle in the thread
// pool, its setup and teardown) is several times the work for a small file: for the 2,090 source
// files up to 64 KiB of the bench's project, 230-280 ms against 45-50 ms synchronously. Up to
// SYNC_MAX_BYTES the same deflate runs synchronously (same zlib, same options, the same bytes);
// the callback still comes later, as yazl expects. Bigger buffers keep the thread pool.
const zlib = require('node:zlib')

const SYNC_MAX_BYTES = 64 * 1024

function deflateRaw(buffer, options, callback) {
  if (typeof options === 'function') return deflateRaw(buffer, {}, options)
  if (buffer.length > SYNC_MAX_BYTES) return zlib.deflateRaw(buffer, options, callback)
  let result
  try {
    result = zlib.deflateRawSync(buffer, options)
  } catch (error) {
    process.nextTick(callback, error)
    return
  }
  process.nextTick(callback, null, result)
}

// Everything else is zlib's own.
module.exports = Object.assign(Object.create(zlib), { deflateRaw, SYNC_MAX_BYTES })
