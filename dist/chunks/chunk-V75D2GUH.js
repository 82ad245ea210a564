import { createRequire as __createRequire } from 'node:module';
import { fileURLToPath as __fileURLToPath } from 'node:url';
import { dirname as __pathDirname } from 'node:path';
const require = __createRequire(import.meta.url);
const __bundleFilename = __fileURLToPath(import.meta.url);
const __bundleDirname = __pathDirname(__bundleFilename);
import {
  require_tar_stream
} from "./chunk-RGANAITH.js";
import {
  DEFAULT_RUNTIME,
  OutputLines,
  backoffDelay,
  cancelBatch,
  checkRuntime,
  costOf,
  deployingIdentity,
  formatUsd,
  isTerminal,
  isTransient,
  loadAccessToken,
  log,
  loggingClient,
  majorOf,
  makeDataprocClient,
  makeStorage,
  maxCostText,
  parseGcsUri,
  priceBasis,
  pricesFor,
  runtime3Problems,
  spendingReason,
  stateOf,
  submitBatch,
  usageOf,
  visible,
  watchBatch,
  withRetries
} from "./chunk-QT2O4U7V.js";
import {
  credentialReason,
  fileChecksums,
  findSecrets,
  gitConfigReason,
  localSecretsReason,
  realProjectDir,
  secretFilesError,
  secretRules,
  unscannedLine
} from "./chunk-6VP2FVX6.js";
import {
  errorCause,
  errorCode,
  errorMessage,
  explainError,
  firstLine,
  httpStatus
} from "./chunk-3O2FMUUN.js";
import {
  __commonJS,
  __require,
  __toESM
} from "./chunk-CSCBOJKS.js";

// node_modules/@balena/dockerignore/ignore.js
var require_ignore = __commonJS({
  "node_modules/@balena/dockerignore/ignore.js"(exports, module) {
    "use strict";
    var path8 = __require("path");
    var factory = (options) => new IgnoreBase(options);
    factory.default = factory;
    module.exports = factory;
    function make_array(subject) {
      return Array.isArray(subject) ? subject : [subject];
    }
    var REGEX_TRAILING_SLASH = /(?<=.)\/$/;
    var REGEX_TRAILING_BACKSLASH = /(?<=.)\\$/;
    var REGEX_TRAILING_PATH_SEP = path8.sep === "\\" ? REGEX_TRAILING_BACKSLASH : REGEX_TRAILING_SLASH;
    var KEY_IGNORE = typeof Symbol !== "undefined" ? /* @__PURE__ */ Symbol.for("dockerignore") : "dockerignore";
    function cleanPath(file) {
      return path8.normalize(file).replace(REGEX_TRAILING_PATH_SEP, "");
    }
    function toSlash(file) {
      if (path8.sep === "/") {
        return file;
      }
      return file.replace(/\\/g, "/");
    }
    function fromSlash(file) {
      if (path8.sep === "/") {
        return file;
      }
      return file.replace(/\//g, path8.sep);
    }
    var IgnoreBase = class {
      constructor({
        // https://github.com/kaelzhang/node-ignore/blob/5.1.4/index.js#L372
        ignorecase = true
      } = {}) {
        this._rules = [];
        this._ignorecase = ignorecase;
        this[KEY_IGNORE] = true;
        this._initCache();
      }
      _initCache() {
        this._cache = {};
      }
      // @param {Array.<string>|string|Ignore} pattern
      add(pattern) {
        this._added = false;
        if (typeof pattern === "string") {
          pattern = pattern.split(/\r?\n/g);
        }
        make_array(pattern).forEach(this._addPattern, this);
        if (this._added) {
          this._initCache();
        }
        return this;
      }
      // legacy
      addPattern(pattern) {
        return this.add(pattern);
      }
      _addPattern(pattern) {
        if (pattern && pattern[KEY_IGNORE]) {
          this._rules = this._rules.concat(pattern._rules);
          this._added = true;
          return;
        }
        if (this._checkPattern(pattern)) {
          const rule = this._createRule(pattern.trim());
          if (rule !== null) {
            this._added = true;
            this._rules.push(rule);
          }
        }
      }
      _checkPattern(pattern) {
        return pattern && typeof pattern === "string" && pattern.indexOf("#") !== 0 && pattern.trim() !== "";
      }
      filter(paths) {
        return make_array(paths).filter((path9) => this._filter(path9));
      }
      createFilter() {
        return (path9) => this._filter(path9);
      }
      ignores(path9) {
        return !this._filter(path9);
      }
      // https://github.com/moby/moby/blob/v19.03.8/builder/dockerignore/dockerignore.go#L41-L53
      // https://github.com/moby/moby/blob/v19.03.8/pkg/fileutils/fileutils.go#L29-L55
      _createRule(pattern) {
        const origin = pattern;
        let negative = false;
        if (pattern[0] === "!") {
          negative = true;
          pattern = pattern.substring(1).trim();
        }
        if (pattern.length > 0) {
          pattern = cleanPath(pattern);
          pattern = toSlash(pattern);
          if (pattern.length > 1 && pattern[0] === "/") {
            pattern = pattern.slice(1);
          }
        }
        if (negative) {
          pattern = "!" + pattern;
        }
        pattern = pattern.trim();
        if (pattern === "") {
          return null;
        }
        pattern = cleanPath(pattern);
        if (pattern[0] === "!") {
          if (pattern.length === 1) {
            return null;
          }
          negative = true;
          pattern = pattern.substring(1);
        } else {
          negative = false;
        }
        return {
          origin,
          pattern,
          // https://github.com/moby/moby/blob/v19.03.8/pkg/fileutils/fileutils.go#L54
          dirs: pattern.split(path8.sep),
          negative
        };
      }
      // @returns `Boolean` true if the `path` is NOT ignored
      _filter(path9) {
        if (!path9) {
          return false;
        }
        if (path9 in this._cache) {
          return this._cache[path9];
        }
        return this._cache[path9] = this._test(path9);
      }
      // @returns {Boolean} true if a file is NOT ignored
      // https://github.com/moby/moby/blob/v19.03.8/pkg/fileutils/fileutils.go#L62
      _test(file) {
        file = fromSlash(file);
        const parentPath = cleanPath(path8.dirname(file));
        const parentPathDirs = parentPath.split(path8.sep);
        let matched = false;
        this._rules.forEach((rule) => {
          let match = this._match(file, rule);
          if (!match && parentPath !== ".") {
            if (rule.dirs.includes("**")) {
              for (let i = rule.dirs.filter((x) => x !== "**").length; i <= parentPathDirs.length; i++) {
                match = match || this._match(parentPathDirs.slice(0, i).join(path8.sep), rule);
              }
            } else if (rule.dirs.length <= parentPathDirs.length) {
              match = this._match(parentPathDirs.slice(0, rule.dirs.length).join(path8.sep), rule);
            }
          }
          if (match) {
            matched = !rule.negative;
          }
        });
        return !matched;
      }
      // @returns {Boolean} true if a file is matched by a rule
      _match(file, rule) {
        return this._compile(rule).regexp.test(file);
      }
      // https://github.com/moby/moby/blob/v19.03.8/pkg/fileutils/fileutils.go#L139
      _compile(rule) {
        if (rule.regexp) {
          return rule;
        }
        let regStr = "^";
        let escapedSlash = path8.sep === "\\" ? "\\\\" : path8.sep;
        for (let i = 0; i < rule.pattern.length; i++) {
          const ch = rule.pattern[i];
          if (ch === "*") {
            if (rule.pattern[i + 1] === "*") {
              i++;
              if (rule.pattern[i + 1] === path8.sep) {
                i++;
              }
              if (rule.pattern[i + 1] === void 0) {
                regStr += ".*";
              } else {
                regStr += `(.*${escapedSlash})?`;
              }
            } else {
              regStr += `[^${escapedSlash}]*`;
            }
          } else if (ch === "?") {
            regStr += `[^${escapedSlash}]`;
          } else if (ch === "." || ch === "$") {
            regStr += `\\${ch}`;
          } else if (ch === "\\") {
            if (path8.sep === "\\") {
              regStr += escapedSlash;
              continue;
            }
            if (rule.pattern[i + 1] !== void 0) {
              regStr += "\\" + rule.pattern[i + 1];
              i++;
            } else {
              regStr += "\\";
            }
          } else {
            regStr += ch;
          }
        }
        regStr += "$";
        rule.regexp = new RegExp(regStr, this._ignorecase ? "i" : "");
        return rule;
      }
    };
  }
});

// src/dataproc/rules.ts
var SERVICE_LABELS = [
  "goog-dataproc-batch-id",
  "goog-dataproc-batch-uuid",
  "goog-dataproc-location"
];
var MAX_LABELS = 32;
function labelKeyProblem(key) {
  return key.startsWith("goog-") ? `labels: '${key}' starts with goog-, which Google reserves for its own labels; choose another key` : void 0;
}
var ARTIFACT_REGISTRY = /^[a-z0-9-]+-docker\.pkg\.dev$/;
var CONTAINER_REGISTRY = /^((us|eu|asia)\.)?gcr\.io$/;
var LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?$/;
var isLocalRegistry = (hostOrRepository) => LOOPBACK.test(hostOrRepository.split("/")[0] ?? "");
function registryProblem(input, host) {
  if (ARTIFACT_REGISTRY.test(host) || CONTAINER_REGISTRY.test(host) || LOOPBACK.test(host)) {
    return void 0;
  }
  return `${input}: '${host}' is neither Artifact Registry (REGION-docker.pkg.dev) nor Container Registry (gcr.io): Dataproc Serverless pulls custom images only from those; push the image to Artifact Registry`;
}
var CORES = ["4", "8", "16"];
var MEMORY_PER_CORE = { min: 1024, standard: 7424, premium: 24576 };
var MIN_EXECUTORS = 2;
var CLUSTER_ONLY = [
  /^spark\.master$/,
  /^spark\.submit\.deployMode$/,
  /^spark\.yarn\./,
  /^spark\.shuffle\.service\./
];
function mebibytes(value2) {
  const match = /^(\d+)([kmgt]?)b?$/i.exec(value2.trim());
  if (!match) return void 0;
  const factor = { "": 1 / (1024 * 1024), k: 1 / 1024, m: 1, g: 1024, t: 1024 * 1024 };
  return Number(match[1]) * factor[(match[2] ?? "").toLowerCase()];
}
function propertyProblems(properties) {
  const problems = [];
  for (const key of Object.keys(properties)) {
    if (CLUSTER_ONLY.some((pattern) => pattern.test(key))) {
      problems.push(
        `spark-properties: '${key}' is for a YARN or external-shuffle cluster; Dataproc Serverless manages the master, deploy mode and shuffle itself and fails the batch with it: remove it`
      );
    }
  }
  for (const role of ["driver", "executor"]) {
    const cores = properties[`spark.${role}.cores`];
    if (cores !== void 0 && !CORES.includes(cores.trim())) {
      problems.push(
        `spark-properties: spark.${role}.cores=${cores}: Dataproc Serverless allows 4, 8 or 16`
      );
    }
    const memory = properties[`spark.${role}.memory`];
    if (memory === void 0) continue;
    const mib = mebibytes(memory);
    if (mib === void 0) {
      problems.push(
        `spark-properties: spark.${role}.memory=${memory} is not a size; use e.g. 9g or 9600m`
      );
      continue;
    }
    const overhead = mebibytes(properties[`spark.${role}.memoryOverhead`] ?? "") ?? Math.max(384, mib * 0.1);
    const perCore = (mib + overhead) / Number(cores ?? "4");
    const premium = properties[`spark.dataproc.${role}.compute.tier`] === "premium";
    const max = premium ? MEMORY_PER_CORE.premium : MEMORY_PER_CORE.standard;
    if (perCore < MEMORY_PER_CORE.min || perCore > max) {
      problems.push(
        `spark-properties: spark.${role}.memory=${memory} with its overhead gives ${Math.round(perCore)}m per core; Dataproc Serverless allows ${MEMORY_PER_CORE.min}m to ${max}m per core${premium ? "" : " (more with the premium compute tier)"}`
      );
    }
  }
  const instances = properties["spark.executor.instances"];
  if (instances !== void 0 && !/^\d+$/.test(instances.trim())) {
    problems.push(
      `spark-properties: spark.executor.instances=${instances} is not a whole number of executors`
    );
  } else if (instances !== void 0 && Number(instances) < MIN_EXECUTORS) {
    problems.push(
      `spark-properties: spark.executor.instances=${instances}: Dataproc Serverless needs at least ${MIN_EXECUTORS}`
    );
  }
  return problems;
}
var DEFAULT_TTL_SECONDS = 4 * 60 * 60;
function effectiveTtl(runtimeVersion, ttlSeconds) {
  if (ttlSeconds !== void 0) return { seconds: ttlSeconds, source: "ttl" };
  const [major = 0, minor = 0] = runtimeVersion.split(".").map(Number);
  return major > 2 || major === 2 && minor >= 1 ? { seconds: DEFAULT_TTL_SECONDS, source: "service default" } : { source: "none" };
}
function formatSeconds(seconds) {
  if (seconds % 86400 === 0) return `${seconds / 86400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
function timeoutWarning(timeoutSeconds, ttl) {
  if (timeoutSeconds === void 0 || ttl.seconds === void 0 || timeoutSeconds <= ttl.seconds) {
    return void 0;
  }
  const why = ttl.source === "ttl" ? "ttl" : "Dataproc's default ttl (runtime 2.1 and later)";
  return `timeout: ${formatSeconds(timeoutSeconds)} is longer than ${why} of ${formatSeconds(ttl.seconds)}, which ends the batch first; set ttl to at least the timeout`;
}
var BUCKET_CHARACTERS = /^[a-z0-9_.-]+$/;
var DOTTED_DECIMAL = /^\d{1,3}(\.\d{1,3}){3}$/;
var GOOGLE_LIKE = /go{2,}gle/;
var BUCKET_FIX = "use 3\u201363 lowercase letters, digits, - and _ (up to 222 with dots)";
function bucketNameProblem(name) {
  const why = bucketNameRule(name);
  return why && `'${name}' is not a bucket name Cloud Storage allows: ${why}`;
}
function bucketNameRule(name) {
  if (!BUCKET_CHARACTERS.test(name))
    return `it may hold only lowercase letters, digits, -, _ and .; ${BUCKET_FIX}`;
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name))
    return `it must start and end with a letter or digit; ${BUCKET_FIX}`;
  const parts = name.split(".");
  if (name.length < 3 || name.length > (parts.length > 1 ? 222 : 63))
    return `it has ${name.length} characters; ${BUCKET_FIX}`;
  if (parts.some((part) => part.length > 63))
    return "each dot-separated part may have at most 63 characters; shorten the longest part";
  if (/\.\.|-\.|\.-/.test(name))
    return "'..', '-.' and '.-' are not allowed (names must be valid DNS names); remove them";
  if (DOTTED_DECIMAL.test(name))
    return "it is an IP address; name the bucket with letters, not a dotted-decimal address";
  if (name.startsWith("goog")) return "names may not start with 'goog'; choose another name";
  const read2 = name.replace(/0/g, "o").replace(/1/g, "l").replace(/3/g, "e").replace(/[-_.]/g, "");
  if (GOOGLE_LIKE.test(read2))
    return "names may not contain 'google' or a close misspelling of it; choose another name";
  return void 0;
}
var MAX_OBJECT_NAME_BYTES = 1024;
function objectNameProblem(uri) {
  const name = uri.replace(/^gs:\/\/[^/]+\//, "");
  const bytes = Buffer.byteLength(name, "utf8");
  return bytes > MAX_OBJECT_NAME_BYTES ? `the object name of ${uri.slice(0, 60)}\u2026 is ${bytes} bytes; Cloud Storage allows ${MAX_OBJECT_NAME_BYTES}` : void 0;
}

// src/plan/naming.ts
import { createHash } from "node:crypto";
function shortHash(value2, length = 8) {
  return createHash("sha256").update(value2).digest("hex").slice(0, length);
}
function fit(name, max, separator = "-") {
  if (name.length <= max) return name;
  const suffix = separator + shortHash(name);
  return trimSeparators(name.slice(0, max - suffix.length), separator) + suffix;
}
function trimSeparators(value2, separator) {
  let start = 0;
  let end = value2.length;
  while (start < end && value2[start] === separator) start++;
  while (end > start && value2[end - 1] === separator) end--;
  return value2.slice(start, end);
}
function branchSlug(branch) {
  const slug = branch.replace(/[^A-Za-z0-9]+/g, "-");
  if (slug === branch) return slug;
  const head = trimSeparators(slug, "-");
  return `${head}${head ? "-" : ""}${shortHash(`branch:${branch}`, 6)}`;
}
function imageTag(value2) {
  const cleaned = value2.replace(/[^A-Za-z0-9_.-]+/g, "-").replace(/^[.-]+/, "");
  return fit(cleaned || "untagged", 128);
}
function batchId(readableParts, uniqueKey) {
  const hash = shortHash(uniqueKey);
  const head = trimSeparators(
    readableParts.join("-").toLowerCase().replace(/[^a-z0-9]+/g, "-"),
    "-"
  );
  const room = 63 - hash.length - 1;
  const cutHead = trimSeparators(head.slice(0, room), "-");
  return cutHead ? `${cutHead}-${hash}` : `batch-${hash}`;
}
function requestId(batch) {
  return shortHash(`request:${batch}`, 32);
}
function labelValue(value2) {
  return fit(trimSeparators(value2.toLowerCase().replace(/[^a-z0-9_-]+/g, "-"), "-"), 63);
}

// src/plan/places.ts
var PlanError = class extends Error {
};
var releaseOf = (config) => config.env === "prod" ? config.release : void 0;
function foldersOf(config, slug, runId) {
  const release = releaseOf(config);
  const folder = release ? `release/${release}` : slug;
  const submitPrefix = `gs://${config.runSubmitBucket}/${release ? folder : `${slug}/${runId}`}/`;
  return {
    submitPrefix,
    entrypointUri: `${submitPrefix}entrypoint.py`,
    codeUri: `${submitPrefix}code.zip`,
    // No trailing slash: catalogs append `/path` to it.
    runOutputUri: `gs://${config.runOutputBucket}/${folder}/${runId}`,
    manifestUri: release ? `${submitPrefix}release.json` : void 0
  };
}
function checkObjectNames(storage, branch) {
  const written = [
    storage.entrypointUri,
    storage.codeUri,
    storage.manifestUri,
    `${storage.runOutputUri}/`
  ];
  const problem = written.map((uri) => uri && objectNameProblem(uri)).find(Boolean);
  if (problem)
    throw new PlanError(
      `${problem}: the folder is named after the branch (${branch.length} characters) and the run id; use a shorter branch name or run-id`
    );
}
function imageOf(config, slug, manifestUri) {
  if (config.image) return { reference: config.image, prebuilt: true };
  if (!config.artifactRepository && manifestUri && !config.prepare)
    return { reference: `the image ${manifestUri} pins`, prebuilt: true };
  const repository = `${config.artifactRegistry}/${config.projectId}/${config.artifactRepository}/${config.imageName}`;
  const tag = config.imageTag ?? imageTag(releaseOf(config) ?? slug);
  return { reference: `${repository}:${tag}`, prebuilt: false, repository, tag };
}

// src/inputs/table.ts
var shapes = (value2 = "") => ({ role: "shapes", default: value2 });
var behaviour = (value2 = "") => ({ role: "behaviour", default: value2 });
var INPUTS = {
  env: shapes("dev"),
  release: shapes(),
  "run-id": shapes(),
  "kedro-run-args": shapes(),
  "project-id": shapes(),
  region: shapes(),
  "run-submit-bucket": shapes(),
  "run-output-bucket": shapes(),
  "service-account": shapes(),
  "workload-authentication": shapes(),
  "runtime-version": shapes(DEFAULT_RUNTIME),
  "artifact-registry": shapes(),
  "artifact-repository": shapes(),
  "image-name": shapes("dataproc-serverless"),
  "image-tag": shapes(),
  image: shapes(),
  dockerfile: shapes("deployment/dataproc/serverless/Dockerfile"),
  "build-context": shapes("."),
  "build-args": shapes(),
  // Secrets change no file the batch reads, and their values must not make the configuration key.
  "build-secrets": { role: "behaviour", default: "", secret: true },
  target: shapes(),
  "build-network": behaviour(),
  entrypoint: shapes(),
  prepare: behaviour("true"),
  submit: behaviour("true"),
  force: behaviour("false"),
  "main-python-file": shapes(),
  "spark-properties": shapes(),
  labels: shapes(),
  subnetwork: shapes(),
  "network-tags": shapes(),
  "kms-key": shapes(),
  ttl: shapes(),
  "staging-bucket": shapes(),
  "metastore-service": shapes(),
  "history-server-cluster": shapes(),
  "working-directory": shapes("."),
  wait: behaviour("true"),
  timeout: behaviour(),
  "max-dcu-hours": behaviour(),
  "dcu-price": behaviour(),
  "shuffle-price": behaviour(),
  cleanup: behaviour("false"),
  "delete-outputs": behaviour("false"),
  "delete-batches": behaviour("false"),
  "keep-runs": behaviour(),
  "cancel-on-abort": behaviour("true"),
  "on-missing-credentials": behaviour("fail"),
  "allow-fork-code": behaviour("false"),
  "allow-secret-files": behaviour(),
  "github-token": { role: "report", default: "${{ github.token }}", secret: true },
  "pr-comment": { role: "report", default: "auto" },
  "upload-artifacts": { role: "report", default: "true" },
  "dataproc-endpoint": behaviour(),
  "storage-endpoint": behaviour(),
  "logging-endpoint": behaviour(),
  "dry-run": behaviour("false"),
  preflight: behaviour("true")
};
var INPUT_NAMES = Object.keys(INPUTS);
function readValues(get) {
  return Object.fromEntries(INPUT_NAMES.map((name) => [name, get(name).trim()]));
}
var valueOf = (values, name) => values[name] || INPUTS[name].default;
function givenInputs(values) {
  return INPUT_NAMES.filter(
    (name) => !("secret" in INPUTS[name]) && values[name] !== "" && values[name] !== INPUTS[name].default
  ).map((name) => [name, values[name]]);
}

// src/kedro/options.ts
var KNOWN_VERSIONS = [
  [0, 19],
  [1, 0],
  [1, 1],
  [1, 2],
  [1, 3],
  [1, 4],
  [1, 5],
  [1, 6],
  [1, 7]
];
var NEWEST = KNOWN_VERSIONS[KNOWN_VERSIONS.length - 1];
var v0_19 = [0, 19];
var value = (names, since = v0_19) => ({ names, takesValue: true, since });
var flag = (names, since = v0_19) => ({ names, takesValue: false, since });
var removed = (name, removedIn, replacement) => ({
  names: [name],
  takesValue: true,
  since: [0, 0],
  removedIn,
  replacement
});
var RUN_OPTIONS = [
  value(["--from-inputs"]),
  value(["--to-outputs"]),
  value(["--from-nodes"]),
  value(["--to-nodes"]),
  value(["--nodes", "-n"]),
  value(["--runner", "-r"]),
  flag(["--async"]),
  value(["--runner-params"], [1, 6]),
  value(["--env", "-e"]),
  value(["--tags", "-t"]),
  value(["--load-versions", "-lv"]),
  { ...value(["--pipeline", "-p"]), deprecatedIn: [1, 4], replacement: "--pipelines" },
  value(["--pipelines"], [1, 2]),
  { ...value(["--namespace", "-ns"]), removedIn: [1, 0], replacement: "--namespaces" },
  value(["--namespaces", "-ns"], [1, 0]),
  value(["--config", "-c"]),
  value(["--conf-source"]),
  value(["--params"]),
  flag(["--only-missing-outputs"], [1, 0]),
  flag(["--help", "-h"]),
  // Gone before the table starts, and still in older guides.
  removed("--node", [0, 19], "--nodes"),
  removed("--tag", [0, 19], "--tags"),
  removed("--load-version", [0, 19], "--load-versions")
];
var compareVersions = (a, b) => a[0] - b[0] || a[1] - b[1];
var formatVersion = (version) => `${version[0]}.${version[1]}`;
function optionsOf(version) {
  const options = /* @__PURE__ */ new Map();
  for (const option of RUN_OPTIONS) {
    if (compareVersions(version, option.since) < 0) continue;
    if (option.removedIn && compareVersions(version, option.removedIn) >= 0) continue;
    for (const name of option.names) options.set(name, option);
  }
  return options;
}

// src/plan/request.ts
function definedEntries(value2) {
  return Object.fromEntries(Object.entries(value2).filter(([, v]) => v !== void 0));
}
function batchRequest(config, parts) {
  const properties = { ...config.sparkProperties };
  for (const [name, value2] of Object.entries(parts.environment)) {
    properties[`spark.dataproc.driverEnv.${name}`] = value2;
    properties[`spark.executorEnv.${name}`] = value2;
  }
  const peripherals = definedEntries({
    metastoreService: config.metastoreService,
    sparkHistoryServerConfig: config.historyServerCluster ? { dataprocCluster: config.historyServerCluster } : void 0
  });
  const auth = config.workloadAuthentication;
  return {
    parent: parts.parent,
    batchId: parts.batchId,
    requestId: parts.requestId,
    batch: {
      pysparkBatch: {
        mainPythonFileUri: parts.mainPythonFileUri,
        // The words go after `--` one by one, so their quoting reaches Kedro unchanged.
        args: ["--", ...config.kedroRunArgs],
        archiveUris: [`${parts.codeUri}#code`]
      },
      runtimeConfig: {
        version: config.runtimeVersion,
        containerImage: parts.containerImage,
        properties
      },
      environmentConfig: definedEntries({
        executionConfig: definedEntries({
          serviceAccount: config.serviceAccount,
          subnetworkUri: config.subnetwork,
          networkTags: config.networkTags.length > 0 ? config.networkTags : void 0,
          kmsKey: config.kmsKey,
          ttl: config.ttlSeconds !== void 0 ? { seconds: config.ttlSeconds } : void 0,
          stagingBucket: config.stagingBucket,
          // Unset, runtime 3.0 runs the job with the submitter's own credentials.
          authenticationConfig: auth ? {
            userWorkloadAuthenticationType: auth === "end-user" ? "END_USER_CREDENTIALS" : "SERVICE_ACCOUNT"
          } : void 0
        }),
        peripheralsConfig: Object.keys(peripherals).length > 0 ? peripherals : void 0
      }),
      labels: parts.labels
    }
  };
}

// src/plan/plan.ts
function runEnvironment(plan) {
  const vars = {
    KEDRO_DATAPROC_ENV: plan.env,
    KEDRO_DATAPROC_RUN_ID: plan.runId,
    KEDRO_DATAPROC_RUN_OUTPUT_URI: plan.storage.runOutputUri,
    KEDRO_DATAPROC_BRANCH: plan.branch,
    KEDRO_DATAPROC_COMMIT: plan.commit
  };
  if (plan.release) vars.KEDRO_DATAPROC_RELEASE = plan.release;
  return vars;
}
function configurationKey(config, step) {
  const shaping = INPUT_NAMES.filter((name) => INPUTS[name].role === "shapes").map((name) => [
    name,
    name === "release" ? config.release ?? "" : valueOf(config.values, name)
  ]);
  return shortHash(JSON.stringify([step, shaping]), 6);
}
function defaultRunId(config, context, slug, key) {
  const attempt = context.runNumber ? `r${context.runNumber}-a${context.runAttempt || "1"}-${key}` : `local-${context.localNonce}`;
  const head = releaseOf(config) ?? slug;
  return fit(`${head.replace(/[^A-Za-z0-9._-]+/g, "-")}-${attempt}`, 100);
}
function labelsOf(config, context, names) {
  const labels2 = {
    ...config.labels,
    "managed-by": "kedro-dataproc-action",
    env: config.env,
    "run-id": labelValue(names.runId),
    "request-id": names.request
  };
  if (context.branch) labels2.branch = labelValue(names.slug);
  if (context.commit) labels2.commit = labelValue(context.commit);
  if (config.release) labels2.release = labelValue(config.release);
  return labels2;
}
function batchOf(config, context, names) {
  const { slug, key, runId, storage, image: image2 } = names;
  const attemptKey = context.runId ? [context.repository, context.runId, context.runAttempt, context.job, key, runId] : ["local", context.localNonce, key, runId];
  const id = batchId(
    ["kedro", config.env, runId],
    [config.projectId, config.region, ...attemptKey].join("\n")
  );
  const parent = `projects/${config.projectId}/locations/${config.region}`;
  const { branch, commit } = context;
  const request = batchRequest(config, {
    parent,
    batchId: id,
    requestId: requestId(id),
    mainPythonFileUri: config.mainPythonFile ?? storage.entrypointUri,
    codeUri: storage.codeUri,
    containerImage: image2.reference,
    environment: runEnvironment({ ...config, runId, branch, commit, storage }),
    labels: labelsOf(config, context, { slug, runId, request: requestId(id) })
  });
  return {
    id,
    name: `${parent}/batches/${id}`,
    consoleUrl: `https://console.cloud.google.com/dataproc/batches/${config.region}/${id}/summary?project=${config.projectId}`,
    request
  };
}
var behaviourOf = (config) => ({
  dryRun: config.dryRun,
  wait: config.wait,
  timeoutSeconds: config.timeoutSeconds,
  cancelOnAbort: config.cancelOnAbort,
  prepare: config.prepare,
  submit: config.submit,
  force: config.force
});
var credentialsOf = (config, building) => ({
  needed: !config.endpoints.dataproc?.plaintext || !config.endpoints.storage?.plaintext || building && !isLocalRegistry(config.artifactRegistry),
  onMissing: config.onMissingCredentials
});
function withEnv(config, base, storage) {
  if (config.env === "dev") return { ...base, env: "dev", storage };
  const { manifestUri } = storage;
  if (!config.release || !manifestUri)
    throw new PlanError("a prod run needs the release it runs; set release");
  return { ...base, env: "prod", release: config.release, storage: { ...storage, manifestUri } };
}
function buildPlan(config, context) {
  const branch = context.branch;
  if (config.env === "dev" && !branch && !context.commit)
    throw new PlanError(
      "could not tell the branch: working-directory is not in a git repository (or it has no commit yet); run in a git checkout of the project (git init, git commit), or set working-directory to one"
    );
  if (config.env === "dev" && !branch)
    throw new PlanError(
      "could not tell the branch: the checkout is detached and the event names none; run on a pull_request or push event, or check out a branch"
    );
  const slug = branchSlug(branch);
  const key = configurationKey(config, context.step);
  const runId = config.runId ?? defaultRunId(config, context, slug, key);
  const storage = foldersOf(config, slug, runId);
  checkObjectNames(storage, branch);
  const image2 = imageOf(config, slug, storage.manifestUri);
  const building = !config.image && config.prepare;
  const batch = batchOf(config, context, { slug, key, runId, storage, image: image2 });
  const base = {
    projectId: config.projectId,
    region: config.region,
    branch,
    branchSlug: slug,
    commit: context.commit,
    runId,
    image: image2,
    build: building ? { ...config.build, platform: "linux/amd64" } : void 0,
    code: {
      directory: config.workingDirectory,
      entrypoint: config.entrypoint ?? context.shippedEntrypoint,
      allowSecretFiles: config.allowSecretFiles
    },
    batch,
    kedroRunArgs: config.kedroRunArgs,
    kedro: { version: formatVersion(config.kedro.version), reason: config.kedro.reason },
    ttl: effectiveTtl(config.runtimeVersion, config.ttlSeconds),
    endpoints: config.endpoints,
    behaviour: behaviourOf(config),
    cost: {
      prices: pricesFor(batch.request.batch.runtimeConfig.properties, config.pricing),
      maxDcuHours: config.pricing.maxDcuHours
    },
    cleanup: config.cleanup,
    credentials: credentialsOf(config, building)
  };
  return withEnv(config, base, storage);
}
function pinImage(plan, reference, digest) {
  const next = structuredClone(plan);
  next.image = { ...plan.image, reference, digest };
  next.batch.request.batch.runtimeConfig.containerImage = reference;
  return next;
}

// package.json
var package_default = {
  name: "kedro-dataproc-action",
  version: "0.1.0",
  private: true,
  description: "Run a Kedro project on Google Cloud Dataproc Serverless from a pull request or a release",
  type: "module",
  license: "MIT",
  bin: {
    "kedro-dataproc": "dist/cli.js"
  },
  engines: {
    node: ">=24"
  },
  scripts: {
    build: "node scripts/build.mjs",
    lint: "eslint . && prettier --check --log-level=warn . && depcruise src emulators --config .dependency-cruiser.mjs",
    format: "prettier --write .",
    stack: "tsx emulators/cli.ts",
    test: "bash scripts/test.sh",
    demo: "bash scripts/demo.sh",
    docs: "tsx scripts/docs.ts && prettier --write README.md src/cli/flag-help.ts",
    bench: "bash scripts/bench.sh",
    release: "tsx scripts/release/release.ts"
  },
  dependencies: {
    "@actions/artifact": "^6.2.1",
    "@actions/core": "^3.0.1",
    "@actions/github": "^9.1.1",
    "@balena/dockerignore": "1.0.2",
    "@google-cloud/dataproc": "^6.0.1",
    "@google-cloud/storage": "^8.4.0",
    "ansi-regex": "^6.6.0",
    "google-auth-library": "^11.3.4",
    "google-gax": "^5.0.8",
    "hash-wasm": "^4.13.0",
    "smol-toml": "^1.9.1",
    "tar-stream": "^3.3.0"
  },
  devDependencies: {
    "@eslint/js": "^9.39.5",
    "@grpc/grpc-js": "^1.14.7",
    "@grpc/proto-loader": "^0.8.1",
    "@types/jest": "^29.5.14",
    "@types/node": "^24.19.2",
    "@types/tar-stream": "^3.1.5",
    "@types/yauzl": "^3.4.0",
    "@types/yazl": "^3.3.1",
    "dependency-cruiser": "18.9.0",
    esbuild: "^0.28.2",
    eslint: "^9.39.5",
    jest: "^29.7.0",
    node: "^24.21.0",
    prettier: "^3.10.1",
    "proto3-json-serializer": "^3.0.6",
    protobufjs: "^7.6.6",
    "ts-jest": "^29.4.15",
    tsx: "^4.23.15",
    typescript: "^5.9.3",
    "typescript-eslint": "^8.73.0",
    yaml: "^2.9.1",
    yauzl: "^3.4.0",
    yazl: "^3.3.1"
  },
  allowScripts: {
    node: true,
    esbuild: true,
    protobufjs: false,
    "@parcel/watcher": false
  }
};

// src/version.ts
var ACTION_VERSION = package_default.version;

// src/steps/image/registry-client.ts
import { createHash as createHash2 } from "node:crypto";
var MANIFEST_ACCEPT = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.docker.distribution.manifest.v2+json"
].join(", ");
var RegistryError = class extends Error {
  constructor(message, status, options) {
    super(message, options);
    this.status = status;
    this.name = "RegistryError";
  }
  status;
};
function parseRepository(repository) {
  const slash = repository.indexOf("/");
  const host = slash < 0 ? "" : repository.slice(0, slash);
  if (!host || !(host.includes(".") || host.includes(":") || host === "localhost")) {
    throw new Error(
      `image repository '${repository}' does not start with a registry host (e.g. europe-west1-docker.pkg.dev/PROJECT/REPOSITORY/IMAGE)`
    );
  }
  const name = repository.slice(slash + 1);
  if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(
    name
  )) {
    throw new Error(
      `image repository path '${name}' is not a valid repository name (lowercase, digits, . _ - /)`
    );
  }
  const local = isLocalRegistry(host);
  return { host, name, baseUrl: `${local ? "http" : "https"}://${host}`, local };
}
var ATTEMPTS = 3;
var RegistryClient = class {
  constructor(options) {
    this.options = options;
  }
  options;
  bearer = /* @__PURE__ */ new Map();
  /** The manifest's digest and type, or null when the tag (or the repository) does not exist. */
  async head(reference) {
    const response = await this.request("HEAD", reference, "pull");
    if (response.status === 404) return null;
    await this.expectOk(response, "HEAD", reference);
    const digest = response.headers.get("docker-content-digest");
    if (!digest) throw new RegistryError(`HEAD ${this.url(reference)}: no Docker-Content-Digest`, 0);
    return { digest, mediaType: mediaTypeOf(response) };
  }
  async get(reference) {
    const response = await this.request("GET", reference, "pull");
    await this.expectOk(response, "GET", reference);
    const body = Buffer.from(await response.arrayBuffer());
    const digest = `sha256:${createHash2("sha256").update(body).digest("hex")}`;
    const announced = response.headers.get("docker-content-digest");
    if (announced && announced !== digest) {
      throw new RegistryError(
        `GET ${this.url(reference)}: body digest ${digest} differs from ${announced}`,
        0
      );
    }
    return { digest, mediaType: mediaTypeOf(response), body };
  }
  /** Stores the manifest bytes under `reference`; returns the digest the registry reports. */
  async put(reference, manifest) {
    const response = await this.request("PUT", reference, "pull,push", manifest);
    await this.expectOk(response, "PUT", reference);
    return response.headers.get("docker-content-digest") ?? manifest.digest;
  }
  /** Every tag of the repository, or none when it does not exist. */
  async tags() {
    const response = await this.request("GET", "list", "pull", void 0, "tags");
    if (response.status === 404) return [];
    await this.expectOk(response, "GET", "list", "tags");
    return (await response.json()).tags ?? [];
  }
  /**
   * Deletes a tag (its image stays, as Artifact Registry does), or by digest the image with every
   * tag on it. What is already gone counts as deleted.
   */
  async delete(reference) {
    const response = await this.request("DELETE", reference, "delete");
    if (response.status === 404) return;
    await this.expectOk(response, "DELETE", reference);
  }
  url(reference, kind = "manifests") {
    return `${this.options.baseUrl}/v2/${this.options.name}/${kind}/${reference}`;
  }
  async request(method, reference, access, manifest, kind) {
    const send = async (authorization) => {
      const headers = { accept: MANIFEST_ACCEPT };
      if (authorization) headers.authorization = authorization;
      if (manifest) headers["content-type"] = manifest.mediaType;
      const url = this.url(reference, kind);
      return this.fetchRetrying(
        `${method} ${url}`,
        () => fetch(url, { method, headers, body: manifest?.body })
      );
    };
    const cached = this.bearer.get(access);
    let response = await send(cached ? `Bearer ${cached}` : this.basic());
    if (response.status !== 401) return response;
    const challenge = parseChallenge(response.headers.get("www-authenticate") ?? "");
    await response.arrayBuffer();
    if (challenge.scheme !== "bearer" || !challenge.params.realm) return response;
    const token = await this.fetchToken(challenge.params, access);
    this.bearer.set(access, token);
    response = await send(`Bearer ${token}`);
    return response;
  }
  basic() {
    const credentials = this.options.credentials;
    if (!credentials) return void 0;
    const encoded = Buffer.from(`${credentials.username}:${credentials.password}`).toString(
      "base64"
    );
    return `Basic ${encoded}`;
  }
  /** The token endpoint named by the challenge, asked for this repository with the credentials. */
  async fetchToken(params, access) {
    const url = new URL(params.realm);
    if (params.service) url.searchParams.set("service", params.service);
    url.searchParams.set("scope", `repository:${this.options.name}:${access}`);
    const headers = {};
    const basic = this.basic();
    if (basic) headers.authorization = basic;
    const response = await this.fetchRetrying(
      `GET ${url.origin}${url.pathname}`,
      () => fetch(url, { headers })
    );
    if (!response.ok) {
      throw new RegistryError(
        `token endpoint ${url.origin}${url.pathname} answered ${response.status}${await errorDetail(response)}`,
        response.status
      );
    }
    const body = await response.json();
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError(`token endpoint ${url.origin}${url.pathname}: no token`, 0);
    return token;
  }
  /** Sends the request, again while the registry or the network fails transiently. */
  fetchRetrying(what, call) {
    const attempt = async () => {
      let response;
      try {
        response = await call();
      } catch (error) {
        throw new RegistryError(`${what} failed: ${errorMessage(errorCause(error) ?? error)}`, 0, {
          cause: error
        });
      }
      if (response.status === 429 || response.status >= 500) {
        throw new RegistryError(
          `${what} answered ${response.status}${await errorDetail(response)}`,
          response.status
        );
      }
      return response;
    };
    return withRetries(attempt, { what, attempts: ATTEMPTS });
  }
  async expectOk(response, method, reference, kind) {
    if (response.ok) return;
    throw new RegistryError(
      `${method} ${this.url(reference, kind)} answered ${response.status}${await errorDetail(response)}`,
      response.status
    );
  }
};
function registryClient(repository, accessToken2) {
  const location = parseRepository(repository);
  return new RegistryClient({
    baseUrl: location.baseUrl,
    name: location.name,
    credentials: accessToken2 && !location.local ? { username: "oauth2accesstoken", password: accessToken2 } : void 0
  });
}
function mediaTypeOf(response) {
  return (response.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "";
}
function parseChallenge(header) {
  const scheme = (/^\s*(\S+)/.exec(header)?.[1] ?? "").toLowerCase();
  const params = {};
  for (const match of header.matchAll(/(\w+)="([^"]*)"/g)) {
    params[match[1].toLowerCase()] = match[2];
  }
  return { scheme, params };
}
async function errorDetail(response) {
  const text = await response.text().catch(() => "");
  try {
    const body = JSON.parse(text);
    const errors = (body.errors ?? []).map((e) => [e.code, e.message].filter(Boolean).join(": "));
    if (errors.length > 0) return `: ${errors.join("; ")}`;
  } catch {
  }
  const snippet = text.trim().slice(0, 200);
  return snippet ? `: ${snippet}` : "";
}

// src/cleanup/find.ts
async function batchesOf(target, dataproc) {
  const parent = `projects/${target.projectId}/locations/${target.region}`;
  const filter = `labels.branch = "${target.branchLabel}" AND labels.env = "dev"`;
  const running = [];
  const finished2 = [];
  for await (const batch of dataproc.listBatchesAsync({ parent, filter })) {
    const state = stateOf(batch);
    if (!isTerminal(state) && state !== "CANCELLING")
      running.push({ name: batch.name ?? "", operation: batch.operation ?? "" });
    else if (isTerminal(state) && target.deleteBatches) finished2.push(batch.name ?? "");
  }
  return { running, finished: finished2 };
}
async function objectsUnder(storage, bucket, prefix) {
  const [files] = await storage.bucket(bucket).getFiles({ prefix });
  return files.map((file) => ({
    uri: `gs://${bucket}/${file.name}`,
    bytes: Number(file.metadata.size ?? 0),
    run: file.name.slice(prefix.length).split("/")[0] ?? "",
    updated: Date.parse(String(file.metadata.updated ?? 0))
  }));
}
function oldRuns(code, keepRuns) {
  const newest = /* @__PURE__ */ new Map();
  for (const object of code)
    newest.set(object.run, Math.max(newest.get(object.run) ?? 0, object.updated));
  const order = [...newest.keys()].sort((a, b) => (newest.get(b) ?? 0) - (newest.get(a) ?? 0));
  const kept = keepRuns === void 0 ? [] : order.slice(0, keepRuns);
  return { old: order.filter((run2) => !kept.includes(run2)), kept };
}
async function runFolders(target, storage) {
  const prefix = `${target.branchSlug}/`;
  const code = await objectsUnder(storage, target.submitBucket, prefix);
  const outputs = target.deleteOutputs ? await objectsUnder(storage, target.outputBucket, prefix) : [];
  const { old, kept } = oldRuns(code, target.keepRuns);
  const folder = (run2) => `gs://${target.submitBucket}/${prefix}${run2}/`;
  return {
    objects: [...code, ...outputs].filter((object) => target.keepRuns === void 0 || old.includes(object.run)).map(({ uri, bytes }) => ({ uri, bytes })),
    folders: old.map(folder),
    kept: kept.map((run2) => `${folder(run2)} (one of the newest ${target.keepRuns} runs)`)
  };
}
async function imageOf2(target, registry) {
  const none = { tags: [], digests: [], kept: [] };
  if (!target.image) return none;
  const digest = (await registry.head(target.image.tag))?.digest;
  if (!digest) return none;
  const sharing = [];
  const fingerprints = [];
  for (const tag of await registry.tags()) {
    if (tag === target.image.tag || (await registry.head(tag))?.digest !== digest) continue;
    (tag.startsWith("fp-") ? fingerprints : sharing).push(tag);
  }
  const image2 = `${target.image.repository}@${digest}`;
  if (sharing.length > 0)
    return {
      tags: [target.image.tag],
      digests: [],
      kept: [`${image2} (also tagged ${sharing.join(", ")})`]
    };
  return { tags: [target.image.tag, ...fingerprints], digests: [digest], kept: [] };
}
async function findLeftovers(target, clients) {
  const folders = await runFolders(target, clients.storage);
  if (target.keepRuns !== void 0)
    return { running: [], finished: [], tags: [], digests: [], ...folders };
  const batches = await batchesOf(target, clients.dataproc);
  const image2 = clients.registry ? await imageOf2(target, clients.registry) : void 0;
  return {
    ...batches,
    objects: folders.objects,
    folders: folders.folders,
    tags: image2?.tags ?? [],
    digests: image2?.digests ?? [],
    kept: [...folders.kept, ...image2?.kept ?? []]
  };
}

// src/cleanup/clean.ts
function cleanupLines(result) {
  const { leftovers: l, bytes } = result;
  const verb = result.dryRun ? "would" : "";
  const line = (count, what, done) => `${count} ${what} ${verb ? `${verb} be ${done}` : done}`;
  return [
    line(l.running.length, "running batch(es)", "cancelled"),
    line(l.folders.length, "run folder(s)", "deleted") + ` (${l.objects.length} object(s), ${bytes} bytes)`,
    line(l.tags.length, "image tag(s)", "deleted"),
    line(l.digests.length, "image(s) by digest", "deleted"),
    line(l.finished.length, "finished batch record(s)", "deleted"),
    ...l.kept.map((kept) => `kept ${kept}`)
  ];
}
function cleanupItems(leftovers) {
  return [
    ...leftovers.running.map((batch) => `cancel ${batch.name}`),
    ...leftovers.objects.map((object) => `delete ${object.uri}`),
    ...leftovers.tags.map((tag) => `untag ${tag}`),
    ...leftovers.digests.map((digest) => `delete image ${digest}`),
    ...leftovers.finished.map((name) => `delete batch ${name}`)
  ];
}
async function cleanBranch(target, clients, dryRun) {
  const leftovers = await findLeftovers(target, clients);
  const bytes = leftovers.objects.reduce((sum, object) => sum + object.bytes, 0);
  const result = { dryRun, leftovers, bytes };
  for (const item of cleanupItems(leftovers)) log.info(`${dryRun ? "would " : ""}${item}`);
  if (dryRun) return result;
  for (const batch of leftovers.running) await cancelBatch(clients.dataproc, batch.operation);
  for (const object of leftovers.objects) {
    const { bucket, name } = parseGcsUri(object.uri);
    await clients.storage.bucket(bucket).file(name).delete({ ignoreNotFound: true });
  }
  for (const tag of leftovers.tags) {
    await clients.registry?.delete(tag);
  }
  for (const digest of leftovers.digests) await clients.registry?.delete(digest);
  for (const name of leftovers.finished) await clients.dataproc.deleteBatch({ name });
  return result;
}

// src/cleanup/target.ts
var CleanupError = class extends Error {
};
function bucketOf(uri) {
  return parseGcsUri(uri).bucket;
}
function cleanupTarget(plan, options) {
  if (plan.env !== "dev" || !plan.branch)
    throw new CleanupError("only a dev branch is cleaned up; prod releases are never touched");
  if (plan.branchSlug === "release")
    throw new CleanupError(
      `branch '${plan.branch}' has the folder release/, where prod releases live; it is not cleaned up`
    );
  const { repository, tag, prebuilt } = plan.image;
  return {
    projectId: plan.projectId,
    region: plan.region,
    branch: plan.branch,
    branchSlug: plan.branchSlug,
    branchLabel: labelValue(plan.branchSlug),
    submitBucket: bucketOf(plan.storage.submitPrefix),
    outputBucket: bucketOf(plan.storage.runOutputUri),
    image: !prebuilt && repository && tag ? { repository, tag } : void 0,
    ...options
  };
}

// src/cleanup/run.ts
async function runCleanup(plan, mode, dryRun = plan.behaviour.dryRun) {
  const { deleteOutputs, deleteBatches, keepRuns } = plan.cleanup;
  const target = cleanupTarget(plan, {
    deleteOutputs,
    deleteBatches: mode === "branch" && deleteBatches,
    keepRuns: mode === "retention" ? keepRuns : void 0
  });
  const { dataproc, storage } = plan.endpoints;
  const image2 = mode === "branch" ? target.image : void 0;
  const token = image2 && !isLocalRegistry(image2.repository) ? await loadAccessToken() : void 0;
  return cleanBranch(
    target,
    {
      dataproc: await makeDataprocClient(plan.region, dataproc),
      storage: makeStorage(plan.projectId, storage),
      registry: image2 ? registryClient(image2.repository, token) : void 0
    },
    dryRun
  );
}
async function keepNewestRuns(plan) {
  if (plan.cleanup.keepRuns === void 0 || plan.env !== "dev") return;
  try {
    const result = await runCleanup(plan, "retention");
    for (const line of cleanupLines(result).slice(1, 2)) log.info(`keep-runs: ${line}`);
  } catch (error) {
    log.warning(`keep-runs: the older run folders were not removed (${firstLine(error)})`);
  }
}

// src/dataproc/traceback.ts
var ENTRYPOINT_ERROR = /^\[kedro-dataproc\] error: (.+)$/;
var PLAIN_START = /^Traceback \(most recent call last\):\s*$/;
var BOX_START = /^╭/;
var BOX_END = /^╰/;
var CHAINED = /^(The above exception was the direct cause of the following exception|During handling of the above exception, another exception occurred):\s*$/;
var EXCEPTION_LINE = /^[A-Za-z_][\w.]*(: |$)/;
var NOT_CONTINUATION = /^(\s*$|\[|\d{2,4}[/-]\d{2}[/-]\d{2}|Traceback |╭|The above exception|During handling)/;
var MAX_CONTINUATION = 6;
var MAX_CAUSE_CHARS = 600;
function tracebacks(lines) {
  const found = [];
  let chained = false;
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i];
    if (CHAINED.test(line.trim())) {
      chained = true;
      continue;
    }
    let end = -1;
    if (PLAIN_START.test(line)) {
      end = i + 1;
      while (end < lines.length && /^\s/.test(lines[end])) end += 1;
    } else if (BOX_START.test(line)) {
      end = i + 1;
      while (end < lines.length && !BOX_END.test(lines[end])) end += 1;
      end += 1;
      while (end < lines.length && !lines[end].trim()) end += 1;
    } else {
      if (line.trim()) chained = false;
      continue;
    }
    if (end < lines.length && EXCEPTION_LINE.test(lines[end])) {
      found.push({ line: end, chained });
      i = end;
    }
    chained = false;
  }
  return found;
}
function messageAt(lines, index) {
  const parts = [lines[index].trim()];
  for (let i = index + 1; i < lines.length && parts.length <= MAX_CONTINUATION; i += 1) {
    const line = lines[i];
    if (NOT_CONTINUATION.test(line)) break;
    parts.push(line.trim());
  }
  return parts.join(" ");
}
function wholeSentences(text, max = MAX_CAUSE_CHARS) {
  if (text.length <= max) return text;
  const head = text.slice(0, max);
  const sentence = head.search(/[.!?:](?=\s)[^.!?:]*$/);
  const cut = sentence > max / 3 ? sentence + 1 : head.lastIndexOf(" ");
  return `${head.slice(0, cut > 0 ? cut : max).trimEnd()} \u2026`;
}
function lastChain(output) {
  const raised = tracebacks(output);
  const last = raised.length - 1;
  if (last < 0) return void 0;
  let at = last;
  while (at > 0 && raised[at].chained) at -= 1;
  const message = (index) => wholeSentences(messageAt(output, raised[index].line));
  return { innermost: message(at), outermost: message(last) };
}
function rootCause(output) {
  const own = output.findLast((line) => ENTRYPOINT_ERROR.test(line));
  if (own) return wholeSentences(ENTRYPOINT_ERROR.exec(own)[1]);
  return lastChain(output)?.innermost;
}

// src/dataproc/failures.ts
var JOB_FAILED = /^Job failed with message \[([\s\S]*?)\]\.?(?:\s+Additional details|\s*$)/;
var QUOTA = /Insufficient '([A-Z0-9_]+)' quota\. Requested (\d+(?:\.\d+)?), available (\d+(?:\.\d+)?)/;
var AGENT = /^Google Cloud Dataproc Agent reports job failure\.?/;
var NOT_READY = /The resource .* is not ready/;
var number = (text) => String(Number(text));
var EXCEPTION = /^[A-Za-z_][\w.]*(Error|Exception)(: |$)/;
var WRAPPER = /^(subprocess\.CalledProcessError|org\.apache\.spark\.SparkUserAppException)\b/;
function failureReason(stateMessage2, driverOutput = []) {
  const reason = serviceReason(stateMessage2);
  const quoted = quotedChain(reason, driverOutput);
  if (quoted) return quoted;
  if (EXCEPTION.test(reason) && !WRAPPER.test(reason)) return reason;
  const lastException = [...driverOutput].reverse().map((line) => line.trim()).find((line) => EXCEPTION.test(line) && !WRAPPER.test(line));
  const cause = [rootCause(driverOutput), lastException].find(
    (found) => found !== void 0 && !WRAPPER.test(found)
  );
  return cause ? `${cause} (from the driver output; the service says: ${reason})` : reason;
}
var unqualified = (text) => text.replace(/^(?:[A-Za-z_]\w*\.)+(?=[A-Za-z_]\w*(?::|$))/, "");
function quotedChain(reason, driverOutput) {
  const chain = lastChain(driverOutput);
  if (!chain || WRAPPER.test(reason) || !/^[\w.]+: /.test(reason)) return void 0;
  if (!unqualified(chain.outermost).startsWith(unqualified(reason))) return void 0;
  if (chain.innermost === chain.outermost || WRAPPER.test(chain.innermost)) return chain.outermost;
  return `${chain.innermost} (the cause of ${chain.outermost})`;
}
function serviceReason(stateMessage2) {
  const message = stateMessage2.trim();
  const quota = QUOTA.exec(message);
  if (quota) {
    const [, metric, requested, available] = quota;
    return `not enough ${metric} quota: the batch asked for ${number(requested)} and ${number(available)} were available. Request more quota (IAM & Admin \u2192 Quotas), lower spark.executor.instances, or run in another region`;
  }
  const job = JOB_FAILED.exec(message);
  if (job) return job[1].trim();
  if (NOT_READY.test(message)) {
    return `${firstLine2(message)} (a known transient failure of the service: run it again)`;
  }
  if (AGENT.test(message)) {
    const detail = message.replace(AGENT, "").split("\n").map((line) => line.trim()).find(Boolean);
    return detail ? `Dataproc's agent reports a job failure: ${detail}` : firstLine2(message);
  }
  return firstLine2(message);
}
var firstLine2 = (text) => text.split("\n")[0]?.trim() ?? "";
function cancelReason(batch, ttl) {
  const said = (batch.stateHistory ?? []).map((entry) => entry.stateMessage ?? "").join("\n");
  if (/ttl exceeded/i.test(said)) {
    return `Dataproc cancelled the batch when its ttl${ttl ? ` of ${ttl}` : ""} ran out; set ttl to allow a longer run`;
  }
  return "the batch was cancelled outside this run (by someone, or another tool); see the batch in the console";
}

// src/steps/batch/cloud-logging.ts
var LAST_LINE = /^\[kedro-dataproc\] kedro run exited with status /;
var MIN_INTERVAL_MS = 2e3;
var BACKOFF = { firstMs: 2 * MIN_INTERVAL_MS, maxMs: 3e4, minMs: MIN_INTERVAL_MS };
var SETTLE_MS = 8e3;
var LOOKBACK_MS = 12e4;
var QUIET_MS = 15e3;
var CEILING_MS = 9e4;
var CloudLoggingOutput = class {
  constructor(list, log2, emitLine, now = Date.now) {
    this.list = list;
    this.log = log2;
    this.emitLine = emitLine;
    this.now = now;
  }
  list;
  log;
  emitLine;
  now;
  seen = /* @__PURE__ */ new Set();
  pending = [];
  newest = 0;
  nextPollAt = 0;
  /** When the last successful read started. */
  lastReadAt = 0;
  /** Failed reads in a row. */
  failures = 0;
  endedAt;
  lastNewAt = Date.now();
  complete = false;
  /** Reads what is new when a poll is due; returns true once the output is complete. */
  async poll(batchEnded) {
    if (batchEnded) this.endedAt ??= this.now();
    if (this.complete) return true;
    if (this.now() >= this.nextPollAt) {
      try {
        const startedAt = this.now();
        await this.read();
        this.lastReadAt = startedAt;
        this.failures = 0;
      } catch (error) {
        const status = httpStatus(error);
        if (status === 403) {
          log.warning(
            "driver output: Cloud Logging refused to list entries (403); grant the deploying identity roles/logging.viewer to stream it here, or follow the logs link in the summary"
          );
          return this.finish();
        }
        if (status !== void 0 && !isTransient(error)) {
          log.warning(
            `driver output: Cloud Logging cannot be read (${errorMessage(error)}); follow the logs link in the summary`
          );
          return this.finish();
        }
        this.failures += 1;
      }
      const wait = this.failures === 0 ? MIN_INTERVAL_MS : backoffDelay(this.failures, BACKOFF);
      this.nextPollAt = this.now() + wait;
    }
    if (this.endedAt === void 0) {
      this.release(false);
      return false;
    }
    const last = this.pending.find((entry) => entry.lines.some((line) => LAST_LINE.test(line)));
    if (last && this.lastReadAt - last.time >= SETTLE_MS) return this.finish();
    this.release(false);
    const sinceEnd = this.now() - this.endedAt;
    if (this.complete || this.now() - this.lastNewAt > QUIET_MS) return this.finish();
    if (sinceEnd > CEILING_MS) {
      log.warning(
        "driver output: stopped waiting for Cloud Logging; the output above may be incomplete"
      );
      return this.finish();
    }
    return false;
  }
  /** Prints whatever is still held. */
  flush() {
    this.release(true);
  }
  finish() {
    this.release(true);
    this.complete = true;
    return true;
  }
  filter() {
    const { project, location, batchId: batchId2 } = this.log;
    const from = Math.max(this.log.since - 6e4, this.newest - LOOKBACK_MS);
    return [
      `logName="projects/${project}/logs/dataproc.googleapis.com%2Foutput"`,
      'resource.type="cloud_dataproc_batch"',
      `resource.labels.batch_id="${batchId2}"`,
      `resource.labels.location="${location}"`,
      `timestamp>="${new Date(from).toISOString()}"`
    ].join(" AND ");
  }
  async read() {
    let pageToken;
    const filter = this.filter();
    do {
      const page = await this.list({
        resourceNames: [`projects/${this.log.project}`],
        filter,
        orderBy: "timestamp asc",
        pageSize: 1e3,
        ...pageToken ? { pageToken } : {}
      });
      for (const entry of page.entries ?? []) this.accept(entry);
      pageToken = page.nextPageToken || void 0;
    } while (pageToken);
  }
  accept(entry) {
    const insertId = entry.insertId ?? `${entry.timestamp}|${entry.textPayload ?? ""}`;
    if (this.seen.has(insertId)) return;
    this.seen.add(insertId);
    const message = entry.jsonPayload?.message ?? entry.textPayload ?? "";
    const text = typeof message === "string" ? message : JSON.stringify(message);
    const lines = text.split("\n");
    if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
    const time = Date.parse(entry.timestamp ?? "") || this.now();
    this.newest = Math.max(this.newest, time);
    this.lastNewAt = this.now();
    this.pending.push({ time, insertId, lines });
  }
  /** Prints, in timestamp order, the entries that have waited long enough (all, at the end). */
  release(all) {
    const horizon = this.now() - SETTLE_MS;
    this.pending.sort((a, b) => a.time - b.time || a.insertId.localeCompare(b.insertId));
    const ready = all ? this.pending : this.pending.filter((entry) => entry.time <= horizon);
    this.pending = all ? [] : this.pending.filter((entry) => entry.time > horizon);
    for (const entry of ready) {
      for (const line of entry.lines) {
        this.emitLine(line);
        if (LAST_LINE.test(line)) this.complete = true;
      }
    }
  }
};

// src/deploy/outcome.ts
var outcomeWithoutBatch = (plan, state, stateMessage2, note) => ({ plan, state, stateMessage: stateMessage2, driverOutput: [], note });
function succeeded(outcome) {
  const done = ["SUCCEEDED", "PREPARED", "PLANNED", "SKIPPED"];
  if (done.includes(outcome.state)) return true;
  return !outcome.plan.behaviour.wait && outcome.state !== "ERROR" && !outcome.stateMessage;
}
function toSeconds(time) {
  if (!time?.seconds) return void 0;
  return Number(String(time.seconds)) + (time.nanos ?? 0) / 1e9;
}
function batchDuration(batch) {
  const start = toSeconds(batch.createTime);
  const end = toSeconds(batch.stateTime);
  return start !== void 0 && end !== void 0 ? Math.max(0, Math.round(end - start)) : void 0;
}

// src/deploy/batch.ts
function stateMessage(plan, result, output) {
  const cancelled = result.state === "CANCELLED";
  if (result.timedOut && cancelled) return "the batch ran longer than timeout and was cancelled";
  if (result.aborted && cancelled) return "the run was aborted and the batch cancelled";
  if (result.overSpent && cancelled) return spendingReason(result.overSpent);
  if (cancelled)
    return cancelReason(
      result.batch,
      plan.ttl.seconds === void 0 ? void 0 : formatSeconds(plan.ttl.seconds)
    );
  if (result.state === "FAILED") return failureReason(result.batch.stateMessage ?? "", output);
  return result.batch.stateMessage ?? "";
}
var cloudLoggingOf = (where, endpoint2, onLine) => (batch) => new CloudLoggingOutput(
  loggingClient(endpoint2),
  { ...where, since: Number(batch.createTime?.seconds ?? 0) * 1e3 || Date.now() },
  onLine
);
async function submit(plan, dataproc, hooks) {
  if (plan.behaviour.cancelOnAbort && hooks.abort.aborted)
    throw new Error("the run was aborted before submission; no batch was submitted");
  hooks.onSubmitting();
  let submission;
  try {
    submission = await submitBatch(dataproc, plan.batch.request);
  } catch (error) {
    if (!isTransient(error)) hooks.onSettled();
    throw error;
  }
  hooks.onSubmitted(submission.operation);
  log.info(
    `${submission.reattached ? "reattached to" : "submitted"} batch ${plan.batch.id}: ${plan.batch.consoleUrl}`
  );
  return submission;
}
async function runBatch(plan, clients, hooks) {
  const { behaviour: behaviour2 } = plan;
  const submission = await submit(plan, clients.dataproc, hooks);
  if (!behaviour2.wait) {
    hooks.onSettled();
    return {
      plan,
      batch: submission.batch,
      state: stateOf(submission.batch),
      stateMessage: "",
      driverOutput: [],
      note: "wait: false \u2014 the step did not wait for the batch to end."
    };
  }
  const output = [];
  const onLine = (line) => {
    hooks.onLine(line);
    output.push(line);
  };
  let result;
  try {
    result = await watchBatch({
      client: clients.dataproc,
      storage: clients.storage,
      name: plan.batch.name,
      operation: submission.operation,
      abort: behaviour2.cancelOnAbort ? hooks.abort : new AbortController().signal,
      timeoutSeconds: behaviour2.timeoutSeconds,
      maxDcuHours: plan.cost.maxDcuHours,
      onLine,
      onCancelSent: hooks.onCancelSent?.bind(hooks),
      cloudLogging: cloudLoggingOf(
        { project: plan.projectId, location: plan.region, batchId: plan.batch.id },
        plan.endpoints.logging,
        onLine
      )
    });
  } finally {
    hooks.onSettled();
  }
  return {
    plan,
    batch: result.batch,
    state: result.state,
    stateMessage: stateMessage(plan, result, output),
    durationSeconds: batchDuration(result.batch),
    driverOutput: output
  };
}

// src/clients/artifact-registry.ts
var AR_HOST = /^([a-z0-9-]+)-docker\.pkg\.dev$/;
var ARTIFACT_REGISTRY_API = "https://artifactregistry.googleapis.com";
function artifactRepository(imageRepository) {
  const [host = "", project, repository] = imageRepository.split("/");
  const location = AR_HOST.exec(host)?.[1];
  return location && project && repository ? { project, location, repository } : void 0;
}
async function checkRepository(imageRepository, accessToken2, api = ARTIFACT_REGISTRY_API) {
  const parts = artifactRepository(imageRepository);
  if (!parts) return { kind: "unknown", why: "not an Artifact Registry repository" };
  const { project, location, repository } = parts;
  const url = `${api}/v1/projects/${project}/locations/${location}/repositories/${repository}`;
  try {
    const response = await fetch(url, {
      headers: accessToken2 ? { authorization: `Bearer ${accessToken2}` } : {}
    });
    await response.body?.cancel();
    if (response.ok) return { kind: "exists" };
    if (response.status === 404) return { kind: "missing", ...parts };
    return {
      kind: "unknown",
      why: response.status === 403 ? "the deploying identity may not read it (artifactregistry.repositories.get)" : `the Artifact Registry API answered ${response.status}`
    };
  } catch (error) {
    return {
      kind: "unknown",
      why: `the Artifact Registry API did not answer (${errorMessage(error)})`
    };
  }
}

// src/deploy/preflight.ts
function bucketNeeds(plan) {
  const writes = plan.env === "dev" || plan.behaviour.prepare;
  const needs = [
    {
      input: "run-submit-bucket",
      bucket: parseGcsUri(plan.storage.submitPrefix).bucket,
      permissions: writes ? ["storage.objects.create", "storage.objects.get"] : ["storage.objects.get"]
    },
    {
      input: "run-output-bucket",
      bucket: parseGcsUri(plan.storage.runOutputUri).bucket,
      permissions: []
    }
  ];
  const staging = plan.batch.request.batch.environmentConfig?.executionConfig?.stagingBucket;
  if (staging) needs.push({ input: "staging-bucket", bucket: staging, permissions: [] });
  return needs;
}
async function checkBucket(storage, need) {
  let granted;
  try {
    const asked = need.permissions.length ? need.permissions : ["storage.objects.get"];
    [granted] = await storage.bucket(need.bucket).iam.testPermissions(asked);
  } catch (error) {
    if (httpStatus(error) === 404)
      throw new Error(
        `${need.input}: bucket '${need.bucket}' does not exist; create it (gcloud storage buckets create gs://${need.bucket}) or name an existing one`
      );
    throw new Error(
      `${need.input}: could not check bucket '${need.bucket}': ${errorMessage(error)}`
    );
  }
  const missing = need.permissions.filter((permission) => !granted[permission]);
  if (missing.length > 0)
    throw new Error(
      `${need.input}: the deploying identity may not write the code to bucket '${need.bucket}' (lacks ${missing.join(", ")}); grant it roles/storage.objectAdmin on the bucket`
    );
}
async function checkImageRepository(plan, accessToken2) {
  if (!plan.build || !plan.image.repository) return;
  const found = await checkRepository(plan.image.repository, accessToken2);
  if (found.kind === "missing")
    throw new Error(
      `artifact-repository: Artifact Registry has no repository '${found.repository}' in ${found.project}/${found.location}; create it (gcloud artifacts repositories create ${found.repository} --repository-format=docker --location=${found.location} --project=${found.project}) or fix artifact-repository`
    );
  if (found.kind === "unknown" && !/not an Artifact Registry/.test(found.why))
    log.info(`could not check that the image repository exists: ${found.why}`);
}
async function preflight(plan, storage, accessToken2) {
  await Promise.all([
    ...bucketNeeds(plan).map((need) => checkBucket(storage, need)),
    checkImageRepository(plan, accessToken2)
  ]);
}

// src/steps/code/code.ts
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// src/steps/code/snapshot.ts
import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path2 from "node:path";

// src/steps/code/list.ts
import { readdir } from "node:fs/promises";
import path from "node:path";

// src/lib/git.ts
import { spawn } from "node:child_process";
function git(cwd, args) {
  return new Promise((resolve3, reject) => {
    const child = spawn("git", args, {
      cwd,
      // Keeps even read-only commands from refreshing and rewriting .git/index behind the user.
      env: { ...process.env, GIT_OPTIONAL_LOCKS: "0" },
      stdio: ["ignore", "pipe", "pipe"]
    });
    const stdout = [];
    const stderr = [];
    child.stdout.on("data", (chunk) => stdout.push(chunk));
    child.stderr.on("data", (chunk) => stderr.push(chunk));
    child.on("error", (error) => {
      reject(
        errorCode(error) === "ENOENT" ? new Error(
          "git is not installed or not on PATH: the action reads the branch and snapshots the code (honouring .gitignore) with it. Install git on the runner (GitHub-hosted runners have it)."
        ) : error
      );
    });
    child.on("close", (code) => {
      resolve3({
        code: code ?? 1,
        stdout: Buffer.concat(stdout),
        stderr: Buffer.concat(stderr).toString()
      });
    });
  });
}
async function gitFact(cwd, args) {
  const result = await git(cwd, args).catch(() => void 0);
  return result?.code === 0 ? result.stdout.toString().trim() || void 0 : void 0;
}

// src/steps/code/list.ts
async function listProjectFiles(root) {
  const results = await Promise.all([
    git(root, ["ls-files", "-z", "--cached", "--stage"]),
    git(root, ["ls-files", "-z", "--others", "--exclude-standard"]),
    // Read-only: compares the index's stat data with the disk (and the content where racy).
    git(root, ["diff-files", "-z", "--name-only", "--relative"])
  ]);
  const failed = results.find((result) => result.code !== 0);
  if (failed) {
    if (/not a git repository/i.test(failed.stderr)) return walk(root);
    throw notAWorkTree(root, failed.stderr);
  }
  const [cached, others, dirty] = results.map((result) => result.stdout);
  return gitListing(cached, others, dirty);
}
function notAWorkTree(root, stderr) {
  if (/must be run in a work tree/i.test(stderr)) {
    return new Error(
      `${root} is inside a git directory or a bare repository, not a working tree: point working-directory at the checked-out project.`
    );
  }
  return new Error(
    `git could not read the repository at ${root}: ${stderr.trim()}. If git reports dubious ownership, run \`git config --global --add safe.directory <path>\` in an earlier step (actions/checkout does this for its own checkout).`
  );
}
function gitListing(cached, others, dirty) {
  const dirtyNames = new Set(splitNul(dirty).map((raw) => raw.toString("utf8")));
  const cleanBlobs = /* @__PURE__ */ new Map();
  const names = /* @__PURE__ */ new Set();
  const skipped = [];
  const accept = (raw, gitlink) => {
    const decoded = decodeName(raw);
    if (decoded.kind === "skip") {
      skipped.push({ name: decoded.name, reason: decoded.reason });
    } else if (gitlink) {
      skipped.push({ name: decoded.name, reason: "git submodule, its files are not included" });
    } else if (decoded.name.endsWith("/")) {
      skipped.push({
        name: decoded.name.slice(0, -1),
        reason: "nested git repository, its files are not included"
      });
    } else {
      names.add(decoded.name);
    }
  };
  for (const record of splitNul(cached)) {
    const tab = record.indexOf(9);
    const [mode, blob, stage] = record.subarray(0, tab).toString().split(" ");
    const name = record.subarray(tab + 1);
    accept(name, mode === "160000");
    const decoded = name.toString("utf8");
    const regular = mode === "100644" || mode === "100755";
    if (regular && stage === "0" && blob && !dirtyNames.has(decoded)) cleanBlobs.set(decoded, blob);
  }
  for (const record of splitNul(others)) accept(record, false);
  return { names: [...names], skipped: dedupeSkipped(skipped), cleanBlobs };
}
function dedupeSkipped(skipped) {
  const seen = /* @__PURE__ */ new Set();
  return skipped.filter((s) => !seen.has(s.name) && seen.add(s.name));
}
async function walk(root) {
  const names = [];
  const skipped = [];
  const visit = async (relative2) => {
    const dirents = await readdir(path.join(root, relative2), { withFileTypes: true });
    for (const dirent of dirents) {
      if (dirent.name === ".git") continue;
      const name = relative2 === "" ? dirent.name : `${relative2}/${dirent.name}`;
      if (dirent.isDirectory()) {
        await visit(name);
      } else if (dirent.name.includes("\\")) {
        skipped.push({ name, reason: backslashReason });
      } else {
        names.push(name);
      }
    }
  };
  await visit("");
  return { names, skipped, cleanBlobs: /* @__PURE__ */ new Map() };
}
var backslashReason = "the name contains a backslash, which zip readers take as a separator";
var utf8 = new TextDecoder("utf-8", { fatal: true });
function decodeName(raw) {
  let name;
  try {
    name = utf8.decode(raw);
  } catch {
    return { kind: "skip", name: raw.toString("latin1"), reason: "the name is not valid UTF-8" };
  }
  if (name.includes("\\")) return { kind: "skip", name, reason: backslashReason };
  return { kind: "name", name };
}
function splitNul(output) {
  const records = [];
  let start = 0;
  for (let end = output.indexOf(0); end !== -1; end = output.indexOf(0, start)) {
    records.push(output.subarray(start, end));
    start = end + 1;
  }
  return records;
}

// src/steps/code/thread.ts
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Worker } from "node:worker_threads";
var WORKER_LIMITS = { maxYoungGenerationSizeMb: 4 };
var BLOCKS_AHEAD = 4;
var SnapshotThread = class {
  worker;
  handle;
  stopped;
  zips = 0;
  /** Starts the thread: it boots on another core while the caller lists the files. */
  constructor() {
    this.worker = startWorker();
    this.worker.on("message", (message) => this.handle?.(message));
    this.worker.on("error", (error) => this.stop(error.message));
    this.worker.on("exit", (code) => this.stop(`the thread stopped (exit code ${code})`));
    this.worker.unref();
  }
  /** The entries and the key, worked out in the thread. */
  plan(request) {
    return this.during(
      new Promise((resolve3, reject) => {
        this.handle = (message) => {
          if (message.type === "planned") {
            const { key, files, bytes, skipped, unscanned } = message;
            resolve3({ key, files, bytes, skipped, unscanned });
          }
          if (message.type === "error") reject(new Error(message.message));
        };
        this.post({ type: "plan", request });
      })
    );
  }
  /** Writes the planned zip into `to`, and ends it; as often as needed. */
  async write(to) {
    const id = ++this.zips;
    this.post({ type: "zip", id, blocks: BLOCKS_AHEAD });
    const blocks = new Readable({ objectMode: true, read: () => void 0 });
    const checksums = new Promise((resolve3) => {
      this.handle = (message) => {
        if ("id" in message && message.id !== void 0 && message.id !== id) return;
        if (message.type === "block") {
          const { buffer, byteOffset, byteLength } = message.block;
          blocks.push(Buffer.from(buffer, byteOffset, byteLength));
        }
        if (message.type === "end") {
          resolve3(message.checksums);
          blocks.push(null);
        }
        if (message.type === "error") blocks.destroy(new Error(message.message));
      };
    });
    const uploaded = pipeline(blocks, to);
    blocks.on("data", () => {
      if (!this.stopped) this.post({ type: "grant", id, blocks: 1 });
    });
    const [, sums] = await this.during(Promise.all([uploaded, checksums]));
    return sums;
  }
  async close() {
    await this.worker.terminate();
  }
  /** Holds the process open while `work` lasts. */
  async during(work) {
    this.worker.ref();
    try {
      return await work;
    } finally {
      this.handle = void 0;
      this.worker.unref();
    }
  }
  post(message) {
    if (this.stopped) throw this.stopped;
    this.worker.postMessage(message);
  }
  stop(reason) {
    this.stopped ??= new Error(`The code snapshot failed: ${reason}`);
    this.handle?.({ type: "error", message: this.stopped.message });
  }
};
function startWorker() {
  const fromSources = import.meta.url.endsWith(".ts");
  const module = fromSources ? "./snapshot-worker.ts" : "./snapshot-worker.js";
  return new Worker(new URL(module, import.meta.url), {
    resourceLimits: WORKER_LIMITS,
    ...fromSources ? { execArgv: ["--import", "tsx"] } : {}
  });
}

// src/steps/code/snapshot.ts
async function planSnapshot(options) {
  const root = path2.resolve(options.projectDir);
  const outFile = path2.resolve(options.outFile);
  const secrets = options.secrets ?? secretRules([]);
  const thread = new SnapshotThread();
  const listed = listProjectFiles(root);
  listed.catch(() => void 0);
  let planned;
  try {
    const rootReal = await realProjectDir(root);
    planned = await thread.plan({ root, rootReal, outFile, listing: await listed, secrets });
  } catch (error) {
    await thread.close();
    throw error;
  }
  for (const name of planned.unscanned) log.info(unscannedLine("code.zip", name));
  return {
    ...planned,
    write: async () => ({
      path: outFile,
      files: planned.files,
      ...await writeFile(thread, outFile),
      skipped: planned.skipped
    }),
    stream: (to) => thread.write(to),
    close: () => thread.close()
  };
}
async function writeFile(thread, outFile) {
  await mkdir(path2.dirname(outFile), { recursive: true });
  try {
    return await thread.write(createWriteStream(outFile));
  } catch (error) {
    await rm(outFile, { force: true });
    throw error;
  }
}

// src/steps/code/upload.ts
import { finished } from "node:stream/promises";
function progressOption(uri, total, onProgress) {
  if (!onProgress) return {};
  return {
    onUploadProgress: (event) => onProgress({ uri, bytes: event.bytesWritten, total })
  };
}
var resultOf = (item, uploaded) => ({
  uri: item.uri,
  bytes: item.checksums.bytes,
  uploaded
});
var ImmutableObjectError = class extends Error {
};
var RESUMABLE_FROM_BYTES = 8 * 1024 * 1024;
var PRECONDITION_FAILED = 412;
async function remoteObject(storage, uri) {
  const { bucket, name } = parseGcsUri(uri);
  try {
    const [metadata] = await storage.bucket(bucket).file(name).getMetadata();
    return {
      crc32c: metadata.crc32c,
      generation: String(metadata.generation),
      size: Number(metadata.size ?? 0),
      metadata: Object.fromEntries(
        Object.entries(metadata.metadata ?? {}).map(([k, v]) => [k, String(v)])
      )
    };
  } catch (error) {
    if (error.code === 404) return void 0;
    throw error;
  }
}
function conflict(item) {
  return new ImmutableObjectError(
    `${item.uri} already exists with different content. ${item.immutable}`
  );
}
function writeOptions(item, remote) {
  return {
    // The checks below compare the server's CRC32C with the one computed when the zip was
    // made, which also covers the bytes the client sent; the client's own validation would hash
    // every byte a second time in JavaScript, on the main thread that feeds the upload.
    validation: false,
    metadata: { contentType: item.contentType, metadata: item.metadata },
    // Replace exactly the object we looked at (or create it): a concurrent writer makes this
    // fail instead of being silently overwritten, and retries stay safe.
    preconditionOpts: { ifGenerationMatch: remote?.generation ?? 0 }
  };
}
async function verify(file, item) {
  if (file.metadata.crc32c === item.checksums.crc32c) return;
  await file.delete({ ifGenerationMatch: file.metadata.generation }).catch(() => void 0);
  throw new Error(
    `${item.uri} arrived with CRC32C ${file.metadata.crc32c}, expected ${item.checksums.crc32c}: the bytes were corrupted on the way or the file changed during the upload; the object was deleted, run again`
  );
}
async function uploadFile(storage, item, force = false, onProgress) {
  const remote = await remoteObject(storage, item.uri);
  if (remote?.crc32c === item.checksums.crc32c) {
    return resultOf(item, false);
  }
  if (remote && item.immutable && !force) throw conflict(item);
  const { bucket, name } = parseGcsUri(item.uri);
  try {
    const [file] = await storage.bucket(bucket).upload(item.localPath, {
      destination: name,
      resumable: item.checksums.bytes >= RESUMABLE_FROM_BYTES,
      ...writeOptions(item, remote),
      ...progressOption(item.uri, item.checksums.bytes, onProgress)
    });
    await verify(file, item);
  } catch (error) {
    if (error.code !== PRECONDITION_FAILED) throw error;
    if ((await remoteObject(storage, item.uri))?.crc32c === item.checksums.crc32c) {
      return resultOf(item, false);
    }
    throw item.immutable ? conflict(item) : new Error(`${item.uri} was changed by another run during the upload; run again`);
  }
  return resultOf(item, true);
}
function startStreamedUpload(storage, target, remote, progress) {
  const { bucket, name } = parseGcsUri(target.uri);
  const file = storage.bucket(bucket).file(name);
  const stream = file.createWriteStream({ resumable: true, ...writeOptions(target, remote) });
  if (progress)
    stream.on(
      "progress",
      (event) => progress.onProgress({
        uri: target.uri,
        bytes: event.bytesWritten,
        total: Math.max(progress.expectedBytes, event.bytesWritten)
      })
    );
  const done = finished(stream);
  done.catch(() => void 0);
  return {
    stream,
    async finish(checksums, fallback) {
      const item = { uri: target.uri, checksums };
      try {
        await done;
        await verify(file, item);
      } catch {
        return fallback();
      }
      progress?.onProgress({ uri: target.uri, bytes: checksums.bytes, total: checksums.bytes });
      return resultOf(item, true);
    }
  };
}
async function uploadFiles(storage, items, force = false, onProgress) {
  return Promise.all(items.map((item) => uploadFile(storage, item, force, onProgress)));
}

// src/steps/code/code.ts
var TREE_KEY = "kedro-dataproc-tree";
var COMMIT_KEY = "kedro-dataproc-commit";
var scratchZip = () => join(mkdtempSync(join(process.env.RUNNER_TEMP || tmpdir(), "kedro-code-")), "code.zip");
async function writeArtifacts(planned, entrypoint) {
  const snapshot = await planned.write();
  return {
    code: {
      path: snapshot.path,
      checksums: snapshot,
      files: snapshot.files,
      skipped: snapshot.skipped,
      key: planned.key
    },
    entrypoint
  };
}
async function snapshotCode(projectDir, entrypointPath, secrets) {
  const [planned, checksums] = await Promise.all([
    planSnapshot({ projectDir, outFile: scratchZip(), secrets }),
    fileChecksums(entrypointPath)
  ]);
  try {
    return await writeArtifacts(planned, { path: entrypointPath, checksums });
  } finally {
    await planned.close();
  }
}
async function planDevCode(storage, plan, projectDir, entrypointPath, secrets) {
  const [planned, checksums, remote, remoteEntrypoint] = await Promise.all([
    planSnapshot({ projectDir, outFile: scratchZip(), secrets }),
    fileChecksums(entrypointPath),
    remoteObject(storage, plan.storage.codeUri),
    remoteObject(storage, plan.storage.entrypointUri)
  ]);
  const entrypoint = { path: entrypointPath, checksums };
  try {
    refuseOtherCode(plan, { code: remote, entrypoint: remoteEntrypoint }, planned.key, checksums);
  } catch (error) {
    await planned.close();
    throw error;
  }
  return {
    upload: (onProgress) => uploadDevCode(storage, plan, planned, { entrypoint, remote, onProgress })
  };
}
function refuseOtherCode(plan, found, key, entrypoint) {
  const otherCode = found.code && found.code.metadata[TREE_KEY] !== key;
  const otherEntrypoint = found.entrypoint && found.entrypoint.crc32c !== entrypoint.crc32c;
  if (!otherCode && !otherEntrypoint) return;
  const commit = found.code?.metadata[COMMIT_KEY];
  const what = otherCode ? `code.zip from other code${commit ? ` (commit ${commit.slice(0, 12)})` : ""}` : "another entrypoint.py";
  throw new ImmutableObjectError(
    `run-id ${plan.runId} was already used on branch ${plan.branch}: ${plan.storage.submitPrefix} holds ${what}. ${whyImmutable(plan)}`
  );
}
function whyImmutable(plan) {
  return plan.env === "prod" ? "A release is immutable: cut a new version, or set force: true to replace it" : "A run's folder is immutable once written, so that no batch runs another run's code: set a different run-id, or leave run-id unset to get one per workflow run";
}
async function uploadDevCode(storage, plan, planned, { entrypoint, remote, onProgress }) {
  const entrypointUpload = uploadFiles(
    storage,
    codeUploads(plan, { entrypoint }),
    false,
    onProgress
  );
  let code;
  if (remote && remote.metadata[TREE_KEY] === planned.key) {
    code = Promise.resolve({ uri: plan.storage.codeUri, bytes: remote.size, uploaded: false });
  } else if (planned.bytes >= RESUMABLE_FROM_BYTES) {
    code = streamCode(storage, plan, planned, { entrypoint, remote, onProgress });
  } else {
    code = uploadFromFile(storage, plan, planned, { entrypoint, remote, onProgress });
  }
  const [entrypointResults, codeResult] = await Promise.all([
    entrypointUpload,
    code.finally(() => planned.close())
  ]);
  return { uploads: [...entrypointResults, codeResult], skipped: planned.skipped };
}
async function streamCode(storage, plan, planned, { entrypoint, remote, onProgress }) {
  const progress = onProgress && { onProgress, expectedBytes: planned.bytes };
  const streamed = startStreamedUpload(storage, codeTarget(plan, planned.key), remote, progress);
  const fromFile = () => uploadFromFile(storage, plan, planned, { entrypoint, remote, onProgress });
  let checksums;
  try {
    checksums = await planned.stream(streamed.stream);
  } catch {
    return fromFile();
  }
  return streamed.finish(checksums, fromFile);
}
async function uploadFromFile(storage, plan, planned, { entrypoint, onProgress }) {
  const artifacts = await writeArtifacts(planned, entrypoint);
  return uploadFile(storage, codeUpload(plan, artifacts.code), false, onProgress);
}
function codeTarget(plan, key) {
  return {
    uri: plan.storage.codeUri,
    contentType: "application/zip",
    immutable: whyImmutable(plan),
    metadata: { [TREE_KEY]: key, [COMMIT_KEY]: plan.commit }
  };
}
function codeUpload(plan, code) {
  return { ...codeTarget(plan, code.key), localPath: code.path, checksums: code.checksums };
}
function codeUploads(plan, artifacts) {
  const entrypoint = {
    localPath: artifacts.entrypoint.path,
    uri: plan.storage.entrypointUri,
    contentType: "text/x-python",
    checksums: artifacts.entrypoint.checksums,
    immutable: whyImmutable(plan)
  };
  return artifacts.code ? [entrypoint, codeUpload(plan, artifacts.code)] : [entrypoint];
}

// src/steps/image/build-context.ts
var import_dockerignore = __toESM(require_ignore(), 1);
var import_tar_stream = __toESM(require_tar_stream(), 1);
import { createReadStream } from "node:fs";
import { lstat, readdir as readdir2, readFile, readlink } from "node:fs/promises";
import path3 from "node:path";
import { Readable as Readable2 } from "node:stream";
var ADDED_DOCKERFILE = ".kedro-dataproc-action.Dockerfile";
async function readBuildContext(dir, dockerfile, secrets) {
  const root = path3.resolve(dir);
  const patterns = await readFile(path3.join(root, ".dockerignore"), "utf8").catch(() => "");
  const leftOut = [];
  const entries = await walkContext(root, patterns, (relative2, absolute) => {
    const reason = credentialReason(relative2, absolute, secrets.credentials) ?? gitConfigReason(relative2, absolute) ?? localSecretsReason(relative2, absolute, secrets.allowed);
    if (!reason) return true;
    leftOut.push(`${relative2}: ${reason}`);
    return false;
  });
  const files = [...entries].filter(([, entry]) => entry.kind === "file").map(([name, entry]) => ({ name, source: path3.join(root, name), size: entry.size }));
  const scan = findSecrets(files, secrets.allowed);
  if (scan.found.length > 0) {
    throw secretFilesError("The image build context (build-context)", scan.found);
  }
  for (const name of scan.unscanned) log.info(unscannedLine("the image build context", name));
  const inside = path3.relative(root, path3.resolve(dockerfile)).split(path3.sep).join("/");
  const sent = !inside.startsWith("../") && entries.get(inside)?.kind === "file";
  return sent ? { dir: root, entries, dockerfile: inside, leftOut } : {
    dir: root,
    entries,
    dockerfile: ADDED_DOCKERFILE,
    addedDockerfile: path3.resolve(dockerfile),
    leftOut
  };
}
function contextTar(context) {
  const pack = import_tar_stream.default.pack();
  const add = async (name, source, entry) => {
    const header = { name, mode: entry.mode & 4095, mtime: entry.mtime, uid: 0, gid: 0 };
    if (entry.kind === "dir") {
      pack.entry({ ...header, type: "directory" });
    } else if (entry.kind === "symlink") {
      pack.entry({ ...header, type: "symlink", linkname: await readlink(source) });
    } else {
      await new Promise((resolve3, reject) => {
        const sink = pack.entry(
          { ...header, size: entry.size },
          (error) => error ? reject(error) : resolve3()
        );
        createReadStream(source).on("error", reject).pipe(sink);
      });
    }
  };
  const write = async () => {
    for (const [name, entry] of context.entries) {
      await add(name, path3.join(context.dir, name), entry);
    }
    if (context.addedDockerfile) {
      const stats = await lstat(context.addedDockerfile);
      await add(ADDED_DOCKERFILE, context.addedDockerfile, {
        kind: "file",
        mode: stats.mode,
        size: stats.size,
        mtime: stats.mtime
      });
    }
    pack.finalize();
  };
  write().catch((error) => pack.destroy(error));
  return Readable2.from(pack);
}
function dockerignore(patterns) {
  return import_dockerignore.default.default({ ignorecase: false }).add(patterns);
}
function reincludedBelow(patterns) {
  const exceptions = patterns.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.startsWith("!")).map((line) => `${path3.posix.normalize(line.slice(1).trim()).replace(/^\/+/, "")}/`);
  return (directory) => exceptions.some((exception) => exception.startsWith(`${directory}/`));
}
async function walkContext(context, patterns, keep) {
  const entries = /* @__PURE__ */ new Map();
  const rules = dockerignore(patterns);
  const mayReinclude = reincludedBelow(patterns);
  const walk2 = async (relativeDir) => {
    const names = (await readdir2(path3.join(context, relativeDir))).sort();
    for (const name of names) {
      const relative2 = relativeDir === "" ? name : `${relativeDir}/${name}`;
      const absolute = path3.join(context, relative2);
      const info = await lstat(absolute);
      const ignored = rules.ignores(relative2);
      const entry = { mode: info.mode, size: info.size, mtime: info.mtime };
      if (info.isDirectory()) {
        if (!ignored) entries.set(relative2, { kind: "dir", ...entry });
        if (!ignored || mayReinclude(relative2)) await walk2(relative2);
      } else if (info.isSymbolicLink()) {
        if (!ignored) entries.set(relative2, { kind: "symlink", ...entry });
      } else if (!ignored && info.isFile() && keep(relative2, absolute)) {
        entries.set(relative2, { kind: "file", ...entry });
      }
    }
  };
  await walk2("");
  return entries;
}

// src/steps/image/docker-build.ts
import { mkdtemp, readFile as readFile3, rm as rm2, writeFile as writeFile3 } from "node:fs/promises";
import { tmpdir as tmpdir2 } from "node:os";
import path5 from "node:path";

// src/steps/image/docker-args.ts
function buildArgv(options) {
  const argv = options.builder === "buildx" ? ["buildx", "build"] : ["build"];
  argv.push("--platform", options.platform, "--file", options.dockerfile);
  if (options.target) argv.push("--target", options.target);
  if (options.network) argv.push("--network", options.network);
  for (const name of Object.keys(options.buildArgs).sort()) {
    argv.push("--build-arg", `${name}=${options.buildArgs[name]}`);
  }
  for (const secret of options.secrets ?? []) {
    if (options.builder === "classic") throw new Error("the classic builder takes no secrets");
    argv.push("--secret", `id=${secret.id},src=${secret.file}`);
  }
  for (const tag of options.tags) argv.push("--tag", tag);
  if (options.builder === "buildx") {
    if (options.cacheRef) {
      argv.push("--cache-from", `type=registry,ref=${options.cacheRef}`);
      if (options.cacheExport) {
        argv.push("--cache-to", `type=registry,ref=${options.cacheRef},mode=max`);
      }
    }
    argv.push("--provenance=false");
    if (options.metadataFile) argv.push("--metadata-file", options.metadataFile);
    argv.push("--push");
  }
  argv.push(options.context);
  return argv;
}
function pushArgv(reference) {
  return ["push", reference];
}
function loginArgv(host) {
  return ["login", "--username", "oauth2accesstoken", "--password-stdin", host];
}
function buildxVersionArgv() {
  return ["buildx", "version"];
}
function buildxInspectArgv() {
  return ["buildx", "inspect"];
}
function parseBuildxDriver(output) {
  return /^Driver:\s*(\S+)/m.exec(output)?.[1] ?? null;
}
function dockerVersionArgv() {
  return ["--version"];
}
function hasBuiltinBuildkit(versionOutput) {
  const major = /version (\d+)\./i.exec(versionOutput)?.[1];
  return major !== void 0 && Number(major) >= 18 && Number(major) < 23;
}

// src/steps/image/docker.ts
import { spawn as spawn2 } from "node:child_process";
import { mkdir as mkdir2, readFile as readFile2, stat, symlink, writeFile as writeFile2 } from "node:fs/promises";
import { homedir } from "node:os";
import path4 from "node:path";
var ImageError = class extends Error {
  name = "ImageError";
};
var KEEP_OUTPUT_BYTES = 256 * 1024;
var TAIL_LINES = 30;
var execRunner = (file, args, options) => new Promise((resolve3, reject) => {
  let kept = [];
  let keptBytes = 0;
  const shown = { stdout: new OutputLines(), stderr: new OutputLines() };
  const keep = (data, stream) => {
    kept.push(data);
    keptBytes += data.length;
    if (keptBytes > 2 * KEEP_OUTPUT_BYTES) {
      const joined = Buffer.concat(kept);
      kept = [joined.subarray(joined.length - KEEP_OUTPUT_BYTES)];
      keptBytes = KEEP_OUTPUT_BYTES;
    }
    if (options.stream) shown[stream].write(data);
  };
  if (options.stream) log.info(`[command]${file} ${args.join(" ")}`);
  const child = spawn2(file, args, { env: options.env, stdio: ["pipe", "pipe", "pipe"] });
  stopWith(child, options.signal);
  child.stdout.on("data", (data) => keep(data, "stdout"));
  child.stderr.on("data", (data) => keep(data, "stderr"));
  child.on("error", reject);
  child.on("close", (code) => {
    shown.stdout.end();
    shown.stderr.end();
    resolve3({ exitCode: code ?? 1, output: Buffer.concat(kept).toString("utf8") });
  });
  child.stdin.on("error", () => void 0);
  const input = options.input;
  if (input === void 0) child.stdin.end();
  else if (Buffer.isBuffer(input)) child.stdin.end(input);
  else input.pipe(child.stdin);
});
var STOP_GRACE_MS = 3e3;
function stopWith(child, signal) {
  if (!signal) return;
  const stop = () => {
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS).unref();
  };
  if (signal.aborted) stop();
  else signal.addEventListener("abort", stop, { once: true });
  child.on("close", () => signal.removeEventListener("abort", stop));
}
var stopped = (args) => new ImageError(`docker ${args[0]} stopped: the run was stopped before the image was done`);
async function runDocker(runner, args, options) {
  if (options.signal?.aborted) throw stopped(args);
  try {
    const result = await runner("docker", args, options);
    if (options.signal?.aborted) throw stopped(args);
    return result;
  } catch (error) {
    if (error instanceof ImageError) throw error;
    throw new ImageError(
      `docker ${args[0]}: ${errorMessage(error)}
Hint: the Docker CLI is needed to build the image: install Docker or use a runner that has it`
    );
  }
}
async function dockerLogin(runner, env, host, token, workDir) {
  const config = await privateDockerConfig(workDir, env);
  const result = await runDocker(runner, loginArgv(host), {
    env: { ...env, DOCKER_CONFIG: config },
    input: Buffer.from(token),
    stream: false
  });
  if (result.exitCode !== 0) throw commandFailure(`docker login ${host}`, result, env.DOCKER_HOST);
  return config;
}
async function privateDockerConfig(workDir, env) {
  const own = env.DOCKER_CONFIG || path4.join(homedir(), ".docker");
  const dir = path4.join(workDir, "docker-config");
  await mkdir2(dir, { mode: 448 });
  for (const name of ["cli-plugins", "buildx", "contexts"]) {
    const source = path4.join(own, name);
    if (await stat(source).catch(() => null)) await symlink(source, path4.join(dir, name));
  }
  const config = {};
  const existing = await readFile2(path4.join(own, "config.json"), "utf8").catch(() => "{}");
  try {
    const currentContext = JSON.parse(existing).currentContext;
    if (typeof currentContext === "string") config.currentContext = currentContext;
  } catch {
  }
  await writeFile2(path4.join(dir, "config.json"), JSON.stringify(config), { mode: 384 });
  return dir;
}
function commandFailure(what, result, dockerHost) {
  const lines = result.output.replace(/\s+$/, "").split(/\r?\n/);
  const tail = lines.slice(-TAIL_LINES).join("\n");
  const hint = outputHint(
    result.output,
    what.startsWith("docker build") || what.startsWith("docker buildx"),
    dockerHost
  );
  return new ImageError(
    `${what} failed (exit code ${result.exitCode}). Last ${Math.min(lines.length, TAIL_LINES)} lines of its output:
${tail}${hint ? `
Hint: ${hint}` : ""}`
  );
}
var UNAUTHORIZED_HINT = "unauthorized: run google-github-actions/auth first and grant the service account roles/artifactregistry.writer on the repository";
function outputHint(output, building, dockerHost) {
  const rules = [
    [
      /Cannot connect to the Docker daemon|Is the docker daemon running|error during connect/i,
      `is the Docker daemon running? (DOCKER_HOST=${dockerHost || "unix:///var/run/docker.sock"})`
    ],
    [
      building ? /pull access denied|failed to resolve source metadata|error pulling image|manifest for \S+ not found|failed to do request|no such host|i\/o timeout|TLS handshake timeout/i : null,
      "a base image cannot be pulled: check the FROM lines and the BASE_IMAGE build arg, and that the runner can reach (and is logged in to) the base image registry"
    ],
    [/unauthorized|authentication required|denied|forbidden|\b403\b/i, UNAUTHORIZED_HINT],
    [
      /name unknown|repository .* not found|NAME_UNKNOWN/i,
      "the Artifact Registry repository does not exist: create it (gcloud artifacts repositories create REPOSITORY --repository-format=docker) or fix the input"
    ],
    [
      /COPY failed|failed to compute cache key|no source files were specified/i,
      "a COPY or ADD source is missing from the build context or excluded by .dockerignore"
    ],
    [
      /returned a non-zero code|did not complete successfully|exit code: \d+/i,
      "a RUN step of the Dockerfile failed: see its output above"
    ]
  ];
  return rules.find(([pattern]) => pattern?.test(output))?.[1];
}

// src/steps/image/docker-build.ts
var processEnv = () => Object.fromEntries(
  Object.entries(process.env).filter((entry) => entry[1] !== void 0)
);
async function buildAndPush(request, fpTag, location, registry, runner) {
  const workDir = await mkdtemp(path5.join(process.env.RUNNER_TEMP || tmpdir2(), "kda-image-"));
  try {
    const env = processEnv();
    if (request.dockerHost) env.DOCKER_HOST = request.dockerHost;
    if (request.accessToken && !location.local) {
      env.DOCKER_CONFIG = await dockerLogin(
        runner,
        env,
        location.host,
        request.accessToken,
        workDir
      );
    }
    const session = {
      request,
      env,
      workDir,
      docker: (args, options) => runDocker(runner, args, { env, signal: request.signal, ...options }),
      fpReference: `${request.repository}:${fpTag}`,
      title: `Build image ${request.repository}:${request.tag} (${fpTag})`
    };
    const secrets = request.secrets ?? {};
    const builder = await chooseBuilder(session.docker, Object.keys(secrets).length > 0);
    const secretFiles = await writeSecrets(workDir, secrets);
    const digest = builder === "buildx" ? await buildxBuild(session, secretFiles) : await dockerBuild(session, builder, secretFiles);
    if (digest) return digest;
    const pushed = await registry.head(fpTag);
    if (!pushed)
      throw new ImageError(`${session.fpReference} is not in the registry after the push`);
    return pushed.digest;
  } finally {
    await rm2(workDir, { recursive: true, force: true });
  }
}
async function writeSecrets(workDir, secrets) {
  const ids = Object.keys(secrets).sort();
  return Promise.all(
    ids.map(async (id, index) => {
      const file = path5.join(workDir, `secret-${index}`);
      await writeFile3(file, secrets[id], { mode: 384 });
      return { id, file };
    })
  );
}
function commonArgs(request, secrets) {
  return {
    dockerfile: request.context.dockerfile,
    context: "-",
    target: request.target,
    buildArgs: request.buildArgs,
    platform: request.platform,
    network: request.network,
    secrets
  };
}
async function run(session, what, argv, input) {
  const result = await session.docker(argv, {
    stream: true,
    ...input ? { input: contextTar(session.request.context) } : {}
  });
  if (result.exitCode !== 0) throw commandFailure(what, result, session.env.DOCKER_HOST);
}
async function buildxBuild(session, secrets) {
  const { request, docker, workDir } = session;
  const inspect = await docker(buildxInspectArgv(), { stream: false });
  const driver = inspect.exitCode === 0 ? parseBuildxDriver(inspect.output) : null;
  const metadataFile = path5.join(workDir, "metadata.json");
  const argv = buildArgv({
    ...commonArgs(request, secrets),
    builder: "buildx",
    tags: [session.fpReference],
    cacheRef: `${request.repository}:buildcache`,
    cacheExport: driver !== null && driver !== "docker",
    metadataFile
  });
  await log.group(session.title, () => run(session, "docker buildx build", argv, true));
  const metadata = JSON.parse(await readFile3(metadataFile, "utf8").catch(() => "{}"));
  const digest = metadata["containerimage.digest"];
  return typeof digest === "string" && digest.startsWith("sha256:") ? digest : void 0;
}
async function dockerBuild(session, builder, secrets) {
  session.env.DOCKER_BUILDKIT = builder === "buildkit" ? "1" : "0";
  const argv = buildArgv({
    ...commonArgs(session.request, secrets),
    builder,
    tags: [session.fpReference]
  });
  await log.group(session.title, async () => {
    await run(session, "docker build", argv, true);
    await run(session, `docker push ${session.fpReference}`, pushArgv(session.fpReference));
  });
  return void 0;
}
async function chooseBuilder(docker, secrets) {
  if ((await docker(buildxVersionArgv(), { stream: false })).exitCode === 0) return "buildx";
  if (!secrets) return "classic";
  const version = await docker(dockerVersionArgv(), { stream: false });
  if (version.exitCode === 0 && hasBuiltinBuildkit(version.output)) return "buildkit";
  throw new ImageError(
    `build-secrets needs BuildKit, and this Docker CLI (${version.output.trim()}) has neither buildx nor BuildKit built in; the classic builder cannot take secrets, so nothing was built. Run docker/setup-buildx-action before this step, or install the buildx plugin.`
  );
}
async function checkSecretsBuilder(buildSecrets, runner = execRunner) {
  if (Object.keys(buildSecrets).length === 0) return;
  const env = processEnv();
  await chooseBuilder((args, options) => runDocker(runner, args, { env, ...options }), true);
}

// src/steps/image/fingerprint.ts
import { createHash as createHash3 } from "node:crypto";
import { createReadStream as createReadStream2 } from "node:fs";
import { readFile as readFile4, readlink as readlink2 } from "node:fs/promises";
import path7 from "node:path";
import { pipeline as pipeline2 } from "node:stream/promises";

// src/steps/image/dockerfile-parse.ts
import path6 from "node:path";

// src/lib/words.ts
function splitWords(input) {
  const words = [];
  let word = "";
  let inWord = false;
  let quote = null;
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (quote === "'") {
      if (ch === "'") quote = null;
      else word += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = null;
      else if (ch === "\\" && i + 1 < input.length && '"\\$`\n'.includes(input[i + 1])) {
        const next = input[++i];
        if (next !== "\n") word += next;
      } else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === "\\") {
      if (i + 1 >= input.length) throw new Error("it ends with a lone backslash; remove it");
      const next = input[++i];
      if (next !== "\n") {
        word += next;
        inWord = true;
      }
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote) throw new Error(`it has an unclosed ${quote} quote; close it`);
  if (inWord) words.push(word);
  return words;
}

// src/steps/image/dockerfile-parse.ts
function parseDockerfile(text) {
  const lines = text.split(/\r?\n/);
  let escape = "\\";
  let i = 0;
  for (; i < lines.length; i++) {
    const directive = /^\s*#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$/.exec(lines[i]);
    if (!directive) break;
    if (directive[1].toLowerCase() === "escape") escape = directive[2];
  }
  const instructions = [];
  while (i < lines.length) {
    let line = lines[i++];
    if (/^\s*(#|$)/.test(line)) continue;
    let joined = "";
    for (; ; ) {
      const trimmed = line.replace(/\s+$/, "");
      if (!trimmed.endsWith(escape) || i >= lines.length) {
        joined += trimmed;
        break;
      }
      joined += trimmed.slice(0, -escape.length);
      do
        line = lines[i++];
      while (i < lines.length && /^\s*(#|$)/.test(line));
    }
    const match = /^\s*(\S+)\s*(.*)$/.exec(joined);
    if (!match) continue;
    const keyword = match[1].toUpperCase();
    const args = match[2];
    instructions.push({ keyword, args });
    if (["RUN", "COPY", "ADD"].includes(keyword)) {
      for (const heredoc of args.matchAll(/<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g)) {
        const stripTabs = heredoc[1] === "-";
        const word = heredoc[3];
        while (i < lines.length) {
          const body = lines[i++];
          if ((stripTabs ? body.replace(/^\t+/, "") : body) === word) break;
        }
      }
    }
  }
  return instructions;
}
function unquote(word) {
  return /^(["']).*\1$/.test(word) ? word.slice(1, -1) : word;
}
function copyWords(args) {
  const flags = [];
  let rest = args.trim();
  for (let match = /^(--\S+)\s*/.exec(rest); match; match = /^(--\S+)\s*/.exec(rest)) {
    flags.push(match[1]);
    rest = rest.slice(match[0].length);
  }
  if (rest.startsWith("[")) {
    try {
      const parsed = JSON.parse(rest);
      if (Array.isArray(parsed) && parsed.every((item) => typeof item === "string")) {
        return [...flags, ...parsed];
      }
    } catch {
    }
  }
  return [...flags, ...splitWords(rest)];
}
function splitFlags(words) {
  const flags = /* @__PURE__ */ new Map();
  const mounts = [];
  let i = 0;
  for (; i < words.length && words[i].startsWith("--"); i++) {
    const [name, value2] = splitAssignment(words[i].slice(2));
    if (name === "mount") mounts.push(value2 ?? "");
    else flags.set(name.toLowerCase(), value2 ?? "");
  }
  return { flags, mounts, words: words.slice(i) };
}
function splitAssignment(word) {
  const at = word.indexOf("=");
  return at < 0 ? [word, void 0] : [word.slice(0, at), unquote(word.slice(at + 1))];
}
function envPairs(args) {
  const words = splitWords(args);
  if (words.length > 0 && !words[0].includes("=")) {
    const [name, ...value2] = args.trim().split(/\s+/);
    return [[name, unquote(value2.join(" "))]];
  }
  return words.map((word) => splitAssignment(word)).map(([k, v]) => [k, v ?? ""]);
}
function expand(word, vars) {
  return word.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_, braced, op, operand, bare) => {
      const value2 = vars[braced ?? bare];
      if (op === "-") return value2 ? value2 : operand ?? "";
      if (op === "+") return value2 ? operand ?? "" : "";
      return value2 ?? "";
    }
  );
}
function cleanSource(source) {
  const cleaned = path6.posix.normalize(`/${source}`).replace(/\/+$/, "").slice(1);
  return cleaned === "" ? "." : cleaned;
}

// src/steps/image/dockerfile-deps.ts
function stageIndex(stages, reference) {
  if (/^\d+$/.test(reference)) {
    const index = Number(reference);
    return index < stages.length ? index : void 0;
  }
  return stages.find((stage) => stage.name === reference.toLowerCase())?.index;
}
function needFrom(reading, stage, from) {
  const index = stageIndex(reading.stages, expand(from, reading.scope));
  if (index !== void 0) stage.needs.push(index);
}
function readArg(reading, args) {
  const { buildArgs, globalArgs, stages } = reading;
  for (const word of splitWords(args)) {
    const [name, value2] = splitAssignment(word);
    const into = stages.length === 0 ? globalArgs : reading.scope;
    const inherited = stages.length === 0 ? void 0 : globalArgs[name];
    const resolved = buildArgs[name] ?? (value2 !== void 0 ? expand(value2, into) : inherited);
    if (resolved !== void 0) into[name] = resolved;
  }
}
function readFrom(reading, args) {
  const { stages } = reading;
  const { words } = splitFlags(splitWords(args));
  const image2 = expand(words[0] ?? "", reading.globalArgs);
  const name = words[1]?.toLowerCase() === "as" ? (words[2] ?? "").toLowerCase() : "";
  const parent = stageIndex(stages, image2);
  stages.push({
    name: name || String(stages.length),
    index: stages.length,
    needs: parent === void 0 ? [] : [parent],
    sources: []
  });
  reading.scope = {};
}
function readCopy(reading, stage, keyword, args) {
  const { flags, words } = splitFlags(copyWords(args));
  const from = flags.get("from");
  if (from !== void 0) return needFrom(reading, stage, from);
  for (const source of words.slice(0, -1)) {
    if (source.startsWith("<<")) continue;
    if (keyword === "ADD" && /^[a-z][a-z0-9+.-]*:\/\//i.test(source)) continue;
    stage.sources.push(cleanSource(expand(source, reading.scope)));
  }
}
function readMounts(reading, stage, args) {
  for (const mount of splitFlags(splitWords(args)).mounts) {
    const options = new Map(
      mount.split(",").map((part) => {
        const [key, value2] = splitAssignment(part);
        return [key.toLowerCase(), value2 ?? ""];
      })
    );
    if ((options.get("type") ?? "bind") !== "bind") continue;
    const from = options.get("from");
    if (from !== void 0) needFrom(reading, stage, from);
    else {
      const source = options.get("source") ?? options.get("src") ?? ".";
      stage.sources.push(cleanSource(expand(source, reading.scope)));
    }
  }
}
function read(reading, { keyword, args }) {
  if (keyword === "ARG") return readArg(reading, args);
  if (keyword === "FROM") return readFrom(reading, args);
  const stage = reading.stages[reading.stages.length - 1];
  if (!stage) return;
  if (keyword === "ENV")
    for (const [name, value2] of envPairs(args)) reading.scope[name] = expand(value2, reading.scope);
  else if (keyword === "COPY" || keyword === "ADD") readCopy(reading, stage, keyword, args);
  else if (keyword === "RUN") readMounts(reading, stage, args);
}
function chosen(stages, target) {
  if (stages.length === 0) throw new Error("the Dockerfile has no FROM instruction");
  const wanted = target === void 0 ? stages.length - 1 : stages.find((s) => s.name === target.toLowerCase())?.index;
  if (wanted === void 0) {
    const names = stages.map((s) => s.name).join(", ");
    throw new Error(`the Dockerfile has no stage named '${target}' (stages: ${names})`);
  }
  const needed = /* @__PURE__ */ new Set();
  const visit = (index) => {
    if (needed.has(index)) return;
    needed.add(index);
    for (const next of stages[index].needs) visit(next);
  };
  visit(wanted);
  const picked = stages.filter((stage) => needed.has(stage.index));
  const sources = [...new Set(picked.flatMap((stage) => stage.sources))].sort();
  return { stages: picked.map((stage) => stage.name), sources };
}
function dockerfileDependencies(text, target, buildArgs) {
  const reading = { buildArgs, globalArgs: {}, stages: [], scope: {} };
  for (const instruction of parseDockerfile(text)) {
    try {
      read(reading, instruction);
    } catch (error) {
      throw new Error(
        `the Dockerfile's ${instruction.keyword} ${instruction.args}: ${errorMessage(error)}`
      );
    }
  }
  return chosen(reading.stages, target);
}

// src/steps/image/fingerprint.ts
var SCHEME = "kedro-dataproc-action/image-fingerprint/v1";
async function fingerprint(input) {
  const { dir: context, entries } = input.context;
  const dockerfileBytes = await readFile4(input.dockerfile);
  const deps = dockerfileDependencies(
    dockerfileBytes.toString("utf8"),
    input.target,
    input.buildArgs
  );
  const selected = selectSources(entries, deps.sources);
  const hash = createHash3("sha256");
  const field = (name, value2) => {
    hash.update(`${name} ${Buffer.byteLength(value2)}
${value2}
`);
  };
  field("scheme", SCHEME);
  field("platform", input.platform);
  field("target", input.target ?? "");
  field("build-args", JSON.stringify(Object.entries(input.buildArgs).sort(byKey)));
  field("dockerfile", createHash3("sha256").update(dockerfileBytes).digest("hex"));
  for (const relative2 of selected) {
    const entry = entries.get(relative2);
    field("path", relative2);
    field("kind", `${entry.kind} ${(entry.mode & 4095).toString(8)}`);
    if (entry.kind === "file") field("sha256", await fileSha256(path7.join(context, relative2)));
    if (entry.kind === "symlink") field("link", await readlink2(path7.join(context, relative2)));
  }
  const hex = hash.digest("hex");
  return { tag: `fp-${hex.slice(0, 32)}`, stages: deps.stages, files: selected };
}
var byKey = (a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
async function fileSha256(file) {
  const hash = createHash3("sha256");
  await pipeline2(createReadStream2(file), hash);
  return hash.digest("hex");
}
function selectSources(entries, sources) {
  const selected = /* @__PURE__ */ new Set();
  const all = [...entries.keys()];
  for (const source of sources) {
    if (source === ".") {
      for (const relative2 of all) selected.add(relative2);
      continue;
    }
    const rule = dockerignore(/^[!#]/.test(source) ? `\\${source}` : source);
    for (const relative2 of all) if (rule.ignores(relative2)) selected.add(relative2);
  }
  return [...selected].sort();
}

// src/steps/image/image.ts
async function buildImage(request, deps = {}) {
  const started = Date.now();
  return explained(request.accessToken, async () => {
    const location = parseRepository(request.repository);
    const fp = await fingerprint(request);
    const registry = registryClient(request.repository, request.accessToken);
    const reused = (await registry.head(fp.tag))?.digest ?? null;
    const digest = reused ?? await buildAndPush(request, fp.tag, location, registry, deps.runner ?? execRunner);
    const result = {
      reference: `${request.repository}:${request.tag}`,
      digest,
      pinned: `${request.repository}@${digest}`,
      fingerprint: fp.tag,
      built: reused === null,
      seconds: Math.round((Date.now() - started) / 10) / 100
    };
    const how = result.built ? "built and pushed" : "reused";
    log.info(`Image ${how}: ${request.repository}:${fp.tag} ${digest} (${result.seconds} s)`);
    return result;
  });
}
async function tagImage(request, image2) {
  await explained(request.accessToken, async () => {
    if (request.tag === image2.fingerprint) return;
    const registry = registryClient(request.repository, request.accessToken);
    const manifest = await registry.get(image2.digest);
    const stored = await registry.put(request.tag, manifest);
    if (stored !== manifest.digest)
      throw new ImageError(
        `the registry stored ${request.tag} as ${stored}, expected ${manifest.digest}`
      );
    log.info(`Image tagged: ${image2.reference} ${image2.digest}`);
  });
}
async function explained(token, step) {
  if (token) log.secret(token);
  const scrub2 = (text) => token ? text.split(token).join("***") : text;
  try {
    return await step();
  } catch (error) {
    if (error instanceof ImageError) throw new ImageError(scrub2(error.message));
    if (error instanceof RegistryError) {
      const hint = registryHint(error.status);
      throw new ImageError(scrub2(`${error.message}${hint ? `
Hint: ${hint}` : ""}`));
    }
    throw error;
  }
}
function registryHint(status) {
  if (status === 401 || status === 403) return UNAUTHORIZED_HINT;
  if (status === 404)
    return "the repository does not exist in the registry, or the name is misspelt";
  if (status === 0) return "the registry cannot be reached: check the host name and the network";
  return void 0;
}

// src/steps/release/manifest.ts
async function readManifest(storage, uri) {
  const remote = await remoteObject(storage, uri);
  if (!remote) return void 0;
  const { bucket, name } = parseGcsUri(uri);
  const [bytes] = await storage.bucket(bucket).file(name, { generation: remote.generation }).download();
  return {
    manifest: JSON.parse(bytes.toString("utf8")),
    generation: remote.generation
  };
}
function sameContent(manifest, code, entrypoint) {
  return manifest.code.crc32c === code.crc32c && manifest.entrypoint.crc32c === entrypoint.crc32c;
}
function releaseConflict(manifest) {
  return new ImmutableObjectError(
    `release ${manifest.version} was already prepared from other code (commit ${manifest.commit || "unknown"}, ${manifest.createdAt}), and a release is immutable: cut a new version, or set force: true to replace it`
  );
}
async function objectsDiffer(storage, manifest) {
  const [code, entrypoint] = await Promise.all([
    remoteObject(storage, manifest.code.uri),
    remoteObject(storage, manifest.entrypoint.uri)
  ]);
  if (code?.crc32c !== manifest.code.crc32c) return `${manifest.code.uri} is not the code it names`;
  if (entrypoint?.crc32c !== manifest.entrypoint.crc32c)
    return `${manifest.entrypoint.uri} is not the entrypoint it names`;
  return void 0;
}
async function withdraw(storage, uri, generation, why) {
  const { bucket, name } = parseGcsUri(uri);
  await storage.bucket(bucket).file(name).delete({ ifGenerationMatch: generation });
  return new ImmutableObjectError(
    `${why}: another prepare of this version with other content ran at the same time and replaced it; ${uri} was withdrawn, so nothing is released: prepare it again`
  );
}
async function writeManifest(storage, uri, manifest, replacesGeneration) {
  const { bucket, name } = parseGcsUri(uri);
  const file = storage.bucket(bucket).file(name);
  try {
    await file.save(`${JSON.stringify(manifest, null, 2)}
`, {
      resumable: false,
      validation: "crc32c",
      contentType: "application/json",
      preconditionOpts: { ifGenerationMatch: replacesGeneration ?? 0 }
    });
  } catch (error) {
    if (errorCode(error) !== 412) throw error;
    const now = await readManifest(storage, uri);
    if (!now) throw error;
    const differ2 = await objectsDiffer(storage, now.manifest);
    if (differ2) throw await withdraw(storage, uri, now.generation, differ2);
    if (sameContent(now.manifest, manifest.code, manifest.entrypoint)) return;
    throw new ImmutableObjectError(
      `${uri} was written by another run of release ${manifest.version} at the same time, with other content; run again`
    );
  }
  const differ = await objectsDiffer(storage, manifest);
  if (differ) throw await withdraw(storage, uri, String(file.metadata.generation), differ);
}

// src/deploy/prepare.ts
async function buildContext({ plan, secrets }) {
  if (!plan.build) return void 0;
  await checkSecretsBuilder(plan.build.secrets);
  const context = await readBuildContext(plan.build.context, plan.build.dockerfile, secrets);
  for (const left of context.leftOut) log.info(`not in the image build context: ${left}`);
  return context;
}
async function image(p, context) {
  const { plan } = p;
  if (!context || !plan.build || plan.image.prebuilt) return { plan, tag: () => Promise.resolve() };
  const { repository, tag } = plan.image;
  const request = {
    ...plan.build,
    context,
    repository,
    tag,
    accessToken: p.accessToken,
    signal: p.signal
  };
  const result = await buildImage(request);
  return {
    plan: pinImage(plan, result.pinned, result.digest),
    tag: () => tagImage(request, result)
  };
}
function besideImage(p, context, other) {
  const stop = new AbortController();
  const signal = p.signal ? AbortSignal.any([p.signal, stop.signal]) : stop.signal;
  const failed = (error) => {
    stop.abort();
    throw error;
  };
  return Promise.all([image({ ...p, signal }, context), other.catch(failed)]);
}
function logUploads(uploads, skipped) {
  for (const upload of uploads)
    log.info(
      `${upload.uploaded ? "uploaded" : "unchanged, not uploaded"}: ${upload.uri} (${upload.bytes} bytes)`
    );
  for (const name of skipped) log.info(`not in code.zip: ${name}`);
}
async function prepareDev(p) {
  const { plan, storage } = p;
  const [context, code] = await Promise.all([
    buildContext(p),
    planDevCode(storage, plan, plan.code.directory, plan.code.entrypoint, p.secrets)
  ]);
  const [built, uploaded] = await besideImage(p, context, code.upload(p.onUploadProgress));
  logUploads(uploaded.uploads, uploaded.skipped);
  await built.tag();
  return built.plan;
}
function manifestOf(plan, artifacts) {
  return {
    version: plan.release,
    commit: plan.commit,
    image: plan.image.reference,
    imageDigest: plan.image.digest,
    createdAt: (/* @__PURE__ */ new Date()).toISOString(),
    actionVersion: ACTION_VERSION,
    code: {
      uri: plan.storage.codeUri,
      crc32c: artifacts.code.checksums.crc32c,
      bytes: artifacts.code.checksums.bytes
    },
    entrypoint: { uri: plan.storage.entrypointUri, crc32c: artifacts.entrypoint.checksums.crc32c }
  };
}
async function prepareRelease(p) {
  const { plan, storage } = p;
  const { manifestUri } = plan.storage;
  const force = plan.behaviour.force;
  const [artifacts, context, existing] = await Promise.all([
    snapshotCode(plan.code.directory, plan.code.entrypoint, p.secrets),
    buildContext(p),
    readManifest(storage, manifestUri)
  ]);
  const { code, entrypoint } = artifacts;
  const identical = existing && sameContent(existing.manifest, code.checksums, entrypoint.checksums);
  const differ = identical ? await objectsDiffer(storage, existing.manifest) : void 0;
  if (identical && !differ) {
    log.info(
      `release ${plan.release} is already prepared with identical content: nothing built or uploaded`
    );
    return pinnedByManifest(plan, existing.manifest);
  }
  if (existing && !identical && !force) throw releaseConflict(existing.manifest);
  if (differ) log.warning(`release ${plan.release}: ${differ}; uploading it again`);
  else if (existing)
    log.warning(
      `force: true: replacing release ${plan.release} (prepared ${existing.manifest.createdAt})`
    );
  const uploads = uploadFiles(storage, codeUploads(plan, artifacts), true, p.onUploadProgress);
  const [built, uploaded] = await besideImage(p, context, uploads);
  logUploads(uploaded, code.skipped);
  await built.tag();
  await writeManifest(storage, manifestUri, manifestOf(built.plan, artifacts), existing?.generation);
  log.info(`release ${plan.release} prepared: ${manifestUri}`);
  return built.plan;
}
var pinnedByManifest = (plan, manifest) => pinImage(plan, manifest.image, manifest.imageDigest);
async function releaseToRun({ plan, storage }) {
  const stored = await readManifest(storage, plan.storage.manifestUri);
  if (!stored)
    throw new Error(
      `release ${plan.release} was never prepared (no ${plan.storage.manifestUri}): run this action with prepare: true for it first, e.g. on the tag push`
    );
  const differ = await objectsDiffer(storage, stored.manifest);
  if (differ)
    throw new ImmutableObjectError(
      `release ${plan.release}: ${differ} (two prepares of it ran at once): prepare it again from its commit ${stored.manifest.commit || "(unknown)"}; nothing was submitted`
    );
  return pinnedByManifest(plan, stored.manifest);
}

// src/deploy/deploy.ts
var NOTHING_DONE = "nothing was built, uploaded or submitted";
function loadDataproc(plan) {
  return makeDataprocClient(plan.region, plan.endpoints.dataproc);
}
async function accessToken(plan, hint) {
  if (!plan.credentials.needed) return {};
  try {
    const token = await loadAccessToken(hint);
    log.secret(token);
    return { token };
  } catch (error) {
    if (plan.credentials.onMissing === "fail") throw error;
    log.notice(`skipped: ${errorMessage(error)}`);
    return void 0;
  }
}
async function deploy(plan, hooks) {
  if (plan.behaviour.dryRun) {
    log.info(`dry-run: ${NOTHING_DONE}.`);
    return outcomeWithoutBatch(plan, "PLANNED", `dry run: ${NOTHING_DONE}`);
  }
  const credentials = await accessToken(plan, hooks.credentialsHint);
  if (!credentials)
    return outcomeWithoutBatch(plan, "SKIPPED", `no Google Cloud credentials: ${NOTHING_DONE}`);
  const p = {
    plan,
    storage: makeStorage(plan.projectId, plan.endpoints.storage),
    accessToken: credentials.token,
    onUploadProgress: hooks.onUploadProgress?.bind(hooks),
    secrets: secretRules(plan.code.allowSecretFiles),
    signal: hooks.abort
  };
  await preflight(plan, p.storage, credentials.token);
  if (plan.env === "dev") {
    const prepared = await prepareDev(p);
    return runBatch(prepared, { dataproc: await loadDataproc(plan), storage: p.storage }, hooks);
  }
  const release = { ...p, plan };
  const submitted = await (plan.behaviour.prepare ? prepareRelease(release) : releaseToRun(release));
  if (plan.behaviour.submit)
    return runBatch(submitted, { dataproc: await loadDataproc(plan), storage: p.storage }, hooks);
  return outcomeWithoutBatch(
    submitted,
    "PREPARED",
    "",
    `release ${plan.release} is prepared; no batch was submitted (submit: false).`
  );
}

// src/deploy/run.ts
var errorOutcome = (plan, error) => outcomeWithoutBatch(plan, "ERROR", explainError(error, deployingIdentity()));
async function runPlan(plan, hooks) {
  try {
    const outcome = await deploy(plan, hooks);
    if (!plan.behaviour.dryRun) await keepNewestRuns(plan);
    return outcome;
  } catch (error) {
    return errorOutcome(plan, error);
  }
}
function failureMessage(outcome) {
  if (succeeded(outcome)) return void 0;
  if (outcome.state === "ERROR") return outcome.stateMessage;
  const message = outcome.stateMessage ? `: ${outcome.stateMessage}` : "";
  return `batch ${outcome.plan.batch.id} ${outcome.state.toLowerCase()}${message}`;
}

// src/inputs/syntax.ts
var DURATION_UNITS = { s: 1, m: 60, h: 3600, d: 86400 };
function parseDuration(value2) {
  if (!/^([0-9]+[smhd])+$/.test(value2)) return void 0;
  let seconds = 0;
  for (const [, amount, unit] of value2.matchAll(/([0-9]+)([smhd])/g)) {
    seconds += Number(amount) * DURATION_UNITS[unit];
  }
  return seconds;
}
function parseBoolean(value2) {
  if (["true", "True", "TRUE"].includes(value2)) return true;
  if (["false", "False", "FALSE"].includes(value2)) return false;
  return void 0;
}
function parsePairs(text) {
  const pairs = [];
  const bad = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) bad.push(line);
    else pairs.push([line.slice(0, eq).trim(), line.slice(eq + 1).trim()]);
  }
  return { pairs, bad };
}
function parseList(text) {
  return text.split(/[\n,]/).map((item) => item.trim()).filter(Boolean);
}
function parseEndpoint(value2, defaultPlaintext) {
  const withScheme = /^[a-z]+:\/\//.test(value2) ? value2 : `${defaultPlaintext ? "http" : "https"}://${value2}`;
  let url;
  try {
    url = new URL(withScheme);
  } catch {
    return void 0;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return void 0;
  if (url.search || url.hash || url.username) return void 0;
  const plaintext = url.protocol === "http:";
  const port = url.port ? Number(url.port) : plaintext ? 80 : 443;
  const path8 = url.pathname.replace(/\/+$/, "");
  return { host: url.hostname, port, plaintext, url: `${url.protocol}//${url.host}${path8}` };
}

// src/inputs/reader.ts
var InputError = class extends Error {
  problems;
  constructor(problems) {
    const shown = problems.map((problem) => visible(problem));
    super(
      shown.length === 1 ? `invalid input: ${shown[0]}` : `${shown.length} invalid inputs:
${shown.map((p) => `  - ${p}`).join("\n")}`
    );
    this.problems = shown;
  }
};
var InputReader = class {
  constructor(values, env) {
    this.values = values;
    this.env = env;
  }
  values;
  env;
  problems = [];
  /** The value in effect: given, else the default. */
  text(name) {
    return valueOf(this.values, name);
  }
  /** Whether the user gave a value other than the default. */
  given(name) {
    return this.text(name) !== INPUTS[name].default;
  }
  optional(name) {
    return this.text(name) || void 0;
  }
  required(name, fix) {
    const value2 = this.text(name);
    if (!value2) this.problem(name, `required; ${fix}`);
    return value2;
  }
  problem(name, text) {
    this.problems.push(`${name}: ${text}`);
  }
  check(name, value2, pattern, fix) {
    if (value2 !== void 0 && !pattern.test(value2)) this.problem(name, `'${value2}' ${fix}`);
  }
  bool(name) {
    const value2 = this.text(name);
    const parsed = parseBoolean(value2);
    if (parsed === void 0) this.problem(name, `'${value2}' is not a boolean; use true or false`);
    return parsed ?? parseBoolean(INPUTS[name].default) ?? false;
  }
  choice(name, choices) {
    const value2 = this.text(name);
    if (choices.includes(value2)) return value2;
    const list = `${choices.slice(0, -1).join(", ")} or ${choices[choices.length - 1]}`;
    this.problem(name, `'${value2}' is not a choice; use ${list}`);
    return choices[0];
  }
  /** A positive duration, or undefined when the input is empty. */
  duration(name, fix) {
    const value2 = this.text(name);
    if (!value2) return void 0;
    const seconds = parseDuration(value2);
    if (!seconds) this.problem(name, `'${value2}' is not a duration; ${fix}`);
    return seconds || void 0;
  }
  /** A bucket name: never a gs:// URI or a path, since the action chooses the folders. */
  bucket(name, value2) {
    if (value2 === void 0 || value2 === "") return value2;
    if (value2.startsWith("gs://")) {
      this.problem(
        name,
        `write the bucket name without gs:// (e.g. '${value2.slice(5).split("/")[0]}')`
      );
    } else if (value2.includes("/")) {
      this.problem(
        name,
        `'${value2}' is a path; give only the bucket name (the action chooses the folders)`
      );
    } else {
      const problem = bucketNameProblem(value2);
      if (problem) this.problem(name, problem);
    }
    return value2;
  }
};

// src/kedro/check.ts
function checkRunArgs(args, version) {
  const known = optionsOf(version);
  const problems = [];
  const warnings = [];
  const seen = /* @__PURE__ */ new Map();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith("-") || arg === "-") {
      problems.push(`'${arg}' is not an option: kedro run takes no arguments, only options`);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const option = known.get(name);
    if (!option) {
      problems.push(unknownOption(name, version, known));
      continue;
    }
    let optionValue = eq > 0 ? arg.slice(eq + 1) : void 0;
    if (!option.takesValue && optionValue !== void 0) {
      problems.push(`${name} takes no value; write ${name} alone`);
    }
    if (option.takesValue && optionValue === void 0) {
      optionValue = args[i + 1];
      if (optionValue === void 0) problems.push(`${name} needs a value, e.g. ${name}=VALUE`);
      else if (optionValue.startsWith("--")) {
        problems.push(`${name} has no value before ${optionValue}; write ${name}=VALUE`);
      }
      i++;
    }
    seen.set(option, [...seen.get(option) ?? [], optionValue ?? ""]);
    if (option.deprecatedIn && compareVersions(version, option.deprecatedIn) >= 0) {
      warnings.push(
        `${name} is deprecated since Kedro ${formatVersion(option.deprecatedIn)}; write ${option.replacement} instead`
      );
    }
  }
  for (const [option, values] of seen) {
    const name = option.names[0];
    if (values.length > 1 && option.takesValue) {
      warnings.push(`${name} is given ${values.length} times; Kedro uses only the last one`);
    }
    if (name === "--params") problems.push(...values.flatMap(paramsProblems));
  }
  const pipeline3 = RUN_OPTIONS.find((option) => option.names[0] === "--pipeline");
  const pipelines = RUN_OPTIONS.find((option) => option.names[0] === "--pipelines");
  if (pipeline3 && pipelines && seen.has(pipeline3) && seen.has(pipelines)) {
    problems.push("--pipeline and --pipelines cannot be used together; keep --pipelines");
  }
  return { problems, warnings };
}
function unknownOption(name, version, known) {
  const here = `Kedro ${formatVersion(version)}`;
  const other = RUN_OPTIONS.find((option) => option.names.includes(name));
  if (other && compareVersions(version, other.since) < 0) {
    return `${name} needs Kedro ${formatVersion(other.since)} or newer, and the project's is ${here}; upgrade Kedro or leave it out`;
  }
  if (other?.removedIn) {
    return `${name} was removed in Kedro ${formatVersion(other.removedIn)} (the project's is ${here}); write ${other.replacement}`;
  }
  const guesses = close(
    name,
    [...known.keys()].filter((candidate) => candidate.startsWith("--"))
  );
  const guess = guesses.length === 0 ? "" : guesses.length === 1 ? `; did you mean ${guesses[0]}?` : `; did you mean one of ${guesses.join(", ")}?`;
  return `${name} is not an option of kedro run in ${here}${guess}`;
}
function close(name, candidates) {
  const limit = Math.max(2, Math.floor(name.length / 3));
  return candidates.map((candidate) => ({ candidate, distance: editDistance(name, candidate) })).filter(({ distance }) => distance <= limit).sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate)).map(({ candidate }) => candidate);
}
function editDistance(a, b) {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + cost
      );
    }
    previous = current;
  }
  return previous[b.length];
}
function paramsProblems(value2) {
  const items = value2.split(",").map((item) => item.trim()).filter(Boolean);
  const bad = items.filter(
    (item) => !item.includes("=") || item.slice(0, item.indexOf("=")).trim() === ""
  );
  if (bad.length === 0) return [];
  const oldForm = bad.every((item) => !item.includes("=") && item.includes(":"));
  const corrected = items.map((item) => item.includes("=") ? item : item.replace(":", "=")).join(",");
  return [
    oldForm ? `--params item ${bad.map((b) => `"${b}"`).join(", ")} uses the key:value form, which Kedro \u2265 0.19 rejects; write --params=${corrected}` : `--params item ${bad.map((b) => `"${b}"`).join(", ")} is not key=value; write --params=key1=value1,key2=value2 (values cannot contain commas)`
  ];
}

// src/kedro/project.ts
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join as join2 } from "node:path";

// node_modules/smol-toml/dist/error.js
function getLineColFromPtr(string, ptr) {
  let lines = string.slice(0, ptr).split(/\r?\n/);
  return [lines.length, lines.pop().length + 1];
}
function makeCodeBlock(string, line, column) {
  let lines = string.split(/\r?\n/);
  let codeblock = "";
  let numberLen = (Math.log10(line + 1) | 0) + 1;
  for (let i = line - 1; i <= line + 1; i++) {
    let l = lines[i - 1];
    if (!l)
      continue;
    codeblock += i.toString().padEnd(numberLen, " ");
    codeblock += ":  ";
    codeblock += l;
    codeblock += "\n";
    if (i === line) {
      codeblock += " ".repeat(numberLen + column + 2);
      codeblock += "^\n";
    }
  }
  return codeblock;
}
var TomlError = class _TomlError extends Error {
  line;
  column;
  codeblock;
  constructor(message, options) {
    const [line, column] = getLineColFromPtr(options.toml, options.ptr);
    const codeblock = makeCodeBlock(options.toml, line, column);
    super(`Invalid TOML document: ${message}

${codeblock}`, options);
    this.line = line;
    this.column = column;
    this.codeblock = codeblock;
  }
  /** @internal */
  static x(message, ctx, ptr) {
    throw new _TomlError(message, { toml: ctx.s, ptr: ptr ?? ctx.p });
  }
};

// node_modules/smol-toml/dist/primitive.js
function parseString(ctx) {
  let startPtr = ctx.p;
  let c = ctx.s.charCodeAt(ctx.p++);
  let first = c;
  let isLiteral = c === 39;
  let isMultiline = c === ctx.s.charCodeAt(ctx.p) && c === ctx.s.charCodeAt(ctx.p + 1);
  if (isMultiline) {
    if ((c = ctx.s.charCodeAt(ctx.p += 2)) === 10)
      ctx.p++;
    else if (c === 13 && ctx.s.charCodeAt(ctx.p + 1) === 10)
      ctx.p += 2;
  }
  let parsed = "";
  let sliceStart = ctx.p;
  let state = 0;
  for (; ctx.p < ctx.s.length; ctx.p++) {
    c = ctx.s.charCodeAt(ctx.p);
    if (isMultiline && (c === 10 || c === 13 && ctx.s.charCodeAt(ctx.p + 1) === 10)) {
      state = state && 3;
    } else if (c < 32 && c !== 9 || c === 127) {
      TomlError.x("control characters are not allowed in strings", ctx);
    } else if ((!state || state === 3) && c === first && (!isMultiline || ctx.s.charCodeAt(ctx.p + 1) === first && ctx.s.charCodeAt(ctx.p + 2) === first)) {
      if (isMultiline) {
        if (ctx.s.charCodeAt(ctx.p + 3) === first)
          ctx.p++;
        if (ctx.s.charCodeAt(ctx.p + 3) === first)
          ctx.p++;
      }
      if (!state) {
        let s = ctx.s.slice(sliceStart, ctx.p);
        parsed = parsed ? parsed + s : s;
      }
      ctx.p += isMultiline ? 3 : 1;
      return parsed;
    } else if (!state) {
      if (!isLiteral && c === 92) {
        parsed += ctx.s.slice(sliceStart, sliceStart = ctx.p);
        state = 1;
      }
    } else if (state === 1) {
      if (c === 120 || c === 117 || c === 85) {
        let errPtr = ctx.p++ - 1;
        let value2 = 0;
        let len = c === 120 ? 2 : c === 117 ? 4 : 8;
        for (let j = 0; j < len; j++, ctx.p++) {
          let hex = ctx.s.charCodeAt(ctx.p);
          let digit = (
            /* 0-9 */
            hex >= 48 && hex <= 57 ? hex - 48 : (
              /* A-F */
              hex >= 65 && hex <= 70 ? hex - 65 + 10 : (
                /* a-f */
                hex >= 97 && hex <= 102 ? hex - 97 + 10 : -1
              )
            )
          );
          if (digit < 0)
            TomlError.x("invalid non-hex character in unicode escape", ctx);
          value2 = value2 << 4 | digit;
        }
        if (value2 < 0 || value2 > 1114111 || value2 >= 55296 && value2 <= 57343) {
          TomlError.x("invalid unicode escape", ctx, errPtr);
        }
        parsed += String.fromCodePoint(value2);
        sliceStart = ctx.p--;
        state = 0;
      } else if (isMultiline && (c === 32 || c === 9)) {
        state = 2;
      } else {
        if (c === 98)
          parsed += "\b";
        else if (c === 116)
          parsed += "	";
        else if (c === 110)
          parsed += "\n";
        else if (c === 102)
          parsed += "\f";
        else if (c === 114)
          parsed += "\r";
        else if (c === 101)
          parsed += "\x1B";
        else if (c === 34)
          parsed += '"';
        else if (c === 92)
          parsed += "\\";
        else
          TomlError.x("unrecognised escape sequence", ctx);
        sliceStart = ctx.p + 1;
        state = 0;
      }
    } else if (c !== 32 && c !== 9) {
      if (state === 2)
        TomlError.x("invalid escape: only line-ending whitespace may be escaped", ctx, sliceStart);
      state = !isLiteral && c === 92 ? 1 : 0;
      sliceStart = ctx.p;
    }
  }
  TomlError.x("unfinished string", ctx, startPtr);
}

// node_modules/smol-toml/dist/date.js
var DATE_TIME_RE = /^(\d{4}-\d{2}-\d{2})?[Tt ]?(?:(\d{2}):\d{2}(?::\d{2}(?:\.\d+)?)?)?(Z|z|[-+]\d{2}:\d{2})?$/i;
var TomlDate = class _TomlDate extends Date {
  #hasDate = false;
  #hasTime = false;
  #offset = null;
  constructor(date, fasttype, unsafeDelim) {
    let hasDate = true;
    let hasTime = true;
    let offset = "Z";
    let c;
    if (typeof date === "string") {
      if (fasttype)
        prep: {
          if (fasttype < 3) {
            if (+date.slice(11, 13) > 23) {
              date = "";
              break prep;
            }
            if (fasttype === 2) {
              offset = null;
              date += "Z";
            } else if ((c = date.charCodeAt(date.length - 1)) !== 90 && c !== 122) {
              offset = date.slice(date.length - 6);
            }
            if (unsafeDelim)
              date = date.slice(0, 10) + "T" + date.slice(11);
          } else if (fasttype === 4) {
            date = +date.slice(0, 2) > 23 ? "" : `0000-01-01T${date}Z`;
          }
          hasDate = fasttype !== 4;
          hasTime = fasttype !== 3;
        }
      else {
        let match = date.match(DATE_TIME_RE);
        if (match) {
          if (!match[1]) {
            hasDate = false;
            date = `0000-01-01T${date}`;
          }
          hasTime = !!match[2];
          hasTime && date[10] === " " && (date = date.replace(" ", "T"));
          if (match[2] && +match[2] > 23) {
            date = "";
          } else {
            offset = match[3] || null;
            if (!offset && hasTime)
              date += "Z";
          }
        } else {
          date = "";
        }
      }
    }
    super(date);
    if (!isNaN(this.getTime())) {
      this.#hasDate = hasDate;
      this.#hasTime = hasTime;
      this.#offset = offset;
    }
  }
  isDateTime() {
    return this.#hasDate && this.#hasTime;
  }
  isLocal() {
    return !this.#hasDate || !this.#hasTime || !this.#offset;
  }
  isDate() {
    return this.#hasDate && !this.#hasTime;
  }
  isTime() {
    return this.#hasTime && !this.#hasDate;
  }
  isValid() {
    return this.#hasDate || this.#hasTime;
  }
  toISOString() {
    let iso = super.toISOString();
    if (this.isDate())
      return iso.slice(0, 10);
    if (this.isTime())
      return iso.slice(11, 23);
    if (this.#offset === null)
      return iso.slice(0, -1);
    if (this.#offset === "Z" || this.#offset === "z")
      return iso;
    let offset = +this.#offset.slice(1, 3) * 60 + +this.#offset.slice(4, 6);
    offset = this.#offset[0] === "-" ? offset : -offset;
    let offsetDate = new Date(this.getTime() - offset * 6e4);
    return offsetDate.toISOString().slice(0, -1) + this.#offset;
  }
  static wrapAsOffsetDateTime(jsDate, offset = "Z") {
    let date = new _TomlDate(jsDate);
    date.#offset = offset;
    return date;
  }
  static wrapAsLocalDateTime(jsDate) {
    let date = new _TomlDate(jsDate);
    date.#offset = null;
    return date;
  }
  static wrapAsLocalDate(jsDate) {
    let date = new _TomlDate(jsDate);
    date.#hasTime = false;
    date.#offset = null;
    return date;
  }
  static wrapAsLocalTime(jsDate) {
    let date = new _TomlDate(jsDate);
    date.#hasDate = false;
    date.#offset = null;
    return date;
  }
};

// node_modules/smol-toml/dist/extract.js
function isDigit(char, base = 10) {
  return base === 16 ? char > 47 && char < 58 || char > 64 && char < 71 || char > 96 && char < 103 : char > 47 && char < 48 + base;
}
function isEndOfValue(char, delim) {
  return char === 32 || char === 9 || char === 10 || char === 13 || // Structure end or next value delimiter
  delim && (char === delim || char === 44) || // Comment
  char === 35;
}
function extractValue(ctx, end) {
  let errPtr = ctx.p;
  let c = ctx.s.charCodeAt(ctx.p);
  if (c === 91 || c === 123) {
    ctx.d-- || TomlError.x("document contains excessively nested structures. aborting.", ctx);
    let value2 = c === 91 ? parseArray(ctx) : parseInlineTable(ctx);
    ctx.d++;
    return value2;
  }
  if (c === 34 || c === 39) {
    return parseString(ctx);
  }
  if (c === 116) {
    if (ctx.s.charCodeAt(++ctx.p) !== 114 || ctx.s.charCodeAt(++ctx.p) !== 117 || ctx.s.charCodeAt(++ctx.p) !== 101)
      TomlError.x("invalid value", ctx, errPtr);
    return ctx.p++, true;
  }
  if (c === 102) {
    if (ctx.s.charCodeAt(++ctx.p) !== 97 || ctx.s.charCodeAt(++ctx.p) !== 108 || ctx.s.charCodeAt(++ctx.p) !== 115 || ctx.s.charCodeAt(++ctx.p) !== 101)
      TomlError.x("invalid value", ctx, errPtr);
    return ctx.p++, false;
  }
  if (c === 43 || c === 45) {
    return parseNumber(ctx, ctx.p, ctx.s.charCodeAt(++ctx.p), 44 - c, end);
  }
  if (ctx.s.charCodeAt(ctx.p + 4) === 45 && ctx.s.charCodeAt(ctx.p + 7) === 45) {
    return parseDate(ctx, c, end);
  }
  if (ctx.s.charCodeAt(ctx.p + 2) === 58) {
    return parseTime(ctx, c, end);
  }
  return parseNumber(ctx, ctx.p, c, 0, end);
}
function parseNumber(ctx, startPtr, startChr, sign, endChr) {
  let c = startChr;
  let state = 0;
  let hasUnderscores = false;
  if (c === 105) {
    if (ctx.s.charCodeAt(++ctx.p) !== 110 || ctx.s.charCodeAt(++ctx.p) !== 102)
      TomlError.x("invalid value", ctx, startPtr);
    return ctx.p++, (sign || 1) / 0;
  }
  if (c === 110) {
    if (ctx.s.charCodeAt(++ctx.p) !== 97 || ctx.s.charCodeAt(++ctx.p) !== 110)
      TomlError.x("invalid value", ctx, startPtr);
    return ctx.p++, NaN;
  }
  if (c === 48) {
    if (++ctx.p >= ctx.s.length || isEndOfValue(c = ctx.s.charCodeAt(ctx.p), endChr))
      return ctx.bi === true ? 0n : 0;
    if (!sign) {
      if (c === 120)
        return parseIntegerBaseN(ctx, startPtr, 16, endChr);
      else if (c === 98)
        return parseIntegerBaseN(ctx, startPtr, 2, endChr);
      else if (c === 111)
        return parseIntegerBaseN(ctx, startPtr, 8, endChr);
    }
    if (c === 46)
      state = 2;
    else if (c === 101 || c === 69)
      state = 4;
    else
      TomlError.x("illegal leading zero", ctx, startPtr);
  } else if (!isDigit(c))
    TomlError.x("invalid value", ctx, startPtr);
  while (++ctx.p < ctx.s.length && (c = ctx.s.charCodeAt(ctx.p), !isEndOfValue(c, endChr))) {
    if (!state)
      state = 1;
    if (c === 95) {
      if (!(state & 1))
        TomlError.x("illegal underscore", ctx);
      state += 11;
      hasUnderscores = true;
    } else if (state === 1 && c === 46)
      state = 2;
    else if ((state === 1 || state === 3) && (c === 101 || c === 69))
      state = 4;
    else if (state === 4 && (c === 43 || c === 45)) {
      state = 6;
    } else if (!isDigit(c))
      TomlError.x(`illegal character in numeric literal`, ctx);
    else if (state > 9)
      state -= 11;
    else if (!(state & 1))
      state++;
  }
  if (!state) {
    let val = (startChr - 48) * (sign || 1);
    return ctx.bi === true ? BigInt(val) : val;
  }
  if (!(state & 1))
    TomlError.x("unfinished numeric value", ctx, startPtr);
  let str = ctx.s.slice(startPtr, ctx.p);
  if (hasUnderscores)
    str = str.replaceAll("_", "");
  return state > 1 ? parseFloat(str) : parseInteger(ctx, str, 10, startPtr);
}
function parseIntegerBaseN(ctx, startPtr, base, endChr) {
  let c, underscore = 1;
  while (++ctx.p < ctx.s.length && (c = ctx.s.charCodeAt(ctx.p), !isEndOfValue(c, endChr))) {
    if (c === 95) {
      if (underscore & 1)
        TomlError.x("illegal underscore", ctx);
      underscore = 3;
    } else if (!isDigit(c, base))
      TomlError.x(`illegal character in numeric literal`, ctx);
    else if (underscore & 1)
      underscore--;
  }
  if (underscore & 1)
    TomlError.x("unfinished numeric value", ctx);
  let str = ctx.s.slice(startPtr + 2, ctx.p);
  if (underscore)
    str = str.replaceAll("_", "");
  return parseInteger(ctx, str, base, startPtr);
}
function parseInteger(ctx, str, base, startPtr) {
  if (ctx.bi !== true)
    int: {
      let val = parseInt(str, base);
      if (!Number.isSafeInteger(val)) {
        if (ctx.bi)
          break int;
        TomlError.x("integer value cannot be represented losslessly", ctx, startPtr);
      }
      return val;
    }
  return base === 10 ? BigInt(str) : BigInt((base === 2 ? "0b" : base === 8 ? "0o" : "0x") + str);
}
function parseDate(ctx, c, endChr) {
  let startPtr = ctx.p++, unsafeSeparator;
  if (!isDigit(c) || !isDigit(ctx.s.charCodeAt(ctx.p++)) || !isDigit(ctx.s.charCodeAt(ctx.p++)) || !isDigit(ctx.s.charCodeAt(ctx.p++))) {
    return parseNumber(ctx, ctx.p = startPtr, c, 0, endChr);
  }
  ctx.p += 5;
  if (!isDigit(ctx.s.charCodeAt(ctx.p++)))
    TomlError.x("invalid date-time: date part is malformed", ctx, startPtr);
  if (ctx.p >= ctx.s.length || ((c = ctx.s.charCodeAt(ctx.p)) !== 32 || (unsafeSeparator = true, !isDigit(ctx.s.charCodeAt(ctx.p + 1)))) && c !== 84 && c !== 116) {
    let t2 = ctx.s.slice(startPtr, ctx.p);
    return readDate(ctx, t2, 3, false, startPtr);
  }
  if (ctx.s.charCodeAt(ctx.p += 3) !== 58)
    TomlError.x("invalid date-time: time part is malformed", ctx, startPtr);
  if (ctx.s.charCodeAt(ctx.p += 3) === 58)
    ctx.p += 3;
  if (ctx.s.charCodeAt(ctx.p) === 46)
    while (isDigit(ctx.s.charCodeAt(++ctx.p)))
      ;
  if (c = ctx.s.charCodeAt(ctx.p)) {
    if (c === 90 || c === 122) {
      let t2 = ctx.s.slice(startPtr, ++ctx.p);
      return readDate(ctx, t2, 1, unsafeSeparator, startPtr, "[+00:00]");
    }
    if (c === 43 || c === 45) {
      let t2 = ctx.s.slice(startPtr, ctx.p += 6);
      return readDate(ctx, t2, 1, unsafeSeparator, startPtr, !ctx.ld && "[" + ctx.s.slice(ctx.p - 6, ctx.p) + "]");
    }
  }
  let t = ctx.s.slice(startPtr, ctx.p);
  return readDate(ctx, t, 2, unsafeSeparator, startPtr);
}
function parseTime(ctx, c, endChr) {
  let start = ctx.p;
  if (!isDigit(c) || !isDigit(ctx.s.charCodeAt(++ctx.p))) {
    return parseNumber(ctx, --ctx.p, c, 0, endChr);
  }
  if (ctx.s.charCodeAt(ctx.p += 4) === 58)
    ctx.p += 3;
  if (ctx.s.charCodeAt(ctx.p) === 46)
    while (isDigit(ctx.s.charCodeAt(++ctx.p)))
      ;
  let t = ctx.s.slice(start, ctx.p);
  return readDate(ctx, t, 4, false, start);
}
function readDate(ctx, str, type, unsafeDelim, errPtr, temporalSuffix) {
  if (ctx.ld) {
    let date = new TomlDate(str, type, unsafeDelim);
    if (!date.isValid())
      TomlError.x("invalid date", ctx, errPtr);
    return date;
  }
  try {
    if (temporalSuffix)
      str += temporalSuffix;
    switch (type) {
      case 1:
        return Temporal.ZonedDateTime.from(str);
      case 2:
        return Temporal.PlainDateTime.from(str);
      case 3:
        return Temporal.PlainDate.from(str);
      case 4:
        return Temporal.PlainTime.from(str);
    }
  } catch (e) {
    TomlError.x(e instanceof Error ? e.message : "" + e, ctx, errPtr);
  }
}

// node_modules/smol-toml/dist/util.js
function skipComment(ctx) {
  for (; ctx.p < ctx.s.length; ctx.p++) {
    let c = ctx.s.charCodeAt(ctx.p);
    if (c === 10)
      break;
    if (c === 13 && ctx.s.charCodeAt(ctx.p + 1) === 10) {
      ctx.p++;
      break;
    }
    if (c < 32 && c !== 9 || c === 127) {
      TomlError.x("control characters are not allowed in comments", ctx);
    }
  }
}
function skipVoid(ctx, banNewLines, banComments) {
  let c;
  while (ctx.p < ctx.s.length) {
    while (ctx.p < ctx.s.length && ((c = ctx.s.charCodeAt(ctx.p)) === 32 || c === 9 || !banNewLines && (c === 10 || c === 13 && ctx.s.charCodeAt(ctx.p + 1) === 10)))
      ctx.p++;
    if (banComments || c !== 35)
      break;
    skipComment(ctx);
  }
}

// node_modules/smol-toml/dist/struct.js
function parseKey(ctx, end = 61) {
  let startPtr;
  let state = 0;
  let parsed = [];
  let sliceStart;
  let c = ctx.s.charCodeAt(startPtr = ctx.p);
  do {
    if (c === end) {
      if (!state)
        TomlError.x("unexpected end of key", ctx);
      if (state === 1)
        parsed.push(ctx.s.slice(sliceStart, ctx.p));
      return ctx.p++, parsed;
    } else if (c === 46) {
      if (!state)
        TomlError.x("illegal empty bare key", ctx);
      if (state === 1)
        parsed.push(ctx.s.slice(sliceStart, ctx.p));
      state = 0;
    } else if (!state && (c === 34 || c === 39)) {
      if (c === ctx.s.charCodeAt(ctx.p + 1) && c === ctx.s.charCodeAt(ctx.p + 2))
        TomlError.x("illegal quoted key: multiline strings are not allowed", ctx);
      parsed.push(parseString(ctx));
      state = 2;
      ctx.p--;
    } else if (c === 32 || c === 9) {
      if (state === 1) {
        parsed.push(ctx.s.slice(sliceStart, ctx.p));
        state = 2;
      }
    } else if (state === 2 || c < 48 && c !== 45 || c > 57 && c < 65 || c > 90 && c < 97 && c !== 95 || c > 122) {
      TomlError.x("illegal character in key", ctx);
    } else if (!state) {
      state = 1;
      sliceStart = ctx.p;
    }
  } while (c = ctx.s.charCodeAt(++ctx.p));
  TomlError.x("incomplete key-value: cannot find end of key", ctx, startPtr);
}
function parseInlineTable(ctx) {
  let startPtr = ctx.p++;
  let res = /* @__PURE__ */ Object.create(null);
  let seen = /* @__PURE__ */ new Set();
  let c;
  while (ctx.p < ctx.s.length) {
    skipVoid(ctx);
    if ((c = ctx.s.charCodeAt(ctx.p)) === 125) {
      ctx.p++;
      return res;
    }
    let k;
    let t = res;
    let hasOwn = false;
    let errPtr = ctx.p;
    let key = parseKey(ctx);
    for (let i = 0; i < key.length; i++) {
      if (i)
        t = hasOwn ? t[k] : t[k] = /* @__PURE__ */ Object.create(null);
      k = key[i];
      if ((hasOwn = Object.hasOwn(t, k)) && (typeof t[k] !== "object" || seen.has(t[k]))) {
        TomlError.x("trying to redefine an already defined value", ctx, errPtr);
      }
      let unsafe = k === "__proto__";
      if (ctx.uk && (unsafe || k === "constructor")) {
        t = ctx.uk !== 1 && TomlError.x("document contains an unsafe property", ctx, errPtr);
        break;
      }
      if (!hasOwn && unsafe) {
        Object.defineProperty(t, k, { enumerable: true, configurable: true, writable: true });
      }
    }
    if (hasOwn) {
      TomlError.x("trying to redefine an already defined value", ctx, errPtr);
    }
    skipVoid(ctx, true, true);
    let value2 = extractValue(
      ctx,
      125
      /* } */
    );
    if (t && typeof (t[k] = value2) === "object")
      seen.add(value2);
    skipVoid(ctx);
    if ((c = ctx.s.charCodeAt(ctx.p++)) === 125) {
      return res;
    }
    if (c !== 44)
      TomlError.x("expected comma or end of structure", ctx, ctx.p - 1);
  }
  TomlError.x("unfinished table", ctx, startPtr);
}
function parseArray(ctx) {
  let startPtr = ctx.p++;
  let res = [];
  let c;
  while (ctx.p < ctx.s.length) {
    skipVoid(ctx);
    if ((c = ctx.s.charCodeAt(ctx.p)) === 93) {
      ctx.p++;
      return res;
    }
    res.push(extractValue(
      ctx,
      93
      /* ] */
    ));
    skipVoid(ctx);
    if ((c = ctx.s.charCodeAt(ctx.p++)) === 93) {
      return res;
    }
    if (c !== 44)
      TomlError.x("expected comma or end of structure", ctx, ctx.p - 1);
  }
  TomlError.x("unfinished array", ctx, startPtr);
}

// node_modules/smol-toml/dist/parse.js
function peekTable(ctx, key, table, meta, type) {
  let t = table;
  let m = meta;
  let k;
  let hasOwn = false;
  let state;
  for (let i = 0; i < key.length; i++) {
    if (i) {
      t = hasOwn ? t[k] : t[k] = /* @__PURE__ */ Object.create(null);
      m = (state = m[k]).c;
      if (type === 0 && (state.t === 1 || state.t === 2)) {
        return null;
      }
      if (state.t === 2) {
        let l = t.length - 1;
        t = t[l];
        m = m[l].c;
      }
    }
    k = key[i];
    if ((hasOwn = Object.hasOwn(t, k)) && m[k]?.t === 0 && m[k]?.d) {
      return null;
    }
    if (!hasOwn) {
      let unsafe = k === "__proto__";
      if (ctx.uk && (unsafe || k === "constructor"))
        return false;
      if (unsafe) {
        Object.defineProperty(t, k, { enumerable: true, configurable: true, writable: true });
        Object.defineProperty(m, k, { enumerable: true, configurable: true, writable: true });
      }
      m[k] = {
        t: i < key.length - 1 && type === 2 ? 3 : type,
        d: false,
        i: 0,
        c: /* @__PURE__ */ Object.create(null)
      };
    }
  }
  state = m[k];
  if (state.t !== type && !(type === 1 && state.t === 3)) {
    return null;
  }
  if (type === 2) {
    if (!state.d) {
      state.d = true;
      t[k] = [];
    }
    t[k].push(t = /* @__PURE__ */ Object.create(null));
    state.c[state.i++] = state = { t: 1, d: false, i: 0, c: /* @__PURE__ */ Object.create(null) };
  }
  if (state.d) {
    return null;
  }
  state.d = true;
  if (type === 1) {
    t = hasOwn ? t[k] : t[k] = /* @__PURE__ */ Object.create(null);
  } else if (type === 0 && hasOwn) {
    return null;
  }
  return [k, t, state.c];
}
function validateTablePeek(ctx, peek, ptr) {
  if (peek === null || ctx.uk === 2)
    TomlError.x(peek === null ? "trying to redefine an already defined table or value" : "document contains an unsafe property", ctx, ptr);
}
function parse(toml, options = {}) {
  let ctx = {
    s: toml,
    p: 0,
    d: options.maxDepth ?? 1e3,
    bi: options.integersAsBigInt ?? false,
    ld: options.useLegacyDate ?? true,
    uk: options.unsafeKeyBehaviour === "throw" ? 2 : options.unsafeKeyBehaviour === "drop" ? 1 : 0
  };
  let res = /* @__PURE__ */ Object.create(null);
  let meta = /* @__PURE__ */ Object.create(null);
  let tmp;
  let skipping = false;
  let tbl = res;
  let m = meta;
  if (toml.charCodeAt(0) === 65279)
    ctx.p++;
  skipVoid(ctx);
  while (ctx.p < toml.length) {
    if (toml.charCodeAt(ctx.p) === 91) {
      let isTableArray = toml.charCodeAt(++ctx.p) === 91;
      tmp = ctx.p += +isTableArray;
      skipping = false;
      let k = parseKey(
        ctx,
        93
        /* ] */
      );
      if (isTableArray) {
        if (toml.charCodeAt(ctx.p) !== 93) {
          TomlError.x("expected end of table array declaration", ctx);
        }
        ctx.p++;
      }
      let p = peekTable(
        ctx,
        k,
        res,
        meta,
        isTableArray ? 2 : 1
        /* Type.EXPLICIT */
      );
      if (!p) {
        validateTablePeek(ctx, p, tmp);
        skipping = true;
      } else {
        m = p[2];
        tbl = p[1];
      }
    } else {
      tmp = ctx.p;
      let k = parseKey(ctx);
      let p = peekTable(
        ctx,
        k,
        tbl,
        m,
        0
        /* Type.DOTTED */
      );
      if (!p && !skipping)
        validateTablePeek(ctx, p, tmp);
      skipVoid(ctx, true, true);
      let v = extractValue(ctx, void 0);
      if (p && !skipping)
        p[1][p[0]] = v;
    }
    skipVoid(ctx, true);
    if (ctx.p < toml.length && (tmp = toml.charCodeAt(ctx.p)) !== 10 && (tmp !== 13 || toml.charCodeAt(ctx.p + 1) !== 10)) {
      TomlError.x("each key-value declaration must be followed by an end-of-line", ctx);
    }
    skipVoid(ctx);
  }
  return res;
}

// node_modules/smol-toml/dist/stringify.js
var HAS_WELLFORMED = !!"".isWellFormed;

// src/kedro/project.ts
function projectKedro(dir) {
  const pyproject = readToml(join2(dir, "pyproject.toml"));
  const initVersion = stringAt(pyproject, ["tool", "kedro", "kedro_init_version"]);
  const requirement2 = fromLocks(dir) ?? fromRequirements(dir) ?? fromPyproject(pyproject);
  if (!requirement2) {
    return {
      version: NEWEST,
      known: false,
      reason: `no Kedro requirement found in a lock file, requirements*.txt or pyproject.toml: checked against the newest Kedro, ${formatVersion(NEWEST)}`,
      initVersion
    };
  }
  const allowed = KNOWN_VERSIONS.filter((version) => satisfies(version, requirement2.spec));
  const newest = allowed[allowed.length - 1];
  if (!newest) {
    return {
      version: NEWEST,
      known: false,
      reason: `${requirement2.file} asks for kedro${requirement2.spec}, which no Kedro this action knows satisfies: checked against the newest, ${formatVersion(NEWEST)}`,
      initVersion
    };
  }
  const why = requirement2.exact ? "" : allowed.length > 1 ? ", the newest it allows" : "";
  return {
    version: newest,
    known: true,
    reason: `${requirement2.file} ${requirement2.exact ? "pins" : "asks for"} kedro${requirement2.spec}: Kedro ${formatVersion(newest)}${why}`,
    initVersion
  };
}
function readToml(file) {
  if (!existsSync(file)) return void 0;
  try {
    return parse(readFileSync(file, "utf8"));
  } catch {
    return void 0;
  }
}
function stringAt(value2, path8) {
  let node = value2;
  for (const key of path8) {
    if (typeof node !== "object" || node === null) return void 0;
    node = node[key];
  }
  return typeof node === "string" ? node : void 0;
}
var REQUIREMENT = /^kedro(?:\[[^\]]*\])?\s*((?:[<>=!~]=?|===)\s*[^;#\s][^;#]*)?\s*(?:;.*)?(?:#.*)?$/i;
function fromLocks(dir) {
  for (const file of ["uv.lock", "poetry.lock", "pdm.lock"]) {
    const lock = readToml(join2(dir, file));
    const kedro = lock?.package?.find((entry) => entry.name?.toLowerCase() === "kedro");
    if (kedro?.version) return { file, spec: `==${kedro.version}`, exact: true };
  }
  return void 0;
}
function fromRequirements(dir) {
  if (!existsSync(dir)) return void 0;
  const files = [
    ...readdirSync(dir).filter((name) => /^requirements.*\.(txt|lock|in)$/.test(name)).sort(),
    ...existsSync(join2(dir, "src", "requirements.txt")) ? ["src/requirements.txt"] : []
  ];
  for (const file of files) {
    for (const line of readFileSync(join2(dir, file), "utf8").split(/\r?\n/)) {
      const match = REQUIREMENT.exec(line.trim());
      if (match) return requirement(file, match[1] ?? "");
    }
  }
  return void 0;
}
function fromPyproject(pyproject) {
  const dependencies = pyproject?.project?.dependencies;
  if (!Array.isArray(dependencies)) return void 0;
  for (const dependency of dependencies) {
    const match = typeof dependency === "string" ? REQUIREMENT.exec(dependency.trim()) : null;
    if (match) return requirement("pyproject.toml", match[1] ?? "");
  }
  return void 0;
}
function requirement(file, raw) {
  const spec = raw.replace(/\s+/g, "");
  if (spec === "") return void 0;
  return { file, spec, exact: /^===?[^,*]+$/.test(spec) };
}
function satisfies(version, spec) {
  const clauses = spec.split(",").filter(Boolean);
  for (let patch = 0; patch <= 30; patch++) {
    const candidate = [version[0], version[1], patch];
    if (clauses.every((clause) => clauseHolds(candidate, clause))) return true;
  }
  return false;
}
function clauseHolds(candidate, clause) {
  const match = /^(===|==|!=|~=|>=|<=|>|<)(.+)$/.exec(clause);
  if (!match) return false;
  const [, operator, raw] = match;
  const wildcard = raw.endsWith(".*");
  const target = raw.replace(/\.\*$/, "").split(".").map((part) => Number.parseInt(part, 10) || 0);
  const cmp = compareParts(candidate, target);
  const prefixEqual = target.every((part, i) => candidate[i] === part);
  switch (operator) {
    case "==":
    case "===":
      return wildcard ? prefixEqual : cmp === 0;
    case "!=":
      return wildcard ? !prefixEqual : cmp !== 0;
    case ">=":
      return cmp >= 0;
    case "<=":
      return cmp <= 0;
    case ">":
      return cmp > 0;
    case "<":
      return cmp < 0;
    default: {
      const prefix = target.slice(0, -1);
      return cmp >= 0 && prefix.every((part, i) => candidate[i] === part);
    }
  }
}
function compareParts(a, b) {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
function initVersionProblem(kedro) {
  if (!kedro.known || !kedro.initVersion) return void 0;
  const [major, minor] = kedro.initVersion.split(".").map((part) => Number.parseInt(part, 10));
  const [kMajor, kMinor] = kedro.version;
  const strict = compareVersions(kedro.version, [1, 2]) < 0;
  if (major === kMajor && (!strict || minor === kMinor)) return void 0;
  return `pyproject.toml's kedro_init_version ${kedro.initVersion} does not match Kedro ${formatVersion(kedro.version)} (${kedro.reason}): Kedro ${formatVersion(kedro.version)} refuses to start such a project. Migrate the project to Kedro ${kMajor}.x and set kedro_init_version = "${kMajor}.${kMinor}.0", or pin the Kedro it was made with`;
}

// src/kedro/run.ts
function checkKedroRun(text, projectDir) {
  const problems = [];
  let args = [];
  try {
    args = splitWords(text);
  } catch (error) {
    problems.push(`kedro-run-args: ${errorMessage(error)}`);
  }
  const kedro = projectKedro(projectDir);
  const checked = checkRunArgs(args, kedro.version);
  const against = `(checked against Kedro ${formatVersion(kedro.version)}: ${kedro.reason})`;
  problems.push(...checked.problems.map((problem) => `kedro-run-args: ${problem} ${against}`));
  const mismatch = initVersionProblem(kedro);
  if (mismatch) problems.push(`working-directory: ${mismatch}`);
  return {
    args,
    kedro,
    problems,
    warnings: checked.warnings.map((warning) => `kedro-run-args: ${warning}`)
  };
}

// src/dataproc/names.ts
var IMAGE_TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
var BATCH_ID_PATTERN = /^[a-z0-9][a-z0-9-]{2,61}[a-z0-9]$/;
var LABEL_KEY_PATTERN = /^[a-z][a-z0-9_-]{0,62}$/;
var LABEL_VALUE_PATTERN = /^[a-z0-9_-]{0,63}$/;
var RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
var RELEASE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

// src/inputs/batch.ts
var RESERVED_LABELS = [
  "managed-by",
  "env",
  "branch",
  "run-id",
  "commit",
  "release",
  "request-id"
];
var RESERVED_PROPERTY_PREFIXES = [
  "spark.dataproc.driverEnv.KEDRO_DATAPROC_",
  "spark.executorEnv.KEDRO_DATAPROC_"
];
var SPARK_PROPERTY_KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_.:-]*$/;
var NETWORK_TAG_PATTERN = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
var SUBNETWORK_PATTERN = /^([a-z]([-a-z0-9]{0,61}[a-z0-9])?|(https:\/\/www\.googleapis\.com\/compute\/v1\/)?projects\/[^/\s]+\/regions\/[^/\s]+\/subnetworks\/[^/\s]+)$/;
var KMS_KEY_PATTERN = /^projects\/[^/\s]+\/locations\/[^/\s]+\/keyRings\/[^/\s]+\/cryptoKeys\/[^/\s]+$/;
var METASTORE_PATTERN = /^projects\/[^/\s]+\/locations\/[^/\s]+\/services\/[^/\s]+$/;
var HISTORY_CLUSTER_PATTERN = /^projects\/[^/\s]+\/regions\/[^/\s]+\/clusters\/[^/\s]+$/;
var TTL_MIN_SECONDS = 10 * 60;
var TTL_MAX_SECONDS = 14 * 24 * 60 * 60;
function sparkProperties(r) {
  const properties = {};
  const { pairs, bad } = parsePairs(r.text("spark-properties"));
  for (const line of bad)
    r.problem(
      "spark-properties",
      `'${line}' is not key=value; write one property a line, e.g. spark.executor.instances=10`
    );
  for (const [key, value2] of pairs) {
    if (!SPARK_PROPERTY_KEY_PATTERN.test(key))
      r.problem(
        "spark-properties",
        `'${key}' is not a property name; use e.g. spark.executor.memory`
      );
    else if (key in properties)
      r.problem("spark-properties", `'${key}' is set twice; keep one line`);
    else if (RESERVED_PROPERTY_PREFIXES.some((prefix) => key.startsWith(prefix)))
      r.problem("spark-properties", `'${key}' is set by the action; remove it`);
    properties[key] = value2;
  }
  r.problems.push(...propertyProblems(properties));
  return properties;
}
function labels(r) {
  const result = {};
  const { pairs, bad } = parsePairs(r.text("labels"));
  for (const line of bad)
    r.problem("labels", `'${line}' is not key=value; write one label a line, e.g. team=data`);
  for (const [key, value2] of pairs) {
    if (!LABEL_KEY_PATTERN.test(key))
      r.problem(
        "labels",
        `key '${key}' must start with a lowercase letter and use only a-z 0-9 _ - (at most 63)`
      );
    else if (!LABEL_VALUE_PATTERN.test(value2))
      r.problem("labels", `value '${value2}' of '${key}' must use only a-z 0-9 _ - (at most 63)`);
    else if (labelKeyProblem(key)) r.problems.push(labelKeyProblem(key));
    else if (RESERVED_LABELS.includes(key))
      r.problem("labels", `'${key}' is set by the action; choose another key`);
    else if (key in result) r.problem("labels", `'${key}' is set twice; keep one line`);
    result[key] = value2;
  }
  const room = MAX_LABELS - RESERVED_LABELS.length - SERVICE_LABELS.length;
  const count = Object.keys(result).length;
  if (count > room)
    r.problem(
      "labels",
      `${count} labels given; a batch carries at most ${MAX_LABELS}, the action sets ${RESERVED_LABELS.length} and Dataproc adds ${SERVICE_LABELS.length}, so keep at most ${room}`
    );
  return result;
}
function readBatchSettings(r) {
  const subnetwork = r.optional("subnetwork");
  r.check(
    "subnetwork",
    subnetwork,
    SUBNETWORK_PATTERN,
    "is not a subnetwork; use its name or projects/P/regions/R/subnetworks/NAME"
  );
  const networkTags = parseList(r.text("network-tags"));
  for (const tag of networkTags)
    r.check(
      "network-tags",
      tag,
      NETWORK_TAG_PATTERN,
      "is not a network tag; use lowercase letters, digits and - (at most 63)"
    );
  const kmsKey = r.optional("kms-key");
  r.check(
    "kms-key",
    kmsKey,
    KMS_KEY_PATTERN,
    "is not a key name; use projects/P/locations/L/keyRings/R/cryptoKeys/K"
  );
  const ttlSeconds = r.duration("ttl", "use e.g. 45m, 4h or 1d");
  if (ttlSeconds !== void 0 && (ttlSeconds < TTL_MIN_SECONDS || ttlSeconds > TTL_MAX_SECONDS))
    r.problem("ttl", `'${r.text("ttl")}' is outside what Dataproc allows; use between 10m and 14d`);
  const metastoreService = r.optional("metastore-service");
  r.check(
    "metastore-service",
    metastoreService,
    METASTORE_PATTERN,
    "is not a metastore service; use projects/P/locations/L/services/NAME"
  );
  const historyServerCluster = r.optional("history-server-cluster");
  r.check(
    "history-server-cluster",
    historyServerCluster,
    HISTORY_CLUSTER_PATTERN,
    "is not a cluster; use projects/P/regions/R/clusters/NAME"
  );
  return {
    sparkProperties: sparkProperties(r),
    labels: labels(r),
    subnetwork,
    networkTags,
    kmsKey,
    ttlSeconds,
    metastoreService,
    historyServerCluster
  };
}

// src/inputs/behaviour.ts
import { existsSync as existsSync2, statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
function readWorkingDirectory(r, workspace) {
  const given = r.text("working-directory");
  const directory = isAbsolute(given) ? given : resolve(workspace, given);
  if (!existsSync2(directory) || !statSync(directory).isDirectory())
    r.problem(
      "working-directory",
      `'${given}' is not a directory; check out the repository first (actions/checkout) or fix the path`
    );
  return directory;
}
function endpoint(r, name, variable) {
  const given = r.text(name);
  const value2 = given || r.env[variable] || "";
  if (!value2) return void 0;
  const parsed = parseEndpoint(value2, !given);
  if (parsed && given && !/^[a-z]+:\/\//.test(given) && !parsed.host.endsWith(".googleapis.com"))
    r.problem(
      name,
      `'${given}' has no scheme; write http://${given} for a local emulator (plaintext, no credentials) or https://${given}`
    );
  else if (!parsed)
    r.problem(
      name,
      `'${value2}' is not an endpoint; use https://HOST[:PORT], or http://HOST:PORT for a local emulator`
    );
  return parsed;
}
function readEndpoints(r) {
  return {
    dataproc: endpoint(r, "dataproc-endpoint", "DATAPROC_EMULATOR_HOST"),
    storage: endpoint(r, "storage-endpoint", "STORAGE_EMULATOR_HOST"),
    logging: endpoint(r, "logging-endpoint", "LOGGING_EMULATOR_HOST")
  };
}
function readBehaviour(r, env, workingDirectory) {
  const endpoints = readEndpoints(r);
  const dryRun = r.bool("dry-run");
  const wait = r.bool("wait");
  const cancelOnAbort = r.bool("cancel-on-abort");
  const onMissingCredentials = r.choice("on-missing-credentials", ["fail", "skip"]);
  const prepare = r.bool("prepare");
  const submit2 = r.bool("submit");
  const force = r.bool("force");
  if (env === "dev") {
    if (!prepare)
      r.problem(
        "prepare",
        "only prod runs can skip preparing; a dev run always uploads its code. Remove prepare, or set env: prod"
      );
    if (!submit2)
      r.problem(
        "submit",
        "only prod runs can prepare without submitting; remove submit, or set env: prod"
      );
    if (force) r.problem("force", "only replaces prod releases; remove force, or set env: prod");
  } else if (!prepare && !submit2) {
    r.problem(
      "submit",
      "with prepare: false there is nothing left to do; set prepare or submit to true"
    );
  }
  const report = {
    // The runner resolves the default `${{ github.token }}`; elsewhere there is none.
    githubToken: r.values["github-token"],
    prComment: r.choice("pr-comment", ["auto", "always", "never"]),
    uploadArtifacts: r.bool("upload-artifacts")
  };
  return {
    workingDirectory,
    endpoints,
    dryRun,
    wait,
    timeoutSeconds: r.duration("timeout", "use e.g. 45m or 2h"),
    cancelOnAbort,
    onMissingCredentials,
    prepare,
    submit: submit2,
    force,
    allowForkCode: r.bool("allow-fork-code"),
    preflight: r.bool("preflight"),
    report
  };
}

// src/inputs/build.ts
import { existsSync as existsSync3 } from "node:fs";
import { resolve as resolve2 } from "node:path";
var PROJECT_ENTRYPOINT = "deployment/dataproc/entrypoint.py";
var REPOSITORY_PATTERN = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
var IMAGE_NAME_PATTERN = /^[a-z0-9]+([._-]+[a-z0-9]+)*(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*$/;
var IMAGE_REF_PATTERN = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
var MAIN_FILE_PATTERN = /^(gs:\/\/[^/\s]+\/\S+|file:\/\/\/\S+)\.py$/;
var TARGET_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
var BUILD_ARG_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
var BUILD_SECRET_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
var BUILD_NETWORKS = ["host", "none"];
function inProject(r, directory, name, value2, mustExist = true) {
  const path8 = resolve2(directory, value2);
  if (mustExist && !existsSync3(path8))
    r.problem(name, `'${value2}' does not exist under working-directory; fix the path`);
  return path8;
}
function readBuild(r, env, directory, building, prepare = true) {
  const { image: image2, artifactRepository: artifactRepository2, imageName, imageTag: imageTag2 } = readImageName(
    r,
    env === "dev" || prepare
  );
  const dockerfile = inProject(r, directory, "dockerfile", r.text("dockerfile"), building);
  const context = inProject(r, directory, "build-context", r.text("build-context"), building);
  const target = r.text("target") || env;
  r.check(
    "target",
    target,
    TARGET_PATTERN,
    "is not a stage name; use the name after AS in the Dockerfile"
  );
  const buildInputsGiven = ["dockerfile", "build-context", "build-args", "target"].some(
    (name) => r.given(name)
  );
  if (image2 && buildInputsGiven)
    r.problem(
      "image",
      "a prebuilt image is not built; remove dockerfile, build-context, build-args and target, or remove image"
    );
  const build = {
    dockerfile,
    context,
    target,
    buildArgs: readBuildArgs(r),
    secrets: readBuildSecrets(r, image2),
    network: readBuildNetwork(r)
  };
  return { image: image2, artifactRepository: artifactRepository2, imageName, imageTag: imageTag2, build, ...readMainFile(r, directory) };
}
function readImageName(r, namesImage) {
  const image2 = r.optional("image");
  r.check(
    "image",
    image2,
    IMAGE_REF_PATTERN,
    "is not an image reference; use HOST/PATH/NAME:TAG or HOST/PATH/NAME@sha256:DIGEST"
  );
  if (image2 && IMAGE_REF_PATTERN.test(image2)) {
    const rule = registryProblem("image", image2.split("/")[0]);
    if (rule) r.problems.push(rule);
  }
  const artifactRepository2 = r.optional("artifact-repository");
  if (!image2 && !artifactRepository2 && namesImage)
    r.problem(
      "artifact-repository",
      "required to name the image; set it to your Artifact Registry repository, or give a prebuilt image in image"
    );
  r.check(
    "artifact-repository",
    artifactRepository2,
    REPOSITORY_PATTERN,
    "is not a repository id; use lowercase letters, digits and -"
  );
  const imageName = r.text("image-name");
  r.check(
    "image-name",
    imageName,
    IMAGE_NAME_PATTERN,
    "is not an image name; use lowercase letters, digits, separators . _ - and /"
  );
  const imageTag2 = r.optional("image-tag");
  r.check(
    "image-tag",
    imageTag2,
    IMAGE_TAG_PATTERN,
    "is not a valid tag; use up to 128 letters, digits, _ . - not starting with . or -"
  );
  if (image2 && imageTag2)
    r.problem(
      "image-tag",
      "has no effect with a prebuilt image; remove image-tag, or tag inside image"
    );
  return { image: image2, artifactRepository: artifactRepository2, imageName, imageTag: imageTag2 };
}
function readBuildArgs(r) {
  const buildArgs = {};
  const pairs = parsePairs(r.text("build-args"));
  for (const line of pairs.bad)
    r.problem("build-args", `'${line}' is not NAME=value; write one build argument a line`);
  for (const [key, value2] of pairs.pairs) {
    if (!BUILD_ARG_PATTERN.test(key))
      r.problem("build-args", `'${key}' is not a build argument name; use letters, digits and _`);
    buildArgs[key] = value2;
  }
  return buildArgs;
}
function readMainFile(r, directory) {
  const entrypointInput = r.optional("entrypoint");
  let entrypoint;
  if (entrypointInput) {
    entrypoint = inProject(r, directory, "entrypoint", entrypointInput);
    if (!entrypointInput.endsWith(".py"))
      r.problem(
        "entrypoint",
        `'${entrypointInput}' is not a Python file; give the path of a .py file`
      );
  } else if (existsSync3(resolve2(directory, PROJECT_ENTRYPOINT))) {
    entrypoint = resolve2(directory, PROJECT_ENTRYPOINT);
  }
  const mainPythonFile = r.optional("main-python-file");
  r.check(
    "main-python-file",
    mainPythonFile,
    MAIN_FILE_PATTERN,
    "is not a main file URI; use gs://BUCKET/path.py or file:///path/in/image.py (three slashes)"
  );
  return { entrypoint, mainPythonFile };
}
function readBuildSecrets(r, image2) {
  const secrets = {};
  const pairs = parsePairs(r.text("build-secrets"));
  if (pairs.bad.length > 0)
    r.problem(
      "build-secrets",
      `${pairs.bad.length} line(s) are not id=value; write one secret a line`
    );
  for (const [id, value2] of pairs.pairs) {
    if (!BUILD_SECRET_PATTERN.test(id))
      r.problem("build-secrets", `'${id}' is not a secret id; use letters, digits, _ . and -`);
    secrets[id] = value2;
  }
  if (image2 && pairs.pairs.length > 0)
    r.problem(
      "build-secrets",
      "a prebuilt image is not built; remove build-secrets, or remove image"
    );
  return secrets;
}
function readBuildNetwork(r) {
  const value2 = r.optional("build-network");
  if (value2 === void 0) return void 0;
  const network = BUILD_NETWORKS.find((name) => name === value2);
  if (!network)
    r.problem(
      "build-network",
      `'${value2}' is not a build network; use host, none, or leave it empty for Docker's default`
    );
  return network;
}

// src/inputs/config.ts
var buildsImage = (config) => !config.image && !config.dryRun && config.prepare;

// src/inputs/cleanup.ts
function readCleanup(r) {
  const given = r.text("keep-runs");
  if (given && !/^[1-9]\d*$/.test(given))
    r.problem("keep-runs", `'${given}' is not a number of runs; use a whole number of 1 or more`);
  return {
    cleanup: r.bool("cleanup"),
    deleteOutputs: r.bool("delete-outputs"),
    deleteBatches: r.bool("delete-batches"),
    keepRuns: given && /^[1-9]\d*$/.test(given) ? Number(given) : void 0
  };
}

// src/inputs/pricing.ts
function positive(r, name, example) {
  const given = r.text(name);
  if (!given) return void 0;
  const value2 = Number(given);
  if (!/^\d+(\.\d+)?$/.test(given) || !(value2 > 0)) {
    r.problem(name, `'${given}' is not a positive number; use e.g. ${example}`);
    return void 0;
  }
  return value2;
}
function readPricing(r) {
  return {
    dcuHour: positive(r, "dcu-price", "0.054"),
    shuffleGbMonth: positive(r, "shuffle-price", "0.04"),
    maxDcuHours: positive(r, "max-dcu-hours", "2.5")
  };
}

// src/inputs/warnings.ts
function warningsOf(config, runtimeWarning) {
  const warnings = [];
  const { image: image2, runtimeVersion, serviceAccount, workloadAuthentication } = config;
  if (image2 && !image2.includes("@sha256:"))
    warnings.push(
      `image: '${image2}' is a tag, which can move while batches use it; pin it by digest (NAME@sha256:\u2026)`
    );
  if (runtimeWarning) warnings.push(runtimeWarning);
  if (majorOf(runtimeVersion) >= 3 && !serviceAccount && workloadAuthentication !== "end-user")
    warnings.push(
      `service-account: not set, so on runtime ${runtimeVersion} the batch runs with the credentials of whoever submits it (this workflow's identity); set service-account, or workload-authentication: end-user to say this is intended`
    );
  const ttlRule = timeoutWarning(
    config.timeoutSeconds,
    effectiveTtl(runtimeVersion, config.ttlSeconds)
  );
  if (ttlRule) warnings.push(ttlRule);
  if (!config.wait && config.timeoutSeconds !== void 0)
    warnings.push("timeout: has no effect with wait: false; the step does not follow the batch");
  if (!config.cancelOnAbort)
    warnings.push("cancel-on-abort: false lets a batch run on after its workflow run is cancelled");
  if (config.allowForkCode)
    warnings.push(
      "allow-fork-code: true runs code from forks with this workflow's credentials on pull_request_target, workflow_run and issue_comment"
    );
  for (const file of config.allowSecretFiles)
    warnings.push(
      `allow-secret-files: ${file} ships even if it holds a private key, a login or local secrets`
    );
  if (config.force)
    warnings.push(
      `force: true replaces release ${config.release} if it was prepared from other content`
    );
  return warnings;
}

// src/inputs/where.ts
var PROJECT_PATTERN = /^([a-z][a-z0-9.-]*:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
var REGION_PATTERN = /^[a-z]+-[a-z]+[0-9]+$/;
var ZONE_PATTERN = /^([a-z]+-[a-z]+[0-9]+)-[a-z]$/;
var SERVICE_ACCOUNT_PATTERN = /^[a-z0-9][a-z0-9.-]*@[a-z0-9][a-z0-9.-]*\.gserviceaccount\.com$/;
var RUNTIME_PATTERN = /^[0-9]+\.[0-9]+(\.[0-9]+)?$/;
var REGISTRY_HOST_PATTERN = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$/;
function readRun(r, tag) {
  const envValue = r.text("env");
  if (envValue !== "dev" && envValue !== "prod")
    r.problem("env", `'${envValue}' is not an environment; use dev or prod`);
  const env = envValue === "prod" ? "prod" : "dev";
  let release = r.optional("release");
  if (env === "dev" && release)
    r.problem("release", "only prod runs take a release; remove it, or set env: prod");
  if (env === "prod" && !release) release = tag;
  if (env === "prod" && !release)
    r.problem(
      "release",
      "a prod run needs the release it runs; set release: v1.2.3 (or run on a tag push)"
    );
  r.check(
    "release",
    release,
    RELEASE_PATTERN,
    "is not a valid release; use letters, digits, . _ - (e.g. v1.2.3)"
  );
  const runId = r.optional("run-id");
  r.check(
    "run-id",
    runId,
    RUN_ID_PATTERN,
    "is not a valid run id; use up to 100 letters, digits, . _ - starting with a letter or digit"
  );
  return { env, release, runId };
}
function readProject(r) {
  const projectId = r.required("project-id", "set project-id to your Google Cloud project id");
  if (projectId)
    r.check(
      "project-id",
      projectId,
      PROJECT_PATTERN,
      "is not a project id; use the id (e.g. my-project-123), not the name or number"
    );
  const region = r.required("region", "set region, e.g. europe-west1");
  const zone = ZONE_PATTERN.exec(region);
  if (zone)
    r.problem(
      "region",
      `'${region}' is a zone; Dataproc Serverless runs in a region, e.g. '${zone[1]}'`
    );
  else if (region === "global")
    r.problem(
      "region",
      "Dataproc Serverless has no 'global' region; use a region such as europe-west1"
    );
  else if (region)
    r.check("region", region, REGION_PATTERN, "is not a region; use e.g. europe-west1");
  return { projectId, region };
}
function readBuckets(r) {
  const runSubmitBucket = r.bucket(
    "run-submit-bucket",
    r.required("run-submit-bucket", "name the bucket that receives the code and entrypoint")
  ) ?? "";
  const runOutputBucket = r.bucket(
    "run-output-bucket",
    r.required("run-output-bucket", "name the bucket that receives run outputs")
  ) ?? "";
  const stagingBucket = r.bucket("staging-bucket", r.optional("staging-bucket"));
  return { runSubmitBucket, runOutputBucket, stagingBucket };
}
function readRuntime(r, stagingBucket, now) {
  const runtimeVersion = r.text("runtime-version") || DEFAULT_RUNTIME;
  r.check(
    "runtime-version",
    runtimeVersion,
    RUNTIME_PATTERN,
    `is not a Dataproc Serverless runtime version; use e.g. '${DEFAULT_RUNTIME}'`
  );
  const runtime = RUNTIME_PATTERN.test(runtimeVersion) ? checkRuntime(runtimeVersion, now) : {};
  if (runtime.problem) r.problems.push(runtime.problem);
  r.problems.push(
    ...runtime3Problems(runtimeVersion, {
      stagingBucket,
      historyServerCluster: r.optional("history-server-cluster")
    })
  );
  return { runtimeVersion, runtimeWarning: runtime.warning };
}
function readWorkload(r, serviceAccount) {
  const workload = r.optional("workload-authentication");
  if (workload !== void 0 && workload !== "service-account" && workload !== "end-user")
    r.problem(
      "workload-authentication",
      `'${workload}' is not a choice; use service-account or end-user`
    );
  if (workload === "service-account" && !serviceAccount)
    r.problem(
      "workload-authentication",
      "service-account needs the service-account input; set it, or remove workload-authentication"
    );
  return workload === "end-user" ? "end-user" : serviceAccount ? "service-account" : void 0;
}
function readRegistry(r, region) {
  const artifactRegistry = r.text("artifact-registry") || `${region}-docker.pkg.dev`;
  const checked = r.text("artifact-registry") || region ? artifactRegistry : void 0;
  r.check(
    "artifact-registry",
    checked,
    REGISTRY_HOST_PATTERN,
    "is not a registry host; use e.g. europe-west1-docker.pkg.dev (no https://, no path)"
  );
  if (!r.optional("image") && REGISTRY_HOST_PATTERN.test(artifactRegistry)) {
    const rule = registryProblem("artifact-registry", artifactRegistry);
    if (rule) r.problems.push(rule);
  }
  return artifactRegistry;
}
function readWhere(r, tag, now) {
  const run2 = readRun(r, tag);
  const project = readProject(r);
  const buckets = readBuckets(r);
  const serviceAccount = r.optional("service-account");
  r.check(
    "service-account",
    serviceAccount,
    SERVICE_ACCOUNT_PATTERN,
    "is not a service account email; use NAME@PROJECT.iam.gserviceaccount.com"
  );
  const runtime = readRuntime(r, buckets.stagingBucket, now);
  return {
    ...run2,
    ...project,
    ...buckets,
    serviceAccount,
    workloadAuthentication: readWorkload(r, serviceAccount),
    ...runtime,
    artifactRegistry: readRegistry(r, project.region)
  };
}

// src/inputs/parse.ts
function parseInputs(values, facts) {
  const r = new InputReader(values, facts.env ?? process.env);
  const where = readWhere(r, facts.tag, facts.now ?? /* @__PURE__ */ new Date());
  const workingDirectory = readWorkingDirectory(r, facts.workspace);
  const behaviour2 = readBehaviour(r, where.env, workingDirectory);
  const cleanup = readCleanup(r);
  const building = !cleanup.cleanup && buildsImage({ image: r.optional("image"), dryRun: false, prepare: behaviour2.prepare });
  const build = readBuild(r, where.env, workingDirectory, building, behaviour2.prepare);
  const batch = readBatchSettings(r);
  const pricing = readPricing(r);
  const kedroRun = checkKedroRun(r.text("kedro-run-args"), workingDirectory);
  r.problems.push(...kedroRun.problems);
  const allowSecretFiles = parseList(r.text("allow-secret-files")).map(
    (name) => inProject(r, workingDirectory, "allow-secret-files", name)
  );
  if (r.problems.length > 0) throw new InputError(r.problems);
  const { runtimeWarning, ...place } = where;
  const config = {
    values,
    ...place,
    ...behaviour2,
    ...build,
    ...batch,
    kedroRunArgs: kedroRun.args,
    kedro: kedroRun.kedro,
    allowSecretFiles,
    pricing,
    cleanup
  };
  return { ...config, warnings: [...kedroRun.warnings, ...warningsOf(config, runtimeWarning)] };
}

// src/kedro/preflight.ts
import { posix } from "node:path";

// src/kedro/inspect.ts
import { execFile } from "node:child_process";

// src/kedro/inspect-script.ts
var INSPECT_SCRIPT = String.raw`
import json, sys
from pathlib import Path

request = json.loads(sys.argv[1])
facts = {"kedro": None, "configError": None, "pipelineError": None}

def emit():
    sys.stdout.write("\n@@kedro-dataproc@@" + json.dumps(facts) + "\n")

def failure(error):
    text = str(error).strip().splitlines()
    return type(error).__name__ + (": " + text[0] if text else "")

def split(value):
    return [item.strip() for item in (value or "").split(",") if item.strip()]

def runtime_params(text):
    try:
        from kedro.framework.cli.utils import _split_params
        return _split_params(None, None, text) if text else {}
    except Exception:
        return {}

def catalog_entry(catalog, name):
    entry = catalog.get(name)
    if entry is None:
        try:
            from kedro.io.catalog_config_resolver import CatalogConfigResolver
            plain = {key: {k: v for k, v in value.items() if k != "credentials"}
                     for key, value in catalog.items() if isinstance(value, dict)}
            entry = CatalogConfigResolver(config=plain).resolve_pattern(name) or None
        except Exception:
            entry = None
    return entry if isinstance(entry, dict) else None

def dataset(catalog, name, role):
    entry = catalog_entry(catalog, name)
    if entry is None:
        return None
    path = entry.get("filepath", entry.get("path"))
    return {"name": name, "role": role, "type": str(entry.get("type", "")),
            "path": path if isinstance(path, str) else None}

def main():
    import kedro
    facts["kedro"] = kedro.__version__
    from kedro.framework.startup import bootstrap_project
    root = Path.cwd()
    bootstrap_project(root)
    from kedro.framework.project import pipelines, settings
    conf = root / settings.CONF_SOURCE
    try:
        loader = settings.CONFIG_LOADER_CLASS(
            conf_source=str(conf), env=request["env"] or None,
            runtime_params=runtime_params(request["params"]), **settings.CONFIG_LOADER_ARGS)
        catalog = loader["catalog"]
        loader["parameters"]
    except Exception as error:
        facts["configError"] = failure(error)
        catalog = None
    try:
        defined = sorted(pipelines.keys())
    except Exception as error:
        facts["pipelineError"] = failure(error)
        return
    facts["pipelines"] = defined
    wanted = split(request["pipelines"]) or ["__default__"]
    facts["unknownPipelines"] = [name for name in wanted if name not in defined]
    chosen = [pipelines[name] for name in wanted if name in defined]
    if not chosen:
        return
    pipe = sum(chosen[1:], chosen[0])
    facts["nodes"] = sorted(node.name for node in pipe.nodes)
    facts["tags"] = sorted(set().union(*(node.tags for node in pipe.nodes)))
    nodes = [name for name in split(request["nodes"]) if name in facts["nodes"]]
    tags = [tag for tag in split(request["tags"]) if tag in facts["tags"]]
    if tags:
        pipe = pipe.only_nodes_with_tags(*tags)
    if nodes:
        pipe = pipe.only_nodes(*nodes)
    if catalog is None:
        return
    used = [(name, "read") for name in sorted(pipe.inputs())]
    used += [(name, "write") for name in sorted(pipe.all_outputs())]
    found = [dataset(catalog, name, role) for name, role in used
             if not name.startswith("params:") and name != "parameters"]
    facts["datasets"] = [entry for entry in found if entry]

try:
    main()
except Exception as error:
    facts["pipelineError"] = facts["pipelineError"] or failure(error)
emit()
`;

// src/kedro/inspect.ts
var MARKER = "@@kedro-dataproc@@";
var TIMEOUT_MS = 6e4;
function runScript(python, cwd, request, env) {
  return new Promise((resolve3) => {
    execFile(
      python,
      ["-c", INSPECT_SCRIPT, JSON.stringify(request)],
      { cwd, env, timeout: TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout) => {
        const line = stdout.split("\n").reverse().find((text) => text.startsWith(MARKER));
        if (line) return resolve3({ facts: JSON.parse(line.slice(MARKER.length)) });
        resolve3({ error: error ? error.message.split("\n")[0] : "it printed no answer" });
      }
    );
  });
}
async function inspectProject(directory, request, kedro, env) {
  const childEnv = { ...env, KEDRO_DISABLE_TELEMETRY: "1", PYTHONDONTWRITEBYTECODE: "1" };
  let why = "no python3 or python on PATH";
  for (const python of ["python3", "python"]) {
    const { facts, error } = await runScript(python, directory, request, childEnv);
    if (!facts) {
      why = `${python} could not run: ${error ?? ""}`;
      continue;
    }
    if (!facts.kedro) return { skipped: `the runner's ${python} has no Kedro` };
    const major = Number.parseInt(facts.kedro, 10);
    if (major !== kedro[0])
      return {
        skipped: `the runner's ${python} has Kedro ${facts.kedro}, the project Kedro ${formatVersion(kedro)}`
      };
    return { facts, python };
  }
  return { skipped: why };
}

// src/kedro/requirements.ts
import { existsSync as existsSync4, readdirSync as readdirSync2, readFileSync as readFileSync2, statSync as statSync2 } from "node:fs";
import { join as join3, relative } from "node:path";
var REQUIREMENTS_FILE = /(^|\/)requirements[^/]*\.(txt|in)$/;
var NAME = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?/;
function parseRequirements(file, text) {
  const found = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    const match = NAME.exec(line);
    if (!match || line.startsWith("-")) continue;
    const name = match[1].toLowerCase().replace(/[._]+/g, "-");
    const extras = (match[2] ?? "").split(",").map((extra) => extra.trim().toLowerCase()).filter(Boolean);
    found.push({ file, line, name, extras });
  }
  return found;
}
function requirementFiles(context, sources) {
  const files = /* @__PURE__ */ new Set();
  for (const source of sources) {
    const path8 = join3(context, source);
    if (!existsSync4(path8)) continue;
    if (statSync2(path8).isDirectory()) {
      for (const name of readdirSync2(path8).sort())
        if (REQUIREMENTS_FILE.test(name)) files.add(join3(path8, name));
    } else if (REQUIREMENTS_FILE.test(source)) files.add(path8);
  }
  return [...files];
}
function imageRequirements(build) {
  if (!build.dockerfile)
    return { skipped: "the image is prebuilt (image), so its requirements cannot be read" };
  if (!existsSync4(build.dockerfile))
    return { skipped: `${relative(build.directory, build.dockerfile)} does not exist` };
  let sources;
  try {
    ;
    ({ sources } = dockerfileDependencies(
      readFileSync2(build.dockerfile, "utf8"),
      build.target,
      build.buildArgs
    ));
  } catch (error) {
    return { skipped: `the Dockerfile could not be read: ${errorMessage(error)}` };
  }
  const files = requirementFiles(build.context, sources);
  if (files.length === 0)
    return { skipped: `the Dockerfile's ${build.target} stage copies no requirements*.txt` };
  const shown = files.map((file) => relative(build.directory, file));
  return {
    files: shown,
    requirements: files.flatMap(
      (file, i) => parseRequirements(shown[i], readFileSync2(file, "utf8"))
    )
  };
}
var PYSPARK_EXTRAS = ["spark-base", "spark-local", "spark", "spark-all"];
var GCSFS_EXTRAS = ["spark-gcs", "spark-cloud", "spark-all"];
var hasExtra = (requirement2, name, extras) => requirement2.name === name && requirement2.extras.some((extra) => extras.includes(extra));
var pysparkLines = (requirements) => requirements.filter((r) => r.name === "pyspark" || hasExtra(r, "kedro-datasets", PYSPARK_EXTRAS));
var hasGcsfs = (requirements) => requirements.some(
  (r) => r.name === "gcsfs" || hasExtra(r, "kedro-datasets", GCSFS_EXTRAS) || hasExtra(r, "fsspec", ["gcs"])
);

// src/kedro/preflight.ts
var PreflightError = class extends InputError {
  constructor(problems) {
    super(problems);
    const [first] = this.problems;
    this.message = this.problems.length === 1 ? `pre-flight refused the run: ${first ?? ""}` : `pre-flight refused the run (${this.problems.length} problems):
${this.problems.map((p) => `  - ${p}`).join("\n")}`;
  }
};
function runRequest(args, version) {
  const known = optionsOf(version);
  const found = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.indexOf("=");
    const option = known.get(eq > 0 ? arg.slice(0, eq) : arg);
    if (!option?.takesValue) continue;
    const value2 = eq > 0 ? arg.slice(eq + 1) : args[++i] ?? "";
    found[option.names[0]] = value2;
  }
  return {
    env: found["--env"] ?? "",
    params: found["--params"] ?? "",
    pipelines: found["--pipelines"] ?? found["--pipeline"] ?? "",
    nodes: found["--nodes"] ?? "",
    tags: found["--tags"] ?? ""
  };
}
var isLocal = (path8) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(path8);
var isRelative = (path8) => isLocal(path8) && !posix.isAbsolute(path8);
function checkRequirements(image2, datasets, f) {
  if ("skipped" in image2) {
    f.skipped.push(`gcsfs and pyspark in the image's requirements: ${image2.skipped}`);
    return;
  }
  f.ran.push(`the image's requirements (${image2.files.join(", ")})`);
  for (const line of pysparkLines(image2.requirements))
    f.warnings.push(
      `${line.file}: '${line.line}' puts pyspark into the image, and Dataproc mounts its own Spark: a custom image must not bundle it. Remove it (keep it in an extra for local runs)`
    );
  if (!datasets) return;
  const remote = datasets.filter((d) => d.path?.startsWith("gs://"));
  if (remote.length > 0 && !hasGcsfs(image2.requirements))
    f.problems.push(
      `${image2.files.join(", ")}: dataset${remote.length > 1 ? "s" : ""} ${remote.map((d) => `'${d.name}'`).join(", ")} use gs:// paths, which need gcsfs, and the image's requirements do not name it; add gcsfs (or kedro-datasets[spark-gcs])`
    );
}
async function checkCodeInputs(directory, datasets, f) {
  const { names } = await listProjectFiles(directory);
  const shipped = new Set(names);
  const holds = (path8) => shipped.has(path8) || names.some((name) => name.startsWith(`${path8}/`));
  f.ran.push("inputs read from code.zip");
  for (const d of datasets.filter((d2) => d2.role === "read" && d2.path && isRelative(d2.path))) {
    const path8 = posix.normalize(d.path).replace(/\/+$/, "");
    if (holds(path8)) continue;
    f.problems.push(
      `dataset '${d.name}' reads ${path8}, which code.zip will not hold (git ignores it, or it does not exist): commit it (git add -f ${path8}), or read it from gs://`
    );
  }
}
function checkOutputs(datasets, f) {
  f.ran.push("outputs on local paths");
  for (const d of datasets.filter((d2) => d2.role === "write" && d2.path && isLocal(d2.path)))
    f.warnings.push(
      `dataset '${d.name}' writes to ${d.path}, a local path on the batch: the output is lost when the batch ends. Write it under the run output prefix (\${oc.env:KEDRO_DATAPROC_RUN_OUTPUT_URI}; kedro-dataproc init adds _output to the catalog)`
    );
}
function checkSelection(facts, request, f) {
  const unknown = (given, defined) => given.split(",").map((item) => item.trim()).filter((item) => item && !defined.includes(item));
  const refuse = (option, names, kind, defined) => {
    if (names.length === 0) return;
    const list = defined.filter((name) => !name.startsWith("__")).join(", ") || "(none)";
    f.problems.push(
      `kedro-run-args: ${option} names ${names.map((n) => `'${n}'`).join(", ")}, which the project does not define; its ${kind}: ${list}`
    );
  };
  f.ran.push("pipelines, nodes and tags");
  refuse("--pipelines", facts.unknownPipelines ?? [], "pipelines", facts.pipelines ?? []);
  if (!facts.nodes) return;
  refuse("--nodes", unknown(request.nodes, facts.nodes), "nodes", facts.nodes);
  refuse("--tags", unknown(request.tags, facts.tags ?? []), "tags", facts.tags ?? []);
}
function checkConfiguration(facts, f) {
  f.ran.push("configuration and resolvers");
  if (!facts.configError) return;
  const resolver = /Unsupported interpolation type (\S+)/.exec(facts.configError)?.[1];
  f.problems.push(
    resolver ? `the configuration uses \${${resolver}:\u2026}, a resolver that settings.py does not register: add "${resolver}" to CONFIG_LOADER_ARGS["custom_resolvers"] (kedro-dataproc init registers oc.env)` : `the configuration does not resolve as Kedro would on the batch: ${facts.configError}`
  );
}
var PYTHON_ENV = ["PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV", "PYENV_ROOT"];
var pythonEnv = (plan) => ({
  ...Object.fromEntries(
    PYTHON_ENV.flatMap((name) => process.env[name] ? [[name, process.env[name]]] : [])
  ),
  ...runEnvironment(plan)
});
async function inspection(config, plan, request, trusted) {
  if (!trusted)
    return {
      skipped: "working-directory may hold a fork's code, which must not run on the runner beside the repository's secrets"
    };
  return inspectProject(config.workingDirectory, request, config.kedro.version, pythonEnv(plan));
}
async function preflightFindings(config, plan, trustedCode) {
  const f = { problems: [], warnings: [], ran: [], skipped: [] };
  const request = runRequest(config.kedroRunArgs, config.kedro.version);
  const [image2, inspected] = await Promise.all([
    imageRequirements({
      directory: config.workingDirectory,
      dockerfile: config.image ? void 0 : config.build.dockerfile,
      context: config.build.context,
      target: config.build.target,
      buildArgs: config.build.buildArgs
    }),
    inspection(config, plan, request, trustedCode)
  ]);
  const facts = "facts" in inspected ? inspected.facts : void 0;
  checkRequirements(image2, facts?.datasets, f);
  if (!facts) {
    f.skipped.push(
      `the catalog, resolvers, pipelines, nodes and tags: ${"skipped" in inspected ? inspected.skipped : ""}`
    );
    return f;
  }
  checkConfiguration(facts, f);
  if (facts.pipelineError) {
    f.skipped.push(
      `pipelines, nodes, tags and datasets: registering the pipelines failed (${facts.pipelineError})`
    );
    return f;
  }
  checkSelection(facts, request, f);
  if (facts.datasets) {
    if (plan.env === "dev") await checkCodeInputs(config.workingDirectory, facts.datasets, f);
    else f.skipped.push("inputs read from code.zip: a prod release carries its code in the image");
    checkOutputs(facts.datasets, f);
  } else f.skipped.push("inputs and outputs: the catalog did not resolve");
  return f;
}
async function kedroPreflight(config, plan, trustedCode = true) {
  if (!config.preflight) {
    log.info("pre-flight: skipped (preflight: false)");
    return;
  }
  if (!plan.behaviour.prepare) {
    log.info("pre-flight: skipped (a trigger runs the prepared release, not this checkout)");
    return;
  }
  const started = Date.now();
  const f = await preflightFindings(config, plan, trustedCode);
  const seconds = ((Date.now() - started) / 1e3).toFixed(1);
  log.info(`pre-flight (${seconds}s) ran: ${f.ran.join("; ") || "nothing"}`);
  for (const why of f.skipped) log.info(`pre-flight could not check ${why}`);
  for (const warning of f.warnings) log.warning(warning);
  if (f.problems.length > 0) throw new PreflightError(f.problems);
}

// src/report/redact.ts
var REDACTED = "***";
var SECRET_KEY = /PASSWORD|PASSWD|TOKEN|SECRET|KEY|CREDENTIAL/i;
var USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@]+)@/gi;
var SECRET_PARAM = /([\w.-]*(?:PASSWORD|PASSWD|TOKEN|SECRET|KEY|CREDENTIAL)[\w.-]*)=([^,\s]*)/gi;
var PAIR_INPUTS = ["spark-properties", "build-args"];
var isSecretKey = (key) => SECRET_KEY.test(key);
function redactUrls(text) {
  return text.replace(USERINFO, (_match, scheme) => `${scheme}${REDACTED}@`);
}
function urlSecrets(text) {
  return [...text.matchAll(USERINFO)].flatMap((match) => {
    const userinfo = match[2];
    const colon = userinfo.indexOf(":");
    const secret = colon >= 0 ? userinfo.slice(colon + 1) : userinfo;
    return [secret, decodeURIComponentSafe(secret)];
  });
}
function decodeURIComponentSafe(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
var redactArg = (arg) => redactUrls(arg).replace(SECRET_PARAM, (_match, key) => `${key}=${REDACTED}`);
function redactRecord(record) {
  return Object.fromEntries(
    Object.entries(record).map(([key, value2]) => [
      key,
      isSecretKey(key) ? REDACTED : redactUrls(value2)
    ])
  );
}
function redactStrings(value2) {
  if (typeof value2 === "string") return redactUrls(value2);
  if (Array.isArray(value2)) return value2.map((item) => redactStrings(item));
  if (typeof value2 === "object" && value2 !== null) {
    return Object.fromEntries(
      Object.entries(value2).map(([key, item]) => [key, redactStrings(item)])
    );
  }
  return value2;
}
function redactPlan(plan) {
  const shown = redactStrings(plan);
  const runtime = shown.batch.request.batch.runtimeConfig;
  if (runtime.properties) runtime.properties = redactRecord(runtime.properties);
  shown.kedroRunArgs = shown.kedroRunArgs.map(redactArg);
  const pyspark = shown.batch.request.batch.pysparkBatch;
  pyspark.args = pyspark.args.map(redactArg);
  if (shown.build) {
    shown.build.buildArgs = redactRecord(shown.build.buildArgs);
    shown.build.secrets = Object.fromEntries(
      Object.keys(shown.build.secrets).map((id) => [id, REDACTED])
    );
  }
  return shown;
}
function planSecrets(plan) {
  const found = /* @__PURE__ */ new Set();
  const pairs = (record) => {
    for (const [key, value2] of Object.entries(record ?? {})) if (isSecretKey(key)) found.add(value2);
  };
  pairs(plan.batch.request.batch.runtimeConfig.properties);
  pairs(plan.build?.buildArgs);
  for (const value2 of Object.values(plan.build?.secrets ?? {})) found.add(value2);
  for (const arg of plan.kedroRunArgs) {
    for (const match of arg.matchAll(SECRET_PARAM)) found.add(match[2]);
  }
  for (const secret of urlSecrets(JSON.stringify(plan))) found.add(secret);
  return [...found].filter((value2) => value2.length >= 4 && !/^(true|false)$/i.test(value2)).sort((a, b) => b.length - a.length);
}
function maskPlanSecrets(plan) {
  for (const secret of planSecrets(plan)) log.secret(secret);
}
function scrub(text, secrets) {
  let out = redactUrls(text);
  for (const secret of secrets) out = out.split(secret).join(REDACTED);
  return out;
}
function redactOutcome(outcome) {
  const secrets = planSecrets(outcome.plan);
  const batch = outcome.batch ? JSON.parse(scrub(JSON.stringify(outcome.batch), secrets)) : outcome.batch;
  return {
    ...outcome,
    plan: redactPlan(outcome.plan),
    batch,
    driverOutput: outcome.driverOutput.map((line) => scrub(line, secrets)),
    stateMessage: scrub(outcome.stateMessage, secrets)
  };
}
function redactInputs(values) {
  const shown = Object.fromEntries(
    INPUT_NAMES.map((name) => [name, redactUrls(values[name])])
  );
  shown["kedro-run-args"] = redactArg(shown["kedro-run-args"]);
  for (const name of PAIR_INPUTS) {
    shown[name] = shown[name].split("\n").map(
      (line) => line.replace(
        /^(\s*)([^=#\s][^=]*?)(\s*=\s*).*$/,
        (whole, lead, key, eq) => isSecretKey(key) ? `${lead}${key}${eq}${REDACTED}` : whole
      )
    ).join("\n");
  }
  return shown;
}

// src/report/pipeline.ts
var MARKER2 = "[kedro-dataproc] pipeline: ";
var STATUSES = ["completed", "failed", "not run"];
var strings = (value2) => Array.isArray(value2) && value2.every((item) => typeof item === "string") ? value2 : void 0;
function nodeOf(value2) {
  if (typeof value2 !== "object" || value2 === null) return void 0;
  const raw = value2;
  const inputs = strings(raw.inputs);
  const outputs = strings(raw.outputs);
  if (typeof raw.name !== "string" || !inputs || !outputs) return void 0;
  if (typeof raw.status !== "string" || !STATUSES.includes(raw.status)) return void 0;
  const node = { name: raw.name, inputs, outputs, status: raw.status };
  if (typeof raw.seconds === "number" && Number.isFinite(raw.seconds) && raw.seconds >= 0)
    node.seconds = raw.seconds;
  if (typeof raw.error === "string") node.error = raw.error;
  const line = raw.line;
  if (typeof raw.file === "string" && typeof line === "number" && Number.isInteger(line)) {
    node.file = raw.file;
    node.line = line;
  }
  return node;
}
function pipelineReport(output) {
  const line = output.findLast((text) => text.startsWith(MARKER2));
  if (line === void 0) return void 0;
  let parsed;
  try {
    parsed = JSON.parse(line.slice(MARKER2.length));
  } catch {
    return void 0;
  }
  if (typeof parsed !== "object" || parsed === null) return void 0;
  const { nodes, total } = parsed;
  if (!Array.isArray(nodes) || typeof total !== "number") return void 0;
  const checked = nodes.map(nodeOf);
  if (checked.some((node) => node === void 0)) return void 0;
  return { nodes: checked, total: Math.max(total, checked.length) };
}
var failedNodes = (report) => report?.nodes.filter((node) => node.status === "failed") ?? [];

// src/report/rows.ts
function quoteForDisplay(args) {
  return args.map((arg) => /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`).join(" ");
}
var kedroCommand = (plan) => quoteForDisplay(["kedro", "run", ...plan.kedroRunArgs]);
function ttlRow(ttl) {
  if (ttl.seconds === void 0) return "none (runtimes before 2.1 run until they end)";
  const length = formatSeconds(ttl.seconds);
  return ttl.source === "ttl" ? length : `${length}: Dataproc's default from runtime 2.1; the batch ends after ${length} unless ttl is set`;
}
function imageRow(image2) {
  if (image2.prebuilt) return `${image2.reference} (prebuilt)`;
  return image2.digest ? image2.reference : `${image2.reference} (pinned by digest once built)`;
}
function planRows(plan) {
  return [
    ["environment", plan.release ? `${plan.env} (release ${plan.release})` : plan.env],
    ["branch", plan.branch ? `${plan.branch} \u2192 ${plan.branchSlug}` : "(none)"],
    ["commit", plan.commit || "(unknown)"],
    ["run id", plan.runId],
    ["image", imageRow(plan.image)],
    ["entrypoint", plan.storage.entrypointUri],
    ["code", plan.storage.codeUri],
    ["run output", plan.storage.runOutputUri],
    ["batch id", plan.batch.id],
    ["request id", plan.batch.request.requestId],
    ["kedro command", kedroCommand(plan)],
    ["checked for", `Kedro ${plan.kedro.version} (${plan.kedro.reason})`],
    ["ttl", ttlRow(plan.ttl)],
    ...costRows(plan),
    ["console", plan.batch.consoleUrl]
  ];
}
function costRows(plan) {
  const properties = plan.batch.request.batch.runtimeConfig.properties;
  const rows = [
    ["most it can cost", maxCostText(properties, plan.ttl.seconds, plan.cost.prices)]
  ];
  if (plan.cost.maxDcuHours !== void 0)
    rows.push(["spending guard", `cancelled past ${plan.cost.maxDcuHours} DCU-hours`]);
  return rows;
}
function formatRows(rows) {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value2]) => `${label.padEnd(width)}  ${value2}`);
}
function logsUrl(plan) {
  const query = encodeURIComponent(
    `resource.type="cloud_dataproc_batch"
resource.labels.batch_id="${plan.batch.id}"`
  );
  return `https://console.cloud.google.com/logs/query;query=${query}?project=${plan.projectId}`;
}
function usageText(batch) {
  const usage = usageOf(batch);
  if (!usage) return void 0;
  return `${usage.dcuHours.toFixed(3)} DCU-hours, ${usage.shuffleGbHours.toFixed(3)} GB-hours shuffle storage`;
}
function costUsd(outcome) {
  const usage = usageOf(outcome.batch);
  return usage && costOf(usage, outcome.plan.cost.prices);
}
function outcomeRows(outcome) {
  const { plan, batch } = outcome;
  const rows = [
    ["batch id", plan.batch.id],
    ["state", outcome.state],
    ["duration", outcome.durationSeconds !== void 0 ? `${outcome.durationSeconds}s` : "\u2014"],
    [
      "runtime version",
      batch?.runtimeConfig?.version ?? plan.batch.request.batch.runtimeConfig.version
    ],
    ["image", plan.image.reference],
    ["code", plan.storage.codeUri],
    ["run output", plan.storage.runOutputUri]
  ];
  const usage = usageText(batch);
  if (usage) rows.push(["approximate usage", usage]);
  const cost = costUsd(outcome);
  if (cost !== void 0)
    rows.push(["estimated cost", `${formatUsd(cost)} (${priceBasis(plan.cost.prices)})`]);
  for (const node of failedNodes(pipelineReport(outcome.driverOutput))) {
    const place = node.file ? ` (raised at ${node.file}:${node.line} in the project)` : "";
    rows.push(["failed node", `${node.name}: ${node.error ?? "see the driver output"}${place}`]);
  }
  return rows;
}

// src/plan/facts.ts
var localNonce = (now = /* @__PURE__ */ new Date()) => `${now.getTime().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export {
  cleanupLines,
  cleanupItems,
  runCleanup,
  succeeded,
  batchDuration,
  cloudLoggingOf,
  INPUTS,
  INPUT_NAMES,
  readValues,
  valueOf,
  givenInputs,
  PlanError,
  buildPlan,
  gitFact,
  ACTION_VERSION,
  errorOutcome,
  runPlan,
  failureMessage,
  close,
  parse,
  BATCH_ID_PATTERN,
  parseBoolean,
  readEndpoints,
  InputError,
  InputReader,
  parseInputs,
  parseRequirements,
  pysparkLines,
  hasGcsfs,
  kedroPreflight,
  redactPlan,
  maskPlanSecrets,
  redactOutcome,
  redactInputs,
  pipelineReport,
  failedNodes,
  kedroCommand,
  planRows,
  formatRows,
  logsUrl,
  costUsd,
  outcomeRows,
  localNonce
};
/*! For license information please see chunk-V75D2GUH.js.LEGAL.txt */
