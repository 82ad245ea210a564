import { createRequire as __createRequire } from 'node:module';
import { fileURLToPath as __fileURLToPath } from 'node:url';
import { dirname as __pathDirname } from 'node:path';
const require = __createRequire(import.meta.url);
const __bundleFilename = __fileURLToPath(import.meta.url);
const __bundleDirname = __pathDirname(__bundleFilename);
import {
  __commonJS,
  __require
} from "./chunk-CSCBOJKS.js";

// src/native-crc32.cjs
var require_native_crc32 = __commonJS({
  "src/native-crc32.cjs"(exports, module) {
    "use strict";
    var { crc32: nativeCrc32 } = __require("node:zlib");
    function toBuffer(input) {
      if (Buffer.isBuffer(input)) return input;
      if (typeof input === "number") return Buffer.alloc(input);
      if (typeof input === "string") return Buffer.from(input);
      throw new Error(`input must be buffer, number, or string, received ${typeof input}`);
    }
    function unsigned(input, previous) {
      const start = Buffer.isBuffer(previous) ? previous.readUInt32BE(0) : (previous ?? 0) >>> 0;
      const bytes = toBuffer(input);
      return bytes.length === 0 ? start : nativeCrc32(bytes, start);
    }
    function crc32(input, previous) {
      const result = Buffer.alloc(4);
      result.writeUInt32BE(unsigned(input, previous), 0);
      return result;
    }
    crc32.unsigned = unsigned;
    crc32.signed = (input, previous) => unsigned(input, previous) | 0;
    module.exports = crc32;
  }
});

export {
  require_native_crc32
};
