import { createRequire as __createRequire } from 'node:module';
import { fileURLToPath as __fileURLToPath } from 'node:url';
import { dirname as __pathDirname } from 'node:path';
const require = __createRequire(import.meta.url);
const __bundleFilename = __fileURLToPath(import.meta.url);
const __bundleDirname = __pathDirname(__bundleFilename);
import {
  Checksummer,
  credentialReason,
  fileError,
  findSecrets,
  identity,
  inspect,
  localSecretsReason,
  secretFilesError
} from "./chunk-6VP2FVX6.js";
import {
  errorMessage
} from "./chunk-3O2FMUUN.js";
import "./chunk-CSCBOJKS.js";

// src/steps/code/snapshot-worker.ts
import { parentPort } from "node:worker_threads";

// src/steps/code/key.ts
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import path from "node:path";
var KEY_FORMAT = "kedro-dataproc-snapshot/3 records-1 whole-1MiB dos-1980 0644/0755 deflate-1 store-if-4KiB-middle-sample-deflates-above-90%";
var HASH_CONCURRENCY = 32;
async function snapshotKey(entries2, cleanBlobs, root) {
  const algorithm = [...cleanBlobs.values()][0]?.length === 64 ? "sha256" : "sha1";
  const ids = await mapLimited(entries2, HASH_CONCURRENCY, async (entry) => {
    const blob = cleanBlobs.get(entry.name);
    if (blob && entry.source === path.join(root, ...entry.name.split("/"))) return blob;
    return gitBlobId(entry.source, entry.size, algorithm);
  });
  const key = createHash("sha256").update(`${KEY_FORMAT}
`);
  entries2.forEach((entry, i) => {
    key.update(`${entry.name}\0${entry.executable ? "755" : "644"}\0${ids[i]}
`);
  });
  return key.digest("hex");
}
async function gitBlobId(file, size, algorithm) {
  const hash = createHash(algorithm).update(`blob ${size}\0`);
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return hash.digest("hex");
}
async function mapLimited(items, limit, task) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

// src/steps/code/plan-entries.ts
async function planEntries({
  root,
  rootReal,
  outFile,
  listing,
  secrets
}) {
  const skipped = listing.skipped.map((s) => `${s.name}: ${s.reason}`);
  const outIdentity = await identity(outFile);
  const entries2 = [];
  for (const name of listing.names) {
    const candidate = inspect(root, rootReal, name);
    if (candidate.kind === "skip") skipped.push(`${name}: ${candidate.reason}`);
    if (candidate.kind !== "file") continue;
    const credentials = credentialReason(name, candidate.entry.source, secrets.credentials) ?? localSecretsReason(name, candidate.entry.source, secrets.allowed);
    if (credentials) {
      skipped.push(`${name}: ${credentials}`);
      continue;
    }
    if (candidate.entry.identity === outIdentity) {
      skipped.push(`${name}: the snapshot's own output file`);
      continue;
    }
    entries2.push(candidate.entry);
  }
  const scan = findSecrets(entries2, secrets.allowed);
  if (scan.found.length > 0)
    throw secretFilesError("The code snapshot (working-directory)", scan.found);
  const sortKeys = new Map(entries2.map((entry) => [entry, Buffer.from(entry.name)]));
  entries2.sort((a, b) => Buffer.compare(sortKeys.get(a), sortKeys.get(b)));
  const key = await snapshotKey(entries2, listing.cleanBlobs, root);
  return { entries: entries2, key, skipped: skipped.sort(), unscanned: scan.unscanned.sort() };
}

// src/steps/code/zip-bytes.ts
import { closeSync as closeSync2, createReadStream as createReadStream2, openSync as openSync2, readSync as readSync2 } from "node:fs";
import { PassThrough, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { constants, crc32, createDeflateRaw, deflateRawSync as deflateRawSync2 } from "node:zlib";

// src/steps/code/compress.ts
import { closeSync, openSync, readSync } from "node:fs";
import path2 from "node:path";
import { deflateRawSync } from "node:zlib";
var DEFLATE_LEVEL = 1;
var STORE = 0;
var SAMPLE_FROM_BYTES = 16 * 1024;
var SAMPLE_BYTES = 4 * 1024;
var STORE_ABOVE = 0.9;
var COMPRESSED_EXTENSIONS = new Set(
  ".zip .gz .tgz .bz2 .tbz2 .xz .txz .zst .lz4 .lzo .br .7z .rar .jar .whl .egg .npz .parquet .orc .snappy .png .jpg .jpeg .gif .webp .avif .heic .mp3 .mp4 .m4a .mov .mkv .webm .ogg .flac .woff .woff2 .docx .xlsx .pptx".split(" ")
);
function levelForBuffer(name, bytes) {
  if (COMPRESSED_EXTENSIONS.has(path2.extname(name).toLowerCase())) return STORE;
  if (bytes.length < SAMPLE_FROM_BYTES) return DEFLATE_LEVEL;
  const start = sampleStart(bytes.length);
  return levelForSample(bytes.subarray(start, start + SAMPLE_BYTES));
}
function levelForFile(name, file, size) {
  if (COMPRESSED_EXTENSIONS.has(path2.extname(name).toLowerCase())) return STORE;
  if (size < SAMPLE_FROM_BYTES) return DEFLATE_LEVEL;
  const sample = Buffer.alloc(SAMPLE_BYTES);
  const fd = openSync(file, "r");
  try {
    const read = readSync(fd, sample, 0, SAMPLE_BYTES, sampleStart(size));
    return levelForSample(sample.subarray(0, read));
  } finally {
    closeSync(fd);
  }
}
function sampleStart(size) {
  return Math.floor((size - SAMPLE_BYTES) / 2);
}
function levelForSample(sample) {
  const deflated = deflateRawSync(sample, { level: DEFLATE_LEVEL });
  return deflated.length > sample.length * STORE_ABOVE ? STORE : DEFLATE_LEVEL;
}

// src/steps/code/records.ts
var MAX32 = 4294967295;
var MAX16 = 65535;
var DOS_TIME = 0;
var DOS_DATE = 1 << 5 | 1;
var UTF8_NAMES = 2048;
var DESCRIPTOR_FOLLOWS = 8;
var MADE_BY = 3 << 8 | 45;
var needed = (zip64) => zip64 ? 45 : 20;
var ZIP64_FROM_BYTES = MAX32 - 64 * 1024 * 1024;
function localHeader(entry) {
  const extra = entry.zip64 ? zip64Extra([entry.descriptor ? 0 : entry.size, entry.descriptor ? 0 : entry.compressedSize]) : Buffer.alloc(0);
  const header = Buffer.alloc(30);
  header.writeUInt32LE(67324752, 0);
  header.writeUInt16LE(needed(entry.zip64), 4);
  header.writeUInt16LE(UTF8_NAMES | (entry.descriptor ? DESCRIPTOR_FOLLOWS : 0), 6);
  header.writeUInt16LE(entry.method, 8);
  header.writeUInt16LE(DOS_TIME, 10);
  header.writeUInt16LE(DOS_DATE, 12);
  if (!entry.descriptor) header.writeUInt32LE(entry.crc, 14);
  if (entry.zip64) {
    header.writeUInt32LE(MAX32, 18);
    header.writeUInt32LE(MAX32, 22);
  } else if (!entry.descriptor) {
    header.writeUInt32LE(entry.compressedSize, 18);
    header.writeUInt32LE(entry.size, 22);
  }
  header.writeUInt16LE(entry.name.length, 26);
  header.writeUInt16LE(extra.length, 28);
  return Buffer.concat([header, entry.name, extra]);
}
function dataDescriptor(entry) {
  const record = Buffer.alloc(entry.zip64 ? 24 : 16);
  record.writeUInt32LE(134695760, 0);
  record.writeUInt32LE(entry.crc, 4);
  if (entry.zip64) {
    record.writeBigUInt64LE(BigInt(entry.compressedSize), 8);
    record.writeBigUInt64LE(BigInt(entry.size), 16);
  } else {
    record.writeUInt32LE(entry.compressedSize, 8);
    record.writeUInt32LE(entry.size, 12);
  }
  return record;
}
function centralRecord(entry) {
  const big = [entry.size, entry.compressedSize, entry.offset].filter((value) => value >= MAX32);
  const extra = big.length > 0 ? zip64Extra(big) : Buffer.alloc(0);
  const record = Buffer.alloc(46);
  record.writeUInt32LE(33639248, 0);
  record.writeUInt16LE(MADE_BY, 4);
  record.writeUInt16LE(needed(entry.zip64 || big.length > 0), 6);
  record.writeUInt16LE(UTF8_NAMES | (entry.descriptor ? DESCRIPTOR_FOLLOWS : 0), 8);
  record.writeUInt16LE(entry.method, 10);
  record.writeUInt16LE(DOS_TIME, 12);
  record.writeUInt16LE(DOS_DATE, 14);
  record.writeUInt32LE(entry.crc, 16);
  record.writeUInt32LE(Math.min(entry.compressedSize, MAX32), 20);
  record.writeUInt32LE(Math.min(entry.size, MAX32), 24);
  record.writeUInt16LE(entry.name.length, 28);
  record.writeUInt16LE(extra.length, 30);
  record.writeUInt32LE(entry.mode << 16 >>> 0, 38);
  record.writeUInt32LE(Math.min(entry.offset, MAX32), 42);
  return Buffer.concat([record, entry.name, extra]);
}
function endOfCentralDirectory(count, start, size) {
  const end = Buffer.alloc(22);
  end.writeUInt32LE(101010256, 0);
  end.writeUInt16LE(Math.min(count, MAX16), 8);
  end.writeUInt16LE(Math.min(count, MAX16), 10);
  end.writeUInt32LE(Math.min(size, MAX32), 12);
  end.writeUInt32LE(Math.min(start, MAX32), 16);
  if (count < MAX16 && start < MAX32 && size < MAX32) return end;
  const record = Buffer.alloc(56);
  record.writeUInt32LE(101075792, 0);
  record.writeBigUInt64LE(44n, 4);
  record.writeUInt16LE(MADE_BY, 12);
  record.writeUInt16LE(45, 14);
  record.writeBigUInt64LE(BigInt(count), 24);
  record.writeBigUInt64LE(BigInt(count), 32);
  record.writeBigUInt64LE(BigInt(size), 40);
  record.writeBigUInt64LE(BigInt(start), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(117853008, 0);
  locator.writeBigUInt64LE(BigInt(start + size), 8);
  locator.writeUInt32LE(1, 16);
  return Buffer.concat([record, locator, end]);
}
function zip64Extra(values) {
  const extra = Buffer.alloc(4 + 8 * values.length);
  extra.writeUInt16LE(1, 0);
  extra.writeUInt16LE(8 * values.length, 2);
  values.forEach((value, i) => extra.writeBigUInt64LE(BigInt(value), 4 + 8 * i));
  return extra;
}

// src/steps/code/zip-bytes.ts
var READ_WHOLE_MAX_BYTES = 1024 * 1024;
var BLOCK_BYTES = 1024 * 1024;
var STREAM_CHUNK_BYTES = 1024 * 1024;
var DEFLATED = 8;
var DIRECTORY_CHUNK_BYTES = 256 * 1024;
var CHANGED_SIZE = new Error("unexpected number of bytes");
async function* zipBytes(entries2) {
  const scratch = Buffer.allocUnsafeSlow(READ_WHOLE_MAX_BYTES + 1);
  const directory = new Blocks(DIRECTORY_CHUNK_BYTES);
  const blocks = new Blocks();
  for (const entry of entries2) {
    const base = {
      name: Buffer.from(entry.name),
      mode: entry.executable ? 33261 : 33188,
      offset: blocks.offset
    };
    try {
      if (entry.size <= READ_WHOLE_MAX_BYTES) writeSmall(entry, base, scratch, directory, blocks);
      else yield* writeStreamed(entry, base, directory, blocks);
    } catch (error) {
      throw fileError(entry.name, error);
    }
    yield* blocks.take();
  }
  const start = blocks.offset;
  directory.end();
  for (const records of directory.take()) blocks.write(records);
  blocks.write(endOfCentralDirectory(entries2.length, start, blocks.offset - start));
  blocks.end();
  yield* blocks.take();
}
function writeSmall(entry, base, scratch, directory, blocks) {
  const small = readSmall(entry, scratch);
  const record = {
    ...base,
    method: small.method,
    crc: small.crc,
    compressedSize: small.data.length,
    size: entry.size,
    descriptor: false,
    zip64: false
  };
  directory.write(centralRecord(record));
  blocks.write(localHeader(record));
  blocks.write(small.data);
}
async function* writeStreamed(entry, base, directory, blocks) {
  const level = levelForFile(entry.name, entry.source, entry.size);
  const zip64 = entry.size >= ZIP64_FROM_BYTES;
  const method = level === STORE ? STORE : DEFLATED;
  const opening = { ...base, method, crc: 0, compressedSize: 0, size: 0 };
  blocks.write(localHeader({ ...opening, descriptor: true, zip64 }));
  const sums = { crc: 0, size: 0, compressedSize: 0 };
  for await (const chunk of fileData(entry, level, sums)) {
    sums.compressedSize += chunk.length;
    blocks.pass(chunk);
    yield* blocks.take();
  }
  if (sums.size !== entry.size) throw CHANGED_SIZE;
  const record = { ...opening, ...sums, descriptor: true, zip64 };
  directory.write(centralRecord(record));
  blocks.write(dataDescriptor(record));
}
function readSmall(entry, scratch) {
  const buffer = readWhole(entry.source, scratch);
  if (buffer.length !== entry.size) throw CHANGED_SIZE;
  const crc = crc32(buffer);
  const level = levelForBuffer(entry.name, buffer);
  if (level === STORE) return { data: buffer, method: STORE, crc };
  const chunkSize = Math.max(
    constants.Z_MIN_CHUNK,
    Math.min(buffer.length, constants.Z_DEFAULT_CHUNK)
  );
  return { data: deflateRawSync2(buffer, { level, chunkSize }), method: DEFLATED, crc };
}
function readWhole(file, into) {
  const fd = openSync2(file, "r");
  try {
    let read = 0;
    for (let n = -1; n !== 0 && read < into.length; read += n) {
      n = readSync2(fd, into, read, into.length - read, read);
    }
    return into.subarray(0, read);
  } finally {
    closeSync2(fd);
  }
}
var Blocks = class {
  constructor(size = BLOCK_BYTES) {
    this.size = size;
    this.current = Buffer.allocUnsafeSlow(size);
  }
  size;
  offset = 0;
  ready = [];
  current;
  used = 0;
  /** Copies `bytes` in: they may be reused as soon as this returns. */
  write(bytes) {
    for (let from = 0; from < bytes.length; ) {
      const copied = Math.min(bytes.length - from, this.size - this.used);
      this.current.set(bytes.subarray(from, from + copied), this.used);
      this.used += copied;
      from += copied;
      if (this.used === this.size) this.end();
    }
    this.offset += bytes.length;
  }
  /** Passes on a chunk that nothing else uses, after what has been written so far. */
  pass(chunk) {
    const memory = chunk.buffer;
    const whole = chunk.byteOffset === 0 && chunk.byteLength === memory.byteLength;
    if (!whole || !(memory instanceof ArrayBuffer) || chunk.length < this.size / 2)
      return this.write(chunk);
    this.end();
    this.ready.push(new Uint8Array(memory));
    this.offset += chunk.length;
  }
  /** Ends the block being filled, however full. */
  end() {
    if (this.used === 0) return;
    this.ready.push(this.current.subarray(0, this.used));
    this.current = Buffer.allocUnsafeSlow(this.size);
    this.used = 0;
  }
  take() {
    const ready = this.ready;
    this.ready = [];
    return ready;
  }
};
async function* fileData(entry, level, sums) {
  const input = createReadStream2(entry.source, { highWaterMark: STREAM_CHUNK_BYTES });
  const count = new Transform({
    transform(chunk, _encoding, callback) {
      sums.crc = crc32(chunk, sums.crc);
      sums.size += chunk.length;
      callback(null, chunk);
    }
  });
  const output = level === STORE ? new PassThrough() : createDeflateRaw({ level });
  const feeding = pipeline(input, count, output);
  feeding.catch(() => void 0);
  for await (const chunk of output) yield chunk;
  await feeding;
}

// src/steps/code/snapshot-worker.ts
function connected() {
  if (!parentPort) throw new Error("snapshot-worker runs as a worker thread, started by thread.ts");
  return parentPort;
}
var port = connected();
var send = (message, transfer = []) => port.postMessage(message, transfer);
var failed = (id) => (error) => send({ type: "error", id, message: errorMessage(error) });
var entries = [];
var current = 0;
var granted = 0;
var wake;
port.on("message", (message) => {
  if (message.type === "plan") {
    plan(message.request).catch(failed());
    return;
  }
  if (message.type === "zip") {
    current = message.id;
    granted = 0;
    zip(message.id).catch(failed(message.id));
  }
  if (message.id !== current) return;
  granted += message.blocks;
  wake?.();
});
async function plan(request) {
  const planned = await planEntries(request);
  entries = planned.entries;
  send({
    type: "planned",
    key: planned.key,
    files: entries.length,
    bytes: entries.reduce((sum, entry) => sum + entry.size, 0),
    skipped: planned.skipped,
    unscanned: planned.unscanned
  });
}
async function zip(id) {
  const sums = await Checksummer.create();
  for await (const block of zipBytes(entries)) {
    sums.update(block);
    while (granted === 0 && id === current) await new Promise((resolve) => wake = resolve);
    if (id !== current) return;
    granted--;
    send({ type: "block", id, block }, [block.buffer]);
  }
  send({ type: "end", id, checksums: sums.result() });
}
