import { createRequire as __createRequire } from 'node:module';
import { fileURLToPath as __fileURLToPath } from 'node:url';
import { dirname as __pathDirname } from 'node:path';
const require = __createRequire(import.meta.url);
const __bundleFilename = __fileURLToPath(import.meta.url);
const __bundleDirname = __pathDirname(__bundleFilename);
import {
  STATE_KEYS,
  actionsLog,
  cancelBatch,
  makeDataprocClient,
  parseInputs,
  setLogSink
} from "./chunks/chunk-473LZ2BX.js";
import {
  getInput,
  getState,
  info,
  setFailed,
  warning
} from "./chunks/chunk-4PMHWI2S.js";
import "./chunks/chunk-EZPIEO5R.js";
import "./chunks/chunk-NNA2HC4I.js";
import "./chunks/chunk-YU4TNTCD.js";
import "./chunks/chunk-ELYQ5VLN.js";
import "./chunks/chunk-CSCBOJKS.js";

// src/github/post.ts
async function post() {
  setLogSink(actionsLog);
  const operation = getState(STATE_KEYS.operation);
  if (!operation || getState(STATE_KEYS.finished) === "true") return;
  if (getState(STATE_KEYS.cancelOnAbort) === "false") {
    info(
      `the main step ended before its batch; cancel-on-abort is false, so ${operation} keeps running`
    );
    return;
  }
  try {
    const config = parseInputs((name) => getInput(name));
    await cancelBatch(await makeDataprocClient(config), operation);
    warning(`the main step ended before its batch did: cancelled ${operation}`);
  } catch (error) {
    setFailed(
      `kedro-dataproc-action (post): could not cancel ${operation}: ${error.message}`
    );
  }
}

// src/post-index.ts
await post();
