import { createRequire as __createRequire } from 'node:module';
import { fileURLToPath as __fileURLToPath } from 'node:url';
import { dirname as __pathDirname } from 'node:path';
const require = __createRequire(import.meta.url);
const __bundleFilename = __fileURLToPath(import.meta.url);
const __bundleDirname = __pathDirname(__bundleFilename);
import {
  context,
  getOctokit
} from "./chunk-FNB5N3F4.js";
import "./chunk-EZPIEO5R.js";
import "./chunk-CSCBOJKS.js";
export {
  context,
  getOctokit
};
