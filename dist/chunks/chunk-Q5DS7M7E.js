import { createRequire as __createRequire } from 'node:module';
import { fileURLToPath as __fileURLToPath } from 'node:url';
import { dirname as __pathDirname } from 'node:path';
const require = __createRequire(import.meta.url);
const __bundleFilename = __fileURLToPath(import.meta.url);
const __bundleDirname = __pathDirname(__bundleFilename);
import {
  error,
  getState,
  group,
  notice,
  saveState,
  setFailed,
  setSecret,
  warning
} from "./chunk-7UHJAPSN.js";
import {
  visible
} from "./chunk-QT2O4U7V.js";

// src/github/log-sink.ts
import { randomBytes } from "node:crypto";
var MAYBE_COMMAND = /::|##\[/;
function stopToken(text) {
  for (; ; ) {
    const token = randomBytes(16).toString("hex");
    if (!text.toLowerCase().includes(token)) return token;
  }
}
function printText(text) {
  if (!MAYBE_COMMAND.test(text)) {
    process.stdout.write(`${text}
`);
    return;
  }
  const token = stopToken(text);
  process.stdout.write(`::stop-commands::${token}
${text}
::${token}::
`);
}
var actionsLog = {
  info: (message) => printText(visible(message)),
  notice: (message) => notice(visible(message, { keepNewlines: true })),
  warning: (message) => warning(visible(message, { keepNewlines: true })),
  // The place comes from the driver's output: core escapes it as command properties.
  error: (message, at) => error(
    visible(message, { keepNewlines: true }),
    at ? { file: visible(at.file), startLine: at.line } : {}
  ),
  secret: setSecret,
  group: (title, body) => group(visible(title), body),
  output: printText
};
function fail(message) {
  setFailed(visible(message, { keepNewlines: true }));
}

// src/github/state-helper.ts
var KEY = "kedro-dataproc";
var FINISHED = "kedro-dataproc-finished";
var save = (state) => saveState(KEY, JSON.stringify(state));
function stateOf(plan) {
  return {
    batchName: plan.batch.name,
    batchId: plan.batch.id,
    consoleUrl: plan.batch.consoleUrl,
    requestId: plan.batch.request.requestId,
    projectId: plan.projectId,
    region: plan.region,
    dataprocEndpoint: plan.endpoints.dataproc,
    cancelOnAbort: plan.behaviour.cancelOnAbort
  };
}
function saveSubmitting(plan) {
  save(stateOf(plan));
}
function saveSubmitted(plan, operation) {
  save({ ...stateOf(plan), operation });
}
function saveFinished() {
  saveState(FINISHED, "true");
}
function lostBatch() {
  const saved = getState(KEY);
  if (!saved || getState(FINISHED) === "true") return void 0;
  return JSON.parse(saved);
}

export {
  actionsLog,
  fail,
  saveSubmitting,
  saveSubmitted,
  saveFinished,
  lostBatch
};
