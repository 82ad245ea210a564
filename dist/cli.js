#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module';
import { fileURLToPath as __fileURLToPath } from 'node:url';
import { dirname as __pathDirname } from 'node:path';
const require = __createRequire(import.meta.url);
const __bundleFilename = __fileURLToPath(import.meta.url);
const __bundleDirname = __pathDirname(__bundleFilename);
import {
  ACTION_VERSION,
  BATCH_ID_PATTERN,
  INPUTS,
  INPUT_NAMES,
  InputError,
  InputReader,
  PlanError,
  buildPlan,
  cleanupItems,
  cleanupLines,
  close,
  cloudLoggingOf,
  costUsd,
  failureMessage,
  formatRows,
  gitFact,
  hasGcsfs,
  kedroPreflight,
  localNonce,
  maskPlanSecrets,
  outcomeRows,
  parse,
  parseBoolean,
  parseInputs,
  parseRequirements,
  planRows,
  pysparkLines,
  readEndpoints,
  readValues,
  redactPlan,
  runCleanup,
  runPlan,
  succeeded,
  valueOf
} from "./chunks/chunk-V75D2GUH.js";
import "./chunks/chunk-RGANAITH.js";
import {
  cancelBatch,
  getBatch,
  isTerminal,
  loadAccessToken,
  log,
  makeDataprocClient,
  makeStorage,
  setLogSink,
  sleep,
  stateOf,
  visible,
  watchBatch,
  withoutControls
} from "./chunks/chunk-QT2O4U7V.js";
import "./chunks/chunk-YU4TNTCD.js";
import "./chunks/chunk-TXJMAUJD.js";
import "./chunks/chunk-ELYQ5VLN.js";
import "./chunks/chunk-6VP2FVX6.js";
import {
  errorMessage
} from "./chunks/chunk-3O2FMUUN.js";
import "./chunks/chunk-NNA2HC4I.js";
import "./chunks/chunk-CSCBOJKS.js";

// src/cli/index.ts
import { fileURLToPath } from "node:url";

// src/cli/args.ts
import { parseArgs } from "node:util";
var UsageError = class extends Error {
};
var COMMANDS = ["run", "logs", "cancel", "init", "clean"];
var FLAG_INPUTS = INPUT_NAMES.filter(
  (name) => INPUTS[name].role !== "report"
);
var LOCATING_INPUTS = [
  "env",
  "project-id",
  "region",
  "dataproc-endpoint",
  "storage-endpoint",
  "logging-endpoint",
  "working-directory"
];
var isBooleanInput = (name) => parseBoolean(INPUTS[name].default) !== void 0;
var isFlagInput = (name) => FLAG_INPUTS.includes(name);
function normaliseBooleans(argv) {
  const end = argv.indexOf("--");
  const options = end === -1 ? argv : argv.slice(0, end);
  const rest = end === -1 ? [] : argv.slice(end);
  const normalised = options.map((arg) => {
    const negated = /^--no-([a-z0-9-]+)$/.exec(arg)?.[1];
    if (negated && isFlagInput(negated) && isBooleanInput(negated)) return `--${negated}=false`;
    const bare = /^--([a-z0-9-]+)$/.exec(arg)?.[1];
    if (bare && isFlagInput(bare) && isBooleanInput(bare)) return `--${bare}=true`;
    return arg;
  });
  return [...normalised, ...rest];
}
function explainParseError(error, allowed) {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /Unknown option '--([^']+)'/.exec(message)?.[1];
  if (unknown === void 0) return new UsageError(message);
  const guesses = close(unknown, [...allowed]);
  const hint = guesses.length > 0 ? `; did you mean --${guesses[0]}?` : "";
  return new UsageError(`unknown option --${unknown}${hint} (see kedro-dataproc --help)`);
}
function parseArgv(argv) {
  const inputOptions = Object.fromEntries(
    FLAG_INPUTS.map((name) => [name, { type: "string" }])
  );
  let parsed;
  try {
    parsed = parseArgs({
      args: normaliseBooleans(argv),
      options: {
        ...inputOptions,
        json: { type: "boolean" },
        branch: { type: "string" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean" }
      },
      allowPositionals: true,
      strict: true
    });
  } catch (error) {
    throw explainParseError(error, [...FLAG_INPUTS, "json", "branch", "help", "version"]);
  }
  const { positionals } = parsed;
  const values = parsed.values;
  const json = values.json === true;
  if (values.help) return { command: "help", flags: {}, json };
  if (values.version) return { command: "version", flags: {}, json };
  const [command, ...rest] = positionals;
  if (command === void 0)
    throw new UsageError("no command given; use run, logs, cancel, init or clean");
  if (!COMMANDS.includes(command)) {
    const guess = close(command, [...COMMANDS])[0];
    throw new UsageError(
      `unknown command '${command}'${guess ? `; did you mean ${guess}?` : ""} (use run, logs, cancel, init or clean)`
    );
  }
  const flags = {};
  for (const name of FLAG_INPUTS) {
    const value = values[name];
    if (typeof value === "string") flags[name] = value;
  }
  if (typeof values.branch === "string" && command !== "clean")
    throw new UsageError("--branch applies to clean only");
  const branch = typeof values.branch === "string" ? values.branch : void 0;
  return { ...checkShape(command, rest, flags), branch, json };
}
function checkShape(command, rest, flags) {
  if (command === "run" || command === "clean") {
    if (rest.length > 0)
      throw new UsageError(`${command} takes no arguments, only flags: '${rest[0]}'`);
    return { command, flags };
  }
  if (command === "init") return initShape(rest, flags);
  const [batch, extra] = rest;
  if (batch === void 0) throw new UsageError(`${command} needs the batch: ${command} BATCH`);
  if (extra !== void 0) throw new UsageError(`${command} takes one batch, not '${extra}' too`);
  const stray = Object.keys(flags).find(
    (name) => !LOCATING_INPUTS.includes(name)
  );
  if (stray)
    throw new UsageError(
      `--${stray} does not apply to ${command}; it takes ${LOCATING_INPUTS.map((name) => `--${name}`).join(", ")}`
    );
  return { command, batch, flags };
}
function initShape(rest, flags) {
  if (rest.length > 0) throw new UsageError(`init takes no arguments, only flags: '${rest[0]}'`);
  const stray = Object.keys(flags).find((name) => name !== "dry-run" && name !== "working-directory");
  if (stray)
    throw new UsageError(
      `--${stray} does not apply to init; it takes --dry-run and --working-directory`
    );
  return { command: "init", flags };
}

// src/cli/session.ts
import { resolve } from "node:path";

// src/cli/settings.ts
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
var TABLE = "tool.kedro-dataproc";
var SECTIONS = ["dev", "prod"];
var envVariable = (name) => `KEDRO_DATAPROC_${name.toUpperCase().replace(/-/g, "_")}`;
var isTable = (value) => typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
function scalar(value) {
  if (typeof value === "string") return value;
  if (typeof value === "boolean" || typeof value === "number" || typeof value === "bigint")
    return String(value);
  return void 0;
}
function asInputText(value, where) {
  const single = scalar(value);
  if (single !== void 0) return single;
  const items = Array.isArray(value) ? value.map((item) => scalar(item)) : isTable(value) ? Object.entries(value).map(([key, item]) => {
    const text = scalar(item);
    return text === void 0 ? void 0 : `${key}=${text}`;
  }) : [void 0];
  if (items.some((item) => item === void 0))
    throw new UsageError(
      `${where}: use a string, number, boolean, a list of them, or a table of key = value`
    );
  return items.join("\n");
}
function unknownKey(key, where, valid) {
  const guess = close(key, [...valid])[0];
  const report = key in INPUTS ? ` (${key} is read only by the GitHub action)` : "";
  return new UsageError(
    `${where}: unknown key '${key}'${report}; ${guess ? `did you mean '${guess}'?` : "the keys are the action\u2019s input names (see kedro-dataproc --help)"}`
  );
}
function readTable(table, header, allowSections) {
  const read2 = /* @__PURE__ */ new Map();
  const valid = allowSections ? [...FLAG_INPUTS, ...SECTIONS] : FLAG_INPUTS.filter((n) => n !== "env");
  for (const [key, value] of Object.entries(table)) {
    if (allowSections && SECTIONS.includes(key)) {
      if (!isTable(value))
        throw new UsageError(`[${header}] ${key}: must be a table [${header}.${key}]`);
      continue;
    }
    if (!allowSections && key === "env")
      throw new UsageError(
        `[${header}]: env cannot be set here, since env chooses the section; set it in [${TABLE}], KEDRO_DATAPROC_ENV or --env`
      );
    if (!FLAG_INPUTS.includes(key))
      throw unknownKey(key, `[${header}]`, valid);
    read2.set(key, asInputText(value, `[${header}] ${key}`));
  }
  return read2;
}
function resolveSettings(layers) {
  const shared = readTable(layers.pyproject?.table ?? {}, TABLE, true);
  const fromEnv = (name) => layers.env[envVariable(name)] || void 0;
  const env = layers.flags.env ?? fromEnv("env") ?? shared.get("env") ?? INPUTS.env.default;
  const sectionValue = layers.pyproject?.table[env];
  const sectionHeader = `${TABLE}.${env}`;
  const section = SECTIONS.includes(env) && isTable(sectionValue) ? readTable(sectionValue, sectionHeader, false) : /* @__PURE__ */ new Map();
  const values = {};
  for (const name of FLAG_INPUTS) {
    const flag = layers.flags[name];
    const variable = fromEnv(name);
    values[name] = flag !== void 0 ? { value: flag, source: `--${name}` } : variable !== void 0 ? { value: variable, source: `env ${envVariable(name)}` } : section.has(name) ? { value: section.get(name), source: `pyproject [${sectionHeader}]` } : shared.has(name) ? { value: shared.get(name), source: `pyproject [${TABLE}]` } : { value: "", source: "default" };
  }
  return { values, warnings: strayVariables(layers.env) };
}
function strayVariables(env) {
  const known = new Map(FLAG_INPUTS.map((name) => [envVariable(name), name]));
  return Object.keys(env).filter((variable) => variable.startsWith("KEDRO_DATAPROC_") && !known.has(variable)).map((variable) => {
    const guess = close(variable, [...known.keys()])[0];
    return `${variable} is not a setting and is ignored${guess ? `; did you mean ${guess}?` : ""}`;
  });
}
function readPyproject(directory) {
  const path = join(directory, "pyproject.toml");
  if (!existsSync(path)) return void 0;
  let document;
  try {
    document = parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new UsageError(
      `${path} is not valid TOML: ${error instanceof Error ? error.message : String(error)}`
    );
  }
  const tool = document.tool;
  const table = isTable(tool) ? tool["kedro-dataproc"] : void 0;
  if (table === void 0) return void 0;
  if (!isTable(table)) throw new UsageError(`${path}: tool.kedro-dataproc must be a table`);
  return { path, table };
}

// src/cli/session.ts
function loadSettings(invocation, env, cwd) {
  const directory = invocation.flags["working-directory"] || env[envVariable("working-directory")] || ".";
  return resolveSettings({
    pyproject: readPyproject(resolve(cwd, directory)),
    env,
    flags: invocation.flags
  });
}
var valuesOf = (settings) => readValues((name) => name in settings.values ? settings.values[name].value : "");
var LOCAL_CREDENTIALS_HINT = ": run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS to a service account key file";
async function checkCredentials() {
  await loadAccessToken(LOCAL_CREDENTIALS_HINT);
}

// src/cli/batch.ts
var BATCH_NAME = /^projects\/([^/]+)\/locations\/([^/]+)\/batches\/([^/]+)$/;
function locateBatch(batch, values, env) {
  const r = new InputReader(values, env);
  const endpoints = readEndpoints(r);
  const full = BATCH_NAME.exec(batch);
  const id = full ? full[3] : batch;
  if (!BATCH_ID_PATTERN.test(id))
    throw new UsageError(
      `'${batch}' is not a batch: give its id (4\u201363 lowercase letters, digits and -) or its name projects/P/locations/R/batches/ID`
    );
  const fix = "or give the batch as projects/P/locations/R/batches/ID";
  const projectId = full ? full[1] : r.required("project-id", `set project-id, ${fix}`);
  const region = full ? full[2] : r.required("region", `set region, ${fix}`);
  if (r.problems.length > 0) throw new InputError(r.problems);
  return {
    name: `projects/${projectId}/locations/${region}/batches/${id}`,
    id,
    projectId,
    region,
    endpoints
  };
}
async function withClient(located, reads, use) {
  const { endpoints } = located;
  const reached = [endpoints.dataproc, ...reads.map((name) => endpoints[name])];
  if (reached.some((endpoint) => !endpoint?.plaintext)) await checkCredentials();
  const client = await makeDataprocClient(located.region, endpoints.dataproc);
  try {
    return await use(client, await getBatch(client, located.name));
  } finally {
    await client.close();
  }
}
var resultOf = (located, batch, exitCode) => ({
  exitCode,
  json: {
    batchId: located.id,
    batchName: located.name,
    state: stateOf(batch),
    stateMessage: batch.stateMessage ?? ""
  }
});
function logsCommand(located, onLine) {
  return withClient(located, ["storage"], async (client, batch) => {
    const result = await watchBatch({
      client,
      storage: makeStorage(located.projectId, located.endpoints.storage),
      name: located.name,
      operation: batch.operation ?? "",
      abort: new AbortController().signal,
      onLine,
      cloudLogging: cloudLoggingOf(
        { project: located.projectId, location: located.region, batchId: located.id },
        located.endpoints.logging,
        onLine
      )
    });
    return resultOf(located, result.batch, result.state === "SUCCEEDED" ? 0 : 1);
  });
}
var CANCEL_WAIT_MS = 10 * 6e4;
function cancelCommand(located) {
  return withClient(located, [], async (client, first) => {
    let batch = first;
    if (isTerminal(stateOf(batch))) {
      log.info(`batch ${located.id} already ended ${stateOf(batch)}: nothing to cancel`);
      return resultOf(located, batch, 0);
    }
    await cancelBatch(client, batch.operation ?? "");
    log.info(`cancelling batch ${located.id}`);
    const deadline = Date.now() + CANCEL_WAIT_MS;
    while (!isTerminal(stateOf(batch)) && Date.now() < deadline) {
      await sleep(1e3);
      batch = await getBatch(client, located.name);
    }
    log.info(`batch ${located.id} ${stateOf(batch)}`);
    return resultOf(located, batch, stateOf(batch) === "CANCELLED" ? 0 : 1);
  });
}

// src/cli/facts.ts
var ciBranch = (env) => env.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME || env.CI_COMMIT_BRANCH || env.BRANCH_NAME || void 0;
async function localRunFacts(workingDirectory, shippedEntrypoint, env = process.env, now = /* @__PURE__ */ new Date()) {
  const [branch, commit] = await Promise.all([
    gitFact(workingDirectory, ["symbolic-ref", "--short", "-q", "HEAD"]),
    gitFact(workingDirectory, ["rev-parse", "HEAD"])
  ]);
  return {
    branch: branch ?? ciBranch(env) ?? "",
    commit: commit ?? "",
    repository: "",
    runId: "",
    runNumber: "",
    runAttempt: "",
    job: "",
    step: "",
    localNonce: localNonce(now),
    shippedEntrypoint
  };
}

// src/cli/clean.ts
async function cleanCommand(options, branch) {
  const { settings, terminal, env, cwd } = options;
  const values = valuesOf(settings);
  const config = parseInputs({ ...values, cleanup: "true" }, { workspace: cwd, env });
  const dryRun = parseBoolean(valueOf(values, "dry-run")) ?? false;
  const facts = await localRunFacts(config.workingDirectory, options.shippedEntrypoint, env);
  const plan = buildPlan(config, { ...facts, branch: branch || facts.branch });
  if (plan.credentials.needed) await checkCredentials();
  const result = await runCleanup(plan, "branch", dryRun);
  terminal.info(terminal.out.bold(`clean ${plan.branch}${result.dryRun ? " (dry run)" : ""}`));
  for (const line of cleanupLines(result)) terminal.info(`  ${line}`);
  const { leftovers } = result;
  return {
    exitCode: 0,
    json: {
      branch: plan.branch,
      dryRun: result.dryRun,
      items: cleanupItems(leftovers),
      cancelled: leftovers.running.length,
      folders: leftovers.folders.length,
      objects: leftovers.objects.length,
      bytes: result.bytes,
      tags: leftovers.tags,
      digests: leftovers.digests,
      kept: leftovers.kept
    }
  };
}

// src/cli/flag-help.ts
var FLAG_HELP = {
  env: "dev (a branch or pull request: image, code and outputs per branch) or prod (a release)",
  release: "prod only: the release to run, e.g. v0.2.0",
  "run-id": "Names the run's folders and labels",
  "kedro-run-args": "Arguments for kedro run, split like a shell splits words but never run through one, e.g. --pipelines=dp --params=a=1,b=2",
  "project-id": "Google Cloud project id",
  region: "Dataproc region, e.g. europe-west1",
  "run-submit-bucket": "Bucket (name only) that receives entrypoint.py and code.zip",
  "run-output-bucket": "Bucket (name only) under which each run writes its outputs",
  "service-account": "Service account the batch runs as",
  "workload-authentication": "Whose credentials the Spark job runs with: service-account (the default when service-account is set) or end-user (the identity that submits it, on runtime 3.0)",
  "runtime-version": "Dataproc Serverless runtime version: 2.3 (Spark 3.5, supported until 2027-11-26) or 3.0 (Spark 4.0)",
  "artifact-registry": "Registry host",
  "artifact-repository": "Artifact Registry repository that holds the image",
  "image-name": "Image name within the repository",
  "image-tag": "Image tag",
  image: "A prebuilt image to run (tag or digest); nothing is built",
  dockerfile: "Dockerfile, relative to working-directory",
  "build-context": "Build context, relative to working-directory",
  "build-args": "Build arguments, one NAME=value a line",
  "build-secrets": "BuildKit secrets, one id=value a line (as docker/build-push-action's secrets): a RUN --mount=type=secret,id=ID step reads the value from /run/secrets/ID; it is never in a layer, the log or the plan",
  target: "Dockerfile stage to build",
  "build-network": "Network of the build's RUN steps, as docker/build-push-action's network: host (the runner's network), none, or empty for Docker's default",
  entrypoint: "The PySpark main file",
  prepare: "prod only: build and push the release's image and upload its entrypoint.py, code.zip and release.json. false runs a release prepared earlier",
  submit: "prod only: run a batch of the release. false only prepares it (at release time)",
  force: "prod only: replace a release that was prepared from other content",
  "main-python-file": "The batch's main file instead of the uploaded entrypoint, e.g. one baked into the image: file:///home/kedro/code/deployment/dataproc/entrypoint.py",
  "spark-properties": "Spark properties, one key=value a line",
  labels: "Extra batch labels, one key=value a line",
  subnetwork: "Subnetwork name or URI the batch runs in",
  "network-tags": "Network tags, comma or newline separated",
  "kms-key": "Cloud KMS key for encryption, projects/P/locations/L/keyRings/R/cryptoKeys/K",
  ttl: "Longest the batch may run before Dataproc cancels it (10m to 14d), e.g. 6h",
  "staging-bucket": "Dataproc staging bucket (name only)",
  "metastore-service": "Dataproc Metastore service, projects/P/locations/L/services/NAME",
  "history-server-cluster": "Spark history server cluster, projects/P/regions/R/clusters/NAME",
  "working-directory": "The Kedro project's directory within the workspace",
  wait: "Wait for the batch to end and fail the step unless it succeeds",
  timeout: "Cancel the batch and fail when it runs longer than this, e.g. 45m",
  "max-dcu-hours": "A spending guard: while the batch runs, its usage so far is read from Dataproc, and the batch is cancelled (and the step fails) once it has used more than this many DCU-hours, e.g. 2.5",
  "dcu-price": "Your price in USD per DCU-hour (a negotiated or regional price), for the cost shown and the cost output",
  "shuffle-price": "Your price in USD per GB-month of shuffle storage",
  cleanup: "Clean up the branch instead of running it (on pull_request: closed): cancel its running batches, delete its run folders under run-submit-bucket, its branch image tag and any image nothing else names",
  "delete-outputs": "With cleanup or keep-runs, also delete the outputs under run-output-bucket (outputs are data: kept by default)",
  "delete-batches": "With cleanup, also delete the branch's finished batch records",
  "keep-runs": "After a run is submitted, delete the branch's older run folders (and, with delete-outputs, their outputs), keeping the newest this many",
  "cancel-on-abort": "Cancel the batch when the workflow run is cancelled or the step dies",
  "on-missing-credentials": "fail or skip when no Google credentials are available (e.g. a pull request from a fork): skip ends the step with a notice and does nothing",
  "allow-fork-code": "On pull_request_target, workflow_run and issue_comment, run code checked out from a fork (on issue_comment: any commit other than the workflow's own)",
  "allow-secret-files": "Files that may ship in code.zip or the image although they hold a private key or a Google login, or are .env* or Kedro conf/**/credentials* files, relative to working-directory, one a line",
  "github-token": "Token for the pull-request comment (needs pull-requests: write)",
  "pr-comment": "auto (on pull_request events), always (also for dry runs and skipped runs), or never: one sticky comment per workflow, job, environment and working-directory, updated on every run",
  "upload-artifacts": "Upload the driver output log, the final batch record and the plan as a workflow artifact",
  "dataproc-endpoint": "Dataproc gRPC endpoint; http://host:port means plaintext without credentials (a local emulator)",
  "storage-endpoint": "Cloud Storage JSON API base URL; http://\u2026 means plaintext without credentials",
  "logging-endpoint": "Cloud Logging REST base URL, where runtime 3.0 and later write the driver output; http://\u2026 means plaintext without credentials (a local emulator)",
  "dry-run": "Print the plan and set the outputs without building, uploading or submitting anything",
  preflight: "Check the Kedro project before anything is built, uploaded or submitted (a few seconds): inputs that code.zip will not hold, outputs on local paths, gs:// without gcsfs, pyspark in the image, unregistered resolvers, unknown --pipelines/--nodes/--tags"
};

// src/cli/help.ts
function flagLine(name) {
  const flag = isBooleanInput(name) ? `--[no-]${name}` : `--${name} VALUE`;
  const fallback = INPUTS[name].default;
  return `  ${flag.padEnd(34)}${FLAG_HELP[name]}${fallback ? ` (default ${fallback})` : ""}`;
}
function helpText() {
  return [
    "Usage: kedro-dataproc <command> [flags]",
    "",
    "Runs a Kedro project on Google Cloud Dataproc Serverless, as the kedro-dataproc-action does.",
    "",
    "Commands:",
    "  run              build/upload what the run needs, submit the batch and stream its driver output",
    "  logs BATCH       follow a batch to its end, printing its whole driver output",
    "  cancel BATCH     cancel a batch and wait until it is CANCELLED",
    "  init             adapt the Kedro project for Dataproc (Dockerfile, settings, resolver, catalog);",
    "                   --dry-run shows the diff; it never overwrites a file it did not write",
    "  clean            remove what a dev branch left behind (batches, code folders, image tag);",
    "                   --branch NAME (default: the checked-out branch), --dry-run lists it",
    "  BATCH is a batch id (with --project-id and --region) or projects/P/locations/R/batches/ID.",
    "",
    "Settings, each overriding the one before:",
    "  pyproject.toml [tool.kedro-dataproc], then [tool.kedro-dataproc.dev] or [tool.kedro-dataproc.prod]",
    `  environment variables ${envVariable("run-submit-bucket")} and the like`,
    "  flags, spelled as the action\u2019s inputs:",
    ...FLAG_INPUTS.map(flagLine),
    `  logs and cancel take only ${LOCATING_INPUTS.map((name) => `--${name}`).join(", ")}.`,
    "",
    "Other flags:",
    "  --json           print one JSON result on standard output; everything else goes to standard error",
    "  --help, -h       this text",
    "  --version        the version",
    "",
    "Exit status: 0 the batch succeeded; 1 it failed or was cancelled, or something went wrong;",
    "2 bad usage or settings (nothing was done); 130 left on a second Ctrl-C (the batch runs on).",
    "Ctrl-C during run cancels the batch; press it again to leave it running."
  ].join("\n");
}

// src/cli/init.ts
import { existsSync as existsSync2, mkdirSync, readFileSync as readFileSync2, writeFileSync } from "node:fs";
import { dirname, join as join2, resolve as resolve2 } from "node:path";

// src/cli/init-files.ts
var DOCKERFILE = `# syntax=docker/dockerfile:1
# Written by kedro-dataproc init: the image for Dataproc Serverless's custom containers
# (linux/amd64). Dataproc mounts Spark, PySpark and a JDK at run time, so the image bundles none
# of them: keep pyspark out of requirements.txt.
# https://cloud.google.com/dataproc-serverless/docs/guides/custom-containers

# ---------------------------------------------------------------- base: OS and libraries
FROM python:3.11-slim AS base

# (Required) utilities that Spark's launch scripts use.
RUN apt-get update \\
    && apt-get install -y --no-install-recommends procps tini \\
    && rm -rf /var/lib/apt/lists/*

# Driver and executors run this interpreter instead of Dataproc's own conda Python.
ENV PYSPARK_PYTHON=/usr/local/bin/python \\
    PYSPARK_DRIVER_PYTHON=/usr/local/bin/python \\
    PYTHONUNBUFFERED=1 \\
    PIP_NO_CACHE_DIR=1 \\
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Extra jars (connectors, JDBC drivers) go here; Dataproc adds them to Spark's classpath.
ENV SPARK_EXTRA_JARS_DIR=/opt/spark/jars/ \\
    SPARK_EXTRA_CLASSPATH="/opt/spark/jars/*"
RUN mkdir -p "\${SPARK_EXTRA_JARS_DIR}"

# (Required) the \`spark\` user and group, UID and GID 1099, with a home directory.
RUN groupadd -g 1099 spark \\
    && useradd -u 1099 -g 1099 -d /home/spark -m -s /bin/bash spark

# Libraries only. Copying requirements.txt alone keeps this layer cached across code changes.
COPY requirements.txt /tmp/requirements.txt
RUN pip install -r /tmp/requirements.txt && rm /tmp/requirements.txt

RUN mkdir -p /home/kedro && chown spark:spark /home/kedro
WORKDIR /home/kedro
USER spark

# ----------------------------------------------------------------- dev: libraries only
# kedro-dataproc-action ships the code of each run as code.zip#code, and its own entrypoint
# as the batch's main file, so a dev image is reused until requirements.txt changes.
FROM base AS dev

# ------------------------------------------------------------- prod: libraries and code
# The release's code is baked in. The action still uploads its entrypoint as the main file;
# the entrypoint finds the code through KEDRO_DATAPROC_CODE_DIR.
FROM base AS prod
COPY --chown=spark:spark . /home/kedro/code
ENV KEDRO_DATAPROC_CODE_DIR=/home/kedro/code
`;
var DOCKERIGNORE = `# Written by kedro-dataproc init: the build context of the Dataproc image.
.git
.github
.venv
venv
**/__pycache__
**/*.py[cod]
**/.ipynb_checkpoints
*.egg-info
build
dist
logs
spark-warehouse
metastore_db

# Local configuration stays local, but Kedro needs the conf/local directory to exist.
conf/local/**
!conf/local/.gitkeep

# Run outputs stay out of the image; the raw sample is part of the project.
data/**
!data/01_raw
!data/01_raw/**
`;
var PYPROJECT_TABLE = `
# kedro-dataproc's settings (the action's input names; see the README, The command).
[tool.kedro-dataproc]
# project-id = "my-project"
# region = "europe-west1"
# run-submit-bucket = "my-project-dataproc-submit"
# run-output-bucket = "my-project-dataproc-output"
# artifact-repository = "kedro"
# dockerfile = "deployment/dataproc/serverless/Dockerfile"
`;
var RESOLVER_COMMENT = `
# Added by kedro-dataproc init: Kedro resolves \${oc.env:...} only in credentials; registering it
# lets the catalog read KEDRO_DATAPROC_RUN_OUTPUT_URI, the run's output prefix on Dataproc.
from omegaconf.resolvers import oc  # noqa: E402
`;
var RESOLVER_MERGED = `${RESOLVER_COMMENT}
CONFIG_LOADER_ARGS = {
    **CONFIG_LOADER_ARGS,
    "custom_resolvers": {**CONFIG_LOADER_ARGS.get("custom_resolvers", {}), "oc.env": oc.env},
}
`;
var RESOLVER_NEW = `${RESOLVER_COMMENT}
CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
    "custom_resolvers": {"oc.env": oc.env},
}
`;
var CATALOG_GLOBAL = `# Added by kedro-dataproc init. Write outputs under \${_output}/..., e.g.
#   filepath: \${_output}/02_intermediate/preprocessed_companies.parquet
# On Dataproc that is gs://RUN_OUTPUT_BUCKET/BRANCH/RUN_ID (KEDRO_DATAPROC_RUN_OUTPUT_URI, set by
# kedro-dataproc); a local kedro run writes under ./data.
_output: \${oc.env:KEDRO_DATAPROC_RUN_OUTPUT_URI,data}

`;
var GCSFS_REQUIREMENT = `
# Added by kedro-dataproc init: spark.SparkDataset and pandas datasets open gs:// paths with gcsfs.
gcsfs
`;

// node_modules/ansi-regex/index.js
var ST = String.raw`(?:\u001B\u005C|\u009C)`;
var stringControls = String.raw`\u0018\u001A\u001B\u0080-\u009F`;
var osc = String.raw`(?:\u001B\]|\u009D)[^\u0007${stringControls}]*(?:\u0007|${ST})`;
var controlString = String.raw`(?:\u001B[PX^_k]|[\u0090\u0098\u009E\u009F])[^${stringControls}]*${ST}`;
var linuxPalette = String.raw`\u001B\](?:P[\dA-Fa-f]{7}|R)(?:\u0007|${ST})?`;
var csi = String.raw`(?:\u001B\[|\u009B)[\u0030-\u003F]*[\u0020-\u002F]*[\u0040-\u007E]`;
var escape = String.raw`\u001B(?:[\u0020-\u002F]+[\u0030-\u007E]|[\dA-PR-TZcf-oq-uy=><~|}])`;
var pattern = `${linuxPalette}|${osc}|${controlString}|${csi}|${escape}`;
function ansiRegex({ onlyFirst = false } = {}) {
  return new RegExp(pattern, onlyFirst ? void 0 : "g");
}

// src/cli/palette.ts
function useColour(stream, env) {
  if (!stream.isTTY) return false;
  if (env.NO_COLOR !== void 0 && env.NO_COLOR !== "") return false;
  return env.TERM !== "dumb";
}
var sgr = (on, off) => (text) => `\x1B[${on}m${text}\x1B[${off}m`;
var plain = (text) => text;
var palette = (colour) => colour ? {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  red: sgr(31, 39),
  green: sgr(32, 39),
  yellow: sgr(33, 39)
} : { bold: plain, dim: plain, red: plain, green: plain, yellow: plain };

// src/cli/terminal.ts
var SGR = /\u001b\[[\d;:]*m/g;
var WHOLE_SGR = new RegExp(`^(?:${SGR.source})$`);
var SEQUENCES = new RegExp(`(${ansiRegex().source})`);
function terminalOutput(text, colour) {
  return text.split(SEQUENCES).map(
    (piece, i) => i % 2 === 1 ? colour && WHOLE_SGR.test(piece) ? piece : "" : withoutControls(piece)
  ).join("");
}
function terminalLine(text, colour) {
  const sgr2 = colour ? text.match(SGR) ?? [] : [];
  return text.split(SGR).map((piece, i) => visible(piece, { keepNewlines: true }) + (sgr2[i] ?? "")).join("");
}
var FRAMES = "\u280B\u2819\u2839\u2838\u283C\u2834\u2826\u2827\u2807\u280F";
var Terminal = class {
  constructor(stdout, stderr, env) {
    this.stdout = stdout;
    this.stderr = stderr;
    this.colour = /* @__PURE__ */ new Map([
      [stderr, useColour(stderr, env)],
      [stdout, useColour(stdout, env)]
    ]);
    this.out = palette(this.colour.get(stdout) === true);
    this.err = palette(this.colour.get(stderr) === true);
  }
  stdout;
  stderr;
  out;
  err;
  colour;
  secrets = /* @__PURE__ */ new Set();
  status;
  /** A progress bar, shown in the status line's place while it is there. */
  bar;
  frame = 0;
  info(message) {
    this.write(this.stdout, message);
  }
  notice(message) {
    this.write(this.stdout, this.out.bold(message));
  }
  warning(message) {
    this.write(this.stderr, this.err.yellow(`warning: ${message}`));
  }
  error(message, at) {
    const place = at ? `${at.file}:${at.line}: ` : "";
    this.write(this.stderr, this.err.red(`error: ${place}${message}`));
  }
  /** The driver's output: on standard output, never able to move the cursor or write elsewhere. */
  output(text) {
    this.write(this.stdout, terminalOutput(text, this.colour.get(this.stdout) === true), true);
  }
  secret(value) {
    if (value) this.secrets.add(value);
  }
  async group(title, body) {
    this.write(this.stdout, this.out.bold(title));
    return body();
  }
  /**
   * Shows what the command is waiting on: a spinner with the time elapsed on a terminal, one
   * plain line elsewhere. `undefined` removes it.
   */
  setStatus(text) {
    if (this.status?.timer) clearInterval(this.status.timer);
    this.clearStatus();
    this.bar = void 0;
    this.status = text === void 0 ? void 0 : { text: visible(text), since: Date.now() };
    if (!this.status) return;
    if (!this.stderr.isTTY) {
      this.stderr.write(`${this.status.text}\u2026
`);
      return;
    }
    this.status.timer = setInterval(() => this.drawStatus(), 100);
    this.status.timer.unref();
    this.drawStatus();
  }
  /** Where the upload progress goes: in the status line's place, or as lines on standard error. */
  progressSink() {
    return {
      tty: this.stderr.isTTY === true,
      draw: (line) => {
        this.clearStatus();
        this.bar = line;
        this.drawStatus();
      },
      print: (line) => this.write(this.stderr, line)
    };
  }
  drawStatus() {
    if (!this.stderr.isTTY) return;
    if (this.bar !== void 0) {
      this.stderr.write(`\r\x1B[2K${this.bar}`);
      return;
    }
    if (!this.status) return;
    this.frame = (this.frame + 1) % FRAMES.length;
    const seconds = ((Date.now() - this.status.since) / 1e3).toFixed(0);
    this.stderr.write(
      `\r\x1B[2K${this.err.dim(`${FRAMES[this.frame]} ${this.status.text} ${seconds}s`)}`
    );
  }
  clearStatus() {
    if ((this.status || this.bar !== void 0) && this.stderr.isTTY) this.stderr.write("\r\x1B[2K");
  }
  /**
   * A line, with the status line taken down under it and put back after. Every line passes here:
   * `output` cleans someone else's text, the rest is the command's own.
   */
  write(stream, message, cleaned = false) {
    this.clearStatus();
    let text = cleaned ? message : terminalLine(message, this.colour.get(stream) === true);
    for (const secret of this.secrets) text = text.split(secret).join("***");
    stream.write(`${text}
`);
    this.drawStatus();
  }
};

// src/cli/init.ts
var read = (dir, path) => existsSync2(join2(dir, path)) ? readFileSync2(join2(dir, path), "utf8") : void 0;
var lineCount = (text) => text === "" ? 0 : text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
function newFile(dir, path, text, why, p) {
  const existing = read(dir, path);
  if (existing === void 0) p.changes.push({ path, at: "start", text, why });
  else if (existing !== text)
    p.warnings.push(
      `${path} exists and kedro-dataproc init did not write it, so it is left as it is; compare it with the README's "Adapting your Kedro project"`
    );
}
function append(path, text, why, p) {
  p.changes.push({ path, at: "end", text, why });
}
function kedroProject(dir) {
  const text = read(dir, "pyproject.toml");
  const pyproject = text === void 0 ? void 0 : parse(text);
  const kedro = pyproject?.tool?.kedro;
  if (!pyproject || !kedro || typeof kedro.package_name !== "string")
    throw new UsageError(
      `${dir} is not a Kedro project: its pyproject.toml has no [tool.kedro] package_name; run init in the project's root`
    );
  const source = typeof kedro.source_dir === "string" ? kedro.source_dir : "src";
  return { settings: `${source}/${kedro.package_name}/settings.py`, pyproject };
}
function settingsChange(dir, path, p) {
  const text = read(dir, path) ?? "";
  if (/["']oc\.env["']\s*:/.test(text)) return;
  const defined = /^CONFIG_LOADER_ARGS\s*[:=]/m.test(text);
  append(path, defined ? RESOLVER_MERGED : RESOLVER_NEW, "register the oc.env resolver", p);
}
function requirementsChange(dir, p) {
  const text = read(dir, "requirements.txt");
  if (text === void 0) {
    p.warnings.push("requirements.txt does not exist: the Dockerfile installs the image from it");
    return;
  }
  const requirements = parseRequirements("requirements.txt", text);
  if (!hasGcsfs(requirements))
    append("requirements.txt", GCSFS_REQUIREMENT, "gs:// paths need gcsfs", p);
  for (const line of pysparkLines(requirements))
    p.warnings.push(
      `requirements.txt: '${line.line}' puts pyspark into the image, and Dataproc mounts its own Spark: remove it (keep pyspark for local runs in an extra, or a requirements file the Dockerfile does not copy)`
    );
}
function planInit(dir) {
  const p = { changes: [], warnings: [] };
  const { settings, pyproject } = kedroProject(dir);
  const dockerfile = "deployment/dataproc/serverless/Dockerfile";
  newFile(dir, dockerfile, DOCKERFILE, "the image for Dataproc", p);
  newFile(dir, ".dockerignore", DOCKERIGNORE, "what the image leaves out", p);
  const tool = pyproject.tool;
  if (tool["kedro-dataproc"] === void 0)
    append("pyproject.toml", PYPROJECT_TABLE, "the settings of kedro-dataproc", p);
  settingsChange(dir, settings, p);
  const catalog = "conf/base/catalog.yml";
  if (!/^_output\s*:/m.test(read(dir, catalog) ?? ""))
    p.changes.push({
      path: catalog,
      at: "start",
      text: CATALOG_GLOBAL,
      why: "the run output prefix"
    });
  requirementsChange(dir, p);
  return p;
}
function diffOf(change, existing) {
  const lines = change.text.replace(/\n$/, "").split("\n");
  const line = change.at === "start" ? 0 : lineCount(existing ?? "");
  return [
    `--- ${existing === void 0 ? "/dev/null" : `a/${change.path}`}`,
    `+++ b/${change.path}`,
    `@@ -${line},0 +${line + 1},${lines.length} @@ ${change.why}`,
    ...lines.map((text) => `+${text}`)
  ];
}
function changed(change, existing = "") {
  if (change.at === "start") return `${change.text}${existing}`;
  return `${existing}${existing === "" || existing.endsWith("\n") ? "" : "\n"}${change.text}`;
}
function initCommand(dir, dryRun, terminal) {
  const p = planInit(dir);
  for (const change of p.changes) {
    const existing = read(dir, change.path);
    for (const line of diffOf(change, existing)) terminal.output(line);
    if (dryRun) continue;
    mkdirSync(dirname(join2(dir, change.path)), { recursive: true });
    writeFileSync(join2(dir, change.path), changed(change, existing));
  }
  for (const warning of p.warnings) terminal.warning(warning);
  const paths = p.changes.map((change) => change.path);
  terminal.info(
    paths.length === 0 ? "init: nothing to change; the project is adapted" : `init: ${dryRun ? "would change" : "changed"} ${paths.join(", ")}${dryRun ? " (dry run: nothing was written)" : ""}`
  );
  return { exitCode: 0, json: { changed: paths, dryRun, warnings: p.warnings } };
}
function initProject(settings, cwd, env, json) {
  const { values } = settings;
  const dryRun = parseBoolean(values["dry-run"].value || "false");
  if (dryRun === void 0) throw new UsageError("--dry-run: use true or false");
  const dir = resolve2(cwd, values["working-directory"].value || ".");
  const out = json ? process.stderr : process.stdout;
  return initCommand(dir, dryRun, new Terminal(out, process.stderr, env));
}

// src/cli/interrupt.ts
var INTERRUPTED = 130;
function endpointFlags(endpoints) {
  return ["dataproc", "storage", "logging"].map((kind) => endpoints[kind] ? ` --${kind}-endpoint ${endpoints[kind].url}` : "").join("");
}
var commands = (plan) => {
  const target = `${plan.batch.name}${endpointFlags(plan.endpoints)}`;
  return [
    `  follow it:  kedro-dataproc logs ${target}`,
    `  cancel it:  kedro-dataproc cancel ${target}`
  ];
};
function reattachHint(plan) {
  return [
    `batch ${plan.batch.id} is still running: ${plan.batch.consoleUrl}`,
    ...commands(plan)
  ].join("\n");
}
function leavingMessage(plan, phase) {
  const id = plan.batch.id;
  switch (phase) {
    case "preparing":
      return "stopped; no batch was submitted";
    case "settled":
      return `stopped; batch ${id} is no longer followed: ${plan.batch.consoleUrl}`;
    case "submitting":
      return [
        `left while CreateBatch for batch ${id} was in flight: the batch may have been created and run unwatched.`,
        `Make sure: ${plan.batch.consoleUrl}`,
        ...commands(plan)
      ].join("\n");
    case "running":
      return reattachHint(plan);
    case "cancelling":
      return [
        `batch ${id} is being cancelled (Dataproc accepted the cancel); it was not yet seen CANCELLED: ${plan.batch.consoleUrl}`,
        `  see it end: kedro-dataproc logs ${plan.batch.name}${endpointFlags(plan.endpoints)}`
      ].join("\n");
  }
}
function firstSignalMessage(plan, phase) {
  const id = plan.batch.id;
  if (phase === "submitting")
    return `cancelling batch ${id} as soon as its creation answers; press Ctrl-C again to leave it`;
  if (phase === "running") return `cancelling batch ${id}; press Ctrl-C again to leave it running`;
  if (phase === "cancelling")
    return `batch ${id} is already being cancelled; press Ctrl-C again to leave it`;
  return "stopping before the batch is submitted; press Ctrl-C again to quit at once";
}
function interruptions(plan, terminal, exit = (code) => process.exit(code)) {
  const abort = new AbortController();
  let phase = "preparing";
  let signals = 0;
  const leave = () => {
    terminal.warning(leavingMessage(plan, phase));
    exit(INTERRUPTED);
  };
  const onSignal = () => {
    signals += 1;
    if (signals > 1 || !plan.behaviour.cancelOnAbort) return leave();
    terminal.warning(firstSignalMessage(plan, phase));
    abort.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    signal: abort.signal,
    submitting: () => {
      phase = "submitting";
    },
    submitted: () => {
      phase = "running";
    },
    cancelSent: () => {
      if (phase === "running") phase = "cancelling";
    },
    settled: () => {
      phase = "settled";
    },
    stop: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  };
}

// src/cli/progress.ts
var MIN_BYTES = 1024 * 1024;
var REDRAW_MS = 100;
var BAR_WIDTH = 24;
var QUARTERS = [25, 50, 75, 100];
var megabytes = (bytes) => (bytes / 1e6).toFixed(1);
var nameOf = (uri) => uri.slice(uri.lastIndexOf("/") + 1);
function percentOf(bytes, total) {
  if (total <= 0 || bytes >= total) return 100;
  return Math.min(99, Math.floor(bytes / total * 100));
}
function barLine(progress, paint) {
  const name = `uploading ${nameOf(progress.uri)}`;
  if (progress.total === void 0) return `${name}  ${megabytes(progress.bytes)} MB`;
  const percent = percentOf(progress.bytes, progress.total);
  const filled = Math.round(percent / 100 * BAR_WIDTH);
  const bar = paint.green("\u2588".repeat(filled)) + paint.dim("\u2591".repeat(BAR_WIDTH - filled));
  const amounts = `${megabytes(progress.bytes)}/${megabytes(progress.total)} MB`;
  return `${name}  ${bar} ${String(percent).padStart(3)}% ${amounts}`;
}
function plainLine(progress) {
  const percent = percentOf(progress.bytes, progress.total);
  const amounts = `${megabytes(progress.bytes)}/${megabytes(progress.total)} MB`;
  return `uploading ${nameOf(progress.uri)}: ${percent}% (${amounts})`;
}
var ProgressDisplay = class {
  constructor(sink, paint, now = Date.now) {
    this.sink = sink;
    this.paint = paint;
    this.now = now;
  }
  sink;
  paint;
  now;
  lastDraw = Number.NEGATIVE_INFINITY;
  reported = /* @__PURE__ */ new Map();
  update(progress) {
    const size = progress.total ?? progress.bytes;
    if (progress.total !== void 0 && size < MIN_BYTES) return;
    const done = progress.total !== void 0 && progress.bytes >= progress.total;
    if (this.sink.tty) this.redraw(progress, done);
    else if (progress.total !== void 0) this.report({ ...progress, total: progress.total });
  }
  redraw(progress, done) {
    const now = this.now();
    if (!done && now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    this.sink.draw(done ? void 0 : barLine(progress, this.paint));
  }
  report(progress) {
    const percent = percentOf(progress.bytes, progress.total);
    const last = this.reported.get(progress.uri) ?? 0;
    const passed = QUARTERS.filter((quarter) => quarter > last && quarter <= percent).pop();
    if (passed === void 0) return;
    this.reported.set(progress.uri, passed);
    this.sink.print(plainLine(progress));
  }
};

// src/cli/run.ts
function settingRows(settings) {
  return Object.entries(settings.values).filter(([, setting]) => setting.source !== "default").map(([name, setting]) => [
    name,
    `${setting.value.replace(/\n/g, ", ") || "''"}  (${setting.source})`
  ]);
}
function showPlan(terminal, settings, plan) {
  const { bold } = terminal.out;
  const rows = settingRows(settings);
  terminal.info(bold("settings"));
  for (const line of rows.length ? formatRows(rows) : ["(all defaults)"]) terminal.info(`  ${line}`);
  terminal.info(bold(`plan: ${plan.env} run ${plan.runId} \u2192 batch ${plan.batch.id}`));
  for (const line of formatRows(planRows(plan))) terminal.info(`  ${line}`);
}
function outcomeJson(outcome) {
  const { plan } = outcome;
  return {
    state: outcome.state,
    stateMessage: outcome.stateMessage,
    succeeded: succeeded(outcome),
    batchId: plan.batch.id,
    batchName: plan.batch.name,
    consoleUrl: plan.batch.consoleUrl,
    runId: plan.runId,
    env: plan.env,
    release: plan.release,
    image: plan.image.reference,
    entrypointUri: plan.storage.entrypointUri,
    codeUri: plan.storage.codeUri,
    runOutputUri: plan.storage.runOutputUri,
    runtimeVersion: outcome.batch?.runtimeConfig?.version ?? plan.batch.request.batch.runtimeConfig.version,
    durationSeconds: outcome.durationSeconds,
    costUsd: costUsd(outcome),
    note: outcome.note
  };
}
function preparing(plan) {
  if (plan.behaviour.dryRun) return void 0;
  if (plan.env === "prod" && !plan.behaviour.prepare) return `reading release ${plan.release}`;
  return plan.build ? "building the image and uploading the code" : "uploading the code";
}
async function execute(plan, terminal) {
  const interrupt = interruptions(plan, terminal);
  terminal.setStatus(preparing(plan));
  const progress = new ProgressDisplay(terminal.progressSink(), terminal.err);
  let seenOutput = false;
  try {
    return await runPlan(plan, {
      abort: interrupt.signal,
      credentialsHint: LOCAL_CREDENTIALS_HINT,
      onSubmitting: () => {
        interrupt.submitting();
        terminal.setStatus(`submitting batch ${plan.batch.id}`);
      },
      onCancelSent: () => {
        interrupt.cancelSent();
        terminal.warning(`Dataproc accepted the cancel of batch ${plan.batch.id}`);
      },
      onSubmitted: () => {
        interrupt.submitted();
        terminal.setStatus("waiting for the driver");
      },
      onSettled: () => interrupt.settled(),
      onUploadProgress: (update) => progress.update(update),
      onLine: (line) => {
        if (!seenOutput) terminal.setStatus(void 0);
        seenOutput = true;
        terminal.output(line);
      }
    });
  } finally {
    terminal.setStatus(void 0);
    interrupt.stop();
  }
}
async function runCommand(options) {
  const { settings, terminal } = options;
  const config = parseInputs(valuesOf(settings), { workspace: options.cwd, env: options.env });
  for (const warning of [...settings.warnings, ...config.warnings]) terminal.warning(warning);
  const context = await localRunFacts(
    config.workingDirectory,
    options.shippedEntrypoint,
    options.env
  );
  const plan = buildPlan(config, context);
  maskPlanSecrets(plan);
  showPlan(terminal, settings, plan);
  await kedroPreflight(config, plan);
  if (plan.behaviour.dryRun) {
    terminal.info(terminal.out.bold("CreateBatch request"));
    terminal.info(JSON.stringify(redactPlan(plan).batch.request, null, 2));
  }
  const outcome = await execute(plan, terminal);
  const ok = succeeded(outcome);
  const { bold, green, red } = terminal.out;
  terminal.info(bold("outcome"));
  const rows = outcomeRows(outcome).map(([label, value]) => [
    label,
    label === "state" ? (ok ? green : red)(value) : value
  ]);
  for (const line of formatRows(rows)) terminal.info(`  ${line}`);
  if (outcome.note) terminal.info(outcome.note);
  const failure = failureMessage(outcome);
  if (failure !== void 0) terminal.error(failure);
  return { exitCode: ok ? 0 : 1, json: outcomeJson(outcome) };
}

// src/cli/main.ts
function problemLines(error, settings) {
  return error.problems.map((problem) => {
    const name = /^([a-z0-9-]+):/.exec(problem)?.[1];
    const setting = name && settings ? settings.values[name] : void 0;
    return setting && setting.source !== "default" ? `${problem} [${setting.source}]` : problem;
  });
}
async function dispatch(invocation, settings, options) {
  const { env, cwd } = options;
  const { json } = invocation;
  if (invocation.command === "run" || invocation.command === "clean") {
    const terminal = new Terminal(json ? process.stderr : process.stdout, process.stderr, env);
    setLogSink(terminal);
    const run = { settings, terminal, env, cwd, shippedEntrypoint: options.shippedEntrypoint };
    return invocation.command === "run" ? runCommand(run) : cleanCommand(run, invocation.branch);
  }
  if (invocation.command === "init") return initProject(settings, cwd, env, json);
  setLogSink(new Terminal(process.stderr, process.stderr, env));
  const located = locateBatch(invocation.batch, valuesOf(settings), env);
  if (invocation.command === "cancel") return cancelCommand(located);
  const out = new Terminal(json ? process.stderr : process.stdout, process.stderr, env);
  return logsCommand(located, (line) => out.output(line));
}
async function main(argv, given) {
  const options = { env: process.env, cwd: process.cwd(), ...given };
  const errors = new Terminal(process.stderr, process.stderr, options.env);
  let json = argv.includes("--json");
  let settings;
  let result;
  try {
    const invocation = parseArgv(argv);
    json = invocation.json;
    if (invocation.command === "help" || invocation.command === "version") {
      process.stdout.write(`${invocation.command === "help" ? helpText() : ACTION_VERSION}
`);
      return 0;
    }
    settings = loadSettings(invocation, options.env, options.cwd);
    result = await dispatch(invocation, settings, options);
  } catch (error) {
    const usage = error instanceof UsageError || error instanceof InputError || error instanceof PlanError;
    const lines = error instanceof InputError ? problemLines(error, settings) : [errorMessage(error)];
    for (const line of lines) errors.error(line);
    if (usage) errors.info("nothing was done; see kedro-dataproc --help");
    result = {
      exitCode: usage ? 2 : 1,
      json: { state: usage ? "INVALID" : "ERROR", error: lines.join("\n") }
    };
  }
  if (json)
    process.stdout.write(`${JSON.stringify({ exitCode: result.exitCode, ...result.json })}
`);
  return result.exitCode;
}

// src/cli/index.ts
var SHIPPED_ENTRYPOINT = fileURLToPath(new URL("../entrypoint/entrypoint.py", import.meta.url));
process.stdout.on("error", (error) => {
  if (error.code !== "EPIPE") throw error;
});
process.exitCode = await main(process.argv.slice(2), { shippedEntrypoint: SHIPPED_ENTRYPOINT });
