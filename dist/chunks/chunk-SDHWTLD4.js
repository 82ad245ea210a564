import { createRequire as __createRequire } from 'node:module';
import { fileURLToPath as __fileURLToPath } from 'node:url';
import { dirname as __pathDirname } from 'node:path';
const require = __createRequire(import.meta.url);
const __bundleFilename = __fileURLToPath(import.meta.url);
const __bundleDirname = __pathDirname(__bundleFilename);
import {
  getState,
  group,
  info,
  notice,
  saveState,
  setSecret,
  warning
} from "./chunk-NM3NJXDO.js";

// src/github/log-sink.ts
var actionsLog = {
  info,
  notice,
  warning,
  secret: setSecret,
  group
};

// src/github/state-helper.ts
var KEY = "kedro-dataproc";
var FINISHED = "kedro-dataproc-finished";
function saveSubmitted(plan, operation) {
  const state = {
    operation,
    batchName: plan.batch.name,
    region: plan.region,
    dataprocEndpoint: plan.endpoints.dataproc,
    cancelOnAbort: plan.behaviour.cancelOnAbort
  };
  saveState(KEY, JSON.stringify(state));
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
  saveSubmitted,
  saveFinished,
  lostBatch
};
