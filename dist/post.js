import { createRequire as __createRequire } from 'node:module';
import { fileURLToPath as __fileURLToPath } from 'node:url';
import { dirname as __pathDirname } from 'node:path';
const require = __createRequire(import.meta.url);
const __bundleFilename = __fileURLToPath(import.meta.url);
const __bundleDirname = __pathDirname(__bundleFilename);
import {
  actionsLog,
  lostBatch
} from "./chunks/chunk-SDHWTLD4.js";
import {
  info,
  setFailed,
  warning
} from "./chunks/chunk-NM3NJXDO.js";
import "./chunks/chunk-EZPIEO5R.js";
import {
  cancelBatch,
  makeDataprocClient,
  setLogSink
} from "./chunks/chunk-LIP7FLSN.js";
import "./chunks/chunk-YU4TNTCD.js";
import "./chunks/chunk-TXJMAUJD.js";
import "./chunks/chunk-ELYQ5VLN.js";
import {
  errorMessage
} from "./chunks/chunk-3O2FMUUN.js";
import "./chunks/chunk-NNA2HC4I.js";
import "./chunks/chunk-CSCBOJKS.js";

// src/github/post.ts
async function post() {
  setLogSink(actionsLog);
  const lost = lostBatch();
  if (!lost) return;
  const { operation } = lost;
  if (!lost.cancelOnAbort) {
    info(
      `the main step ended before its batch; cancel-on-abort is false, so ${operation} keeps running`
    );
    return;
  }
  try {
    await cancelBatch(await makeDataprocClient(lost.region, lost.dataprocEndpoint), operation);
    warning(`the main step ended before its batch did: cancelled ${lost.batchName}`);
  } catch (error) {
    setFailed(
      `kedro-dataproc-action (post): could not cancel ${operation}: ${errorMessage(error)}`
    );
  }
}

// src/post-index.ts
await post();
