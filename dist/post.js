import { createRequire as __createRequire } from 'node:module';
import { fileURLToPath as __fileURLToPath } from 'node:url';
import { dirname as __pathDirname } from 'node:path';
const require = __createRequire(import.meta.url);
const __bundleFilename = __fileURLToPath(import.meta.url);
const __bundleDirname = __pathDirname(__bundleFilename);
import {
  actionsLog,
  fail,
  lostBatch
} from "./chunks/chunk-Q5DS7M7E.js";
import "./chunks/chunk-7UHJAPSN.js";
import "./chunks/chunk-EZPIEO5R.js";
import {
  NOT_FOUND,
  cancelBatch,
  getBatch,
  isTerminal,
  log,
  makeDataprocClient,
  setLogSink,
  sleep,
  stateOf,
  withRetries
} from "./chunks/chunk-QT2O4U7V.js";
import "./chunks/chunk-YU4TNTCD.js";
import "./chunks/chunk-TXJMAUJD.js";
import "./chunks/chunk-ELYQ5VLN.js";
import {
  errorCode,
  errorMessage
} from "./chunks/chunk-3O2FMUUN.js";
import "./chunks/chunk-NNA2HC4I.js";
import "./chunks/chunk-CSCBOJKS.js";

// src/steps/batch/orphan.ts
var CREATE_GRACE_MS = 3e4;
var LOOK_EVERY_MS = 2e3;
async function find(client, lost, graceMs) {
  const deadline = Date.now() + (lost.operation ? 0 : graceMs);
  for (; ; ) {
    try {
      return await withRetries(() => getBatch(client, lost.name), { what: "GetBatch" });
    } catch (error) {
      if (errorCode(error) !== NOT_FOUND) throw error;
      if (Date.now() >= deadline) return void 0;
      await sleep(LOOK_EVERY_MS);
    }
  }
}
async function cancelOrphan(client, lost, graceMs = CREATE_GRACE_MS) {
  const batch = await find(client, lost, graceMs);
  if (!batch) return { kind: "absent" };
  if (batch.labels?.["request-id"] !== lost.requestId) return { kind: "foreign" };
  const state = stateOf(batch);
  if (isTerminal(state) || state === "CANCELLING") return { kind: "ended", state };
  await cancelBatch(client, batch.operation ?? lost.operation ?? "");
  return { kind: "cancelled", batch };
}

// src/github/post.ts
function report(lost, outcome) {
  const name = lost.batchName;
  switch (outcome.kind) {
    case "cancelled":
      log.warning(`the main step ended before its batch did: cancelled ${name}`);
      return;
    case "ended":
      log.info(`the main step ended before its batch; ${name} is already ${outcome.state}`);
      return;
    case "absent":
      log.info(`the main step ended while submitting; no batch ${name} was created`);
      return;
    case "foreign":
      log.warning(`${name} was created by another request (its request-id differs): left alone`);
  }
}
async function post() {
  setLogSink(actionsLog);
  const lost = lostBatch();
  if (!lost) return;
  if (!lost.cancelOnAbort) {
    log.info(
      `the main step ended before its batch; cancel-on-abort is false, so batch ${lost.batchId} keeps running: ${lost.consoleUrl}`
    );
    return;
  }
  try {
    const client = await makeDataprocClient(lost.region, lost.dataprocEndpoint);
    try {
      report(
        lost,
        await cancelOrphan(client, {
          name: lost.batchName,
          requestId: lost.requestId,
          operation: lost.operation
        })
      );
    } finally {
      await client.close();
    }
  } catch (error) {
    fail(`kedro-dataproc-action (post): could not cancel ${lost.batchName}: ${errorMessage(error)}`);
  }
}

// src/post-index.ts
await post();
