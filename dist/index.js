import { createRequire as __createRequire } from 'node:module';
import { fileURLToPath as __fileURLToPath } from 'node:url';
import { dirname as __pathDirname } from 'node:path';
const require = __createRequire(import.meta.url);
const __bundleFilename = __fileURLToPath(import.meta.url);
const __bundleDirname = __pathDirname(__bundleFilename);
import {
  actionsLog,
  fail,
  saveFinished,
  saveSubmitted,
  saveSubmitting
} from "./chunks/chunk-JFC3MAX2.js";
import {
  getInput,
  setOutput,
  summary
} from "./chunks/chunk-7UHJAPSN.js";
import "./chunks/chunk-EZPIEO5R.js";
import {
  batchDuration,
  buildPlan,
  deploy,
  formatRows,
  git,
  givenInputs,
  kedroCommand,
  localNonce,
  logsUrl,
  maskPlanSecrets,
  outcomeRows,
  outcomeWithoutBatch,
  parseInputs,
  planRows,
  readValues,
  redactInputs,
  redactOutcome,
  redactPlan,
  succeeded
} from "./chunks/chunk-Y6735ENZ.js";
import "./chunks/chunk-RGANAITH.js";
import {
  deployingIdentity,
  log,
  setLogSink
} from "./chunks/chunk-CBYSBUSE.js";
import "./chunks/chunk-YU4TNTCD.js";
import "./chunks/chunk-TXJMAUJD.js";
import "./chunks/chunk-ELYQ5VLN.js";
import "./chunks/chunk-JFPGUWRZ.js";
import {
  errorMessage,
  explainError,
  httpStatus
} from "./chunks/chunk-3O2FMUUN.js";
import "./chunks/chunk-NNA2HC4I.js";
import "./chunks/chunk-CSCBOJKS.js";

// src/github/main.ts
import { fileURLToPath } from "node:url";

// src/github/facts.ts
import { readFile } from "node:fs/promises";
var PRIVILEGED_EVENTS = /* @__PURE__ */ new Set(["pull_request_target", "workflow_run", "issue_comment"]);
function headOf(eventName, event) {
  if (eventName === "workflow_run")
    return { repo: event.workflow_run?.head_repository, sha: event.workflow_run?.head_sha };
  if (eventName === "pull_request_target")
    return { repo: event.pull_request?.head?.repo, sha: event.pull_request?.head?.sha };
  return {};
}
function forkFacts(eventName, event, env, checkedOut) {
  if (!PRIVILEGED_EVENTS.has(eventName)) return void 0;
  const head = headOf(eventName, event);
  const base = event.repository?.full_name ?? env.GITHUB_REPOSITORY;
  const repository = head.repo === null ? "(a deleted fork)" : head.repo?.full_name;
  if (repository === base) return void 0;
  if (repository === void 0 && eventName !== "issue_comment") return void 0;
  return { repository, headSha: head.sha ?? "", trustedSha: env.GITHUB_SHA ?? "", checkedOut };
}
async function readEvent(path) {
  if (!path) return {};
  try {
    return JSON.parse(await readFile(path, "utf8"));
  } catch {
    return {};
  }
}
async function gitFact(cwd, args) {
  const result = await git(cwd, args).catch(() => void 0);
  return result?.code === 0 ? result.stdout.toString().trim() || void 0 : void 0;
}
var PULL_REQUEST_EVENTS = /* @__PURE__ */ new Set(["pull_request", "pull_request_target", "pull_request_review"]);
async function gatherRunFacts(workingDirectory, env = process.env, now = /* @__PURE__ */ new Date()) {
  const eventName = env.GITHUB_EVENT_NAME ?? "";
  const event = await readEvent(env.GITHUB_EVENT_PATH);
  const isPullRequest = PULL_REQUEST_EVENTS.has(eventName) || event.pull_request !== void 0;
  const asked = gitFact(workingDirectory, ["rev-parse", "HEAD"]);
  const branch = (isPullRequest ? env.GITHUB_HEAD_REF || event.pull_request?.head?.ref : void 0) || (env.GITHUB_REF_TYPE !== "tag" ? env.GITHUB_REF_NAME : void 0) || await gitFact(workingDirectory, ["symbolic-ref", "--short", "-q", "HEAD"]) || "";
  const checkedOut = await asked;
  const mergeHead = isPullRequest && eventName !== "pull_request_target" ? event.pull_request?.head?.sha : void 0;
  const commit = (checkedOut !== env.GITHUB_SHA ? checkedOut : void 0) || mergeHead || env.GITHUB_SHA || checkedOut || "";
  return {
    eventName,
    branch,
    commit,
    repository: env.GITHUB_REPOSITORY ?? "",
    runId: env.GITHUB_RUN_ID ?? "",
    runNumber: env.GITHUB_RUN_NUMBER ?? "",
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? "",
    job: env.GITHUB_JOB ?? "",
    step: env.GITHUB_ACTION ?? "",
    serverUrl: env.GITHUB_SERVER_URL ?? "https://github.com",
    pullRequest: isPullRequest ? event.pull_request?.number : void 0,
    fork: forkFacts(eventName, event, env, checkedOut),
    localNonce: localNonce(now)
  };
}

// src/github/inputs.ts
var actionInputs = () => readValues((name) => getInput(name));
function runnerFacts(env = process.env) {
  return {
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    tag: env.GITHUB_REF_TYPE === "tag" ? env.GITHUB_REF_NAME : void 0,
    env
  };
}

// src/github/outputs.ts
function setOutputs(outcome) {
  const { plan, batch } = outcome;
  const outputs = {
    "batch-id": plan.batch.id,
    "batch-name": plan.batch.name,
    "batch-url": plan.batch.consoleUrl,
    state: outcome.state,
    "state-message": outcome.stateMessage,
    "run-id": plan.runId,
    image: plan.image.reference,
    "image-digest": plan.image.digest ?? "",
    "code-uri": plan.storage.codeUri,
    "entrypoint-uri": plan.storage.entrypointUri,
    "run-output-uri": plan.storage.runOutputUri,
    "driver-output-uri": batch?.runtimeInfo?.outputUri ?? "",
    "duration-seconds": outcome.durationSeconds !== void 0 ? String(outcome.durationSeconds) : "",
    plan: JSON.stringify(plan)
  };
  for (const [name, value] of Object.entries(outputs)) setOutput(name, value);
}

// src/github/artifacts.ts
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
var RUNTIME_VARIABLES = ["ACTIONS_RUNTIME_TOKEN", "ACTIONS_RESULTS_URL"];
async function uploadRunArtifacts(name, files) {
  const names = files.map((file) => file.name);
  const invalid = names.find((n, i) => n === "" || n !== basename(n) || names.indexOf(n) !== i);
  if (invalid !== void 0) {
    throw new Error(`artifact file names must be distinct plain names, got '${invalid}'`);
  }
  const missing = RUNTIME_VARIABLES.filter((variable) => !process.env[variable]);
  if (missing.length > 0) {
    return {
      uploaded: false,
      reason: `no Actions runtime (${missing.join(", ")} not set), so artifact ${name} was not uploaded`
    };
  }
  const dir = await mkdtemp(join(tmpdir(), "kedro-dataproc-artifact-"));
  try {
    const paths = await Promise.all(
      files.map(async (file) => {
        const path = join(dir, file.name);
        await writeFile(path, file.content);
        return path;
      })
    );
    const { DefaultArtifactClient } = await import("./chunks/artifact-YW33ZRXI.js");
    const { id, size } = await new DefaultArtifactClient().uploadArtifact(name, paths, dir);
    return { uploaded: true, name, id, size };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { uploaded: false, reason: `uploading artifact ${name} failed: ${message}` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// src/report/icons.ts
var ICONS = {
  SUCCEEDED: "\u2705",
  PREPARED: "\u{1F4E6}",
  PLANNED: "\u{1F4DD}",
  SKIPPED: "\u23ED\uFE0F",
  FAILED: "\u274C",
  ERROR: "\u274C",
  CANCELLED: "\u{1F6AB}",
  CANCELLING: "\u{1F6AB}",
  PENDING: "\u23F3",
  RUNNING: "\u23F3"
};
var stateIcon = (state) => ICONS[state] ?? "\u2139\uFE0F";

// src/github/pr-comment.ts
var GITHUB_COMMENT_LIMIT = 65536;
var MAX_ARGS_CHARS = 8e3;
var MAX_MESSAGE_CHARS = 4e3;
var MAX_FIELD_CHARS = 500;
function markerLine(marker) {
  return `<!-- ${marker.replace(/>/g, "&gt;")} -->`;
}
async function upsertPrComment(options) {
  const [owner, repo, ...rest] = options.repository.split("/");
  if (!owner || !repo || rest.length > 0) {
    throw new Error(`repository must be owner/name, got '${options.repository}'`);
  }
  const marker = markerLine(options.marker);
  const body = truncate(`${marker}
${options.body}`, GITHUB_COMMENT_LIMIT);
  const { getOctokit } = await import("./chunks/github-5JPV4EFO.js");
  const octokit = getOctokit(options.token, { baseUrl: options.apiUrl });
  const issue = { owner, repo, issue_number: options.pullRequest };
  try {
    const existing = await findComment(octokit, issue, marker);
    if (existing !== void 0) {
      const { data: data2 } = await octokit.rest.issues.updateComment({
        owner,
        repo,
        comment_id: existing,
        body
      });
      return { action: "updated", url: data2.html_url };
    }
    const { data } = await octokit.rest.issues.createComment({ ...issue, body });
    return { action: "created", url: data.html_url };
  } catch (error) {
    const status = httpStatus(error);
    if (status === 403 || status === 404) {
      const message = errorMessage(error);
      return {
        action: "skipped",
        reason: `the token may not comment on pull request #${options.pullRequest} of ${options.repository} (HTTP ${status}: ${message}) \u2014 grant the job \`permissions: pull-requests: write\` (or \`issues: write\`); a pull request from a fork gets a read-only token, so there is no comment there`
      };
    }
    throw error;
  }
}
async function findComment(octokit, issue, marker) {
  const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, {
    ...issue,
    per_page: 100
  });
  for await (const { data } of pages) {
    const found = data.find((comment2) => comment2.body?.includes(marker));
    if (found) return found.id;
  }
  return void 0;
}
function renderPrComment(input) {
  const icon = stateIcon(input.state);
  const duration = input.durationSeconds === void 0 ? "" : ` in ${formatDuration(input.durationSeconds)}`;
  const rows = [
    [
      "Batch",
      `${link(cell(input.batchId), input.consoleUrl)} \xB7 ${link("driver output", input.logsUrl)}`
    ],
    ["Run id", cell(input.runId)],
    ["Branch", cell(input.branch)],
    ["Image", cell(input.image)]
  ];
  if (input.runUrl) rows.push(["Workflow run", link("logs and artifacts", input.runUrl)]);
  const lines = [
    `### ${icon} Kedro on Dataproc: ${escapeText(input.state)}${duration}`,
    "",
    "| | |",
    "| --- | --- |",
    ...rows.map(([key, value]) => `| ${key} | ${value} |`),
    "",
    fenced(truncate(input.kedroCommand, MAX_ARGS_CHARS), "shell")
  ];
  if (input.stateMessage) {
    lines.push("", fenced(truncate(input.stateMessage, MAX_MESSAGE_CHARS), "text"));
  }
  return lines.join("\n") + "\n";
}
function formatDuration(totalSeconds) {
  const seconds = Math.max(0, Math.round(totalSeconds));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor(seconds % 3600 / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, "0")}m`;
  if (m > 0) return `${m}m ${String(s).padStart(2, "0")}s`;
  return `${s}s`;
}
function escapeText(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/[\\`*_[\]()#|~!]/g, "\\$&").replace(/\s+/g, " ");
}
function cell(text) {
  const flat = truncate(text, MAX_FIELD_CHARS).replace(/\s+/g, " ");
  if (flat === "") return "\u2014";
  const fence = "`".repeat(longestRun(flat, "`") + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") ? " " : "";
  return `${fence}${pad}${flat.replace(/\|/g, "\\|")}${pad}${fence}`;
}
function fenced(text, language) {
  const fence = "`".repeat(Math.max(3, longestRun(text, "`") + 1));
  return `${fence}${language}
${text}
${fence}`;
}
function link(markdown, url) {
  const safe = url.replace(/[\s()<>|\\`]/g, (c) => encodeURIComponent(c));
  return `[${markdown}](${safe})`;
}
function longestRun(text, char) {
  let longest = 0;
  let run2 = 0;
  for (const c of text) {
    run2 = c === char ? run2 + 1 : 0;
    longest = Math.max(longest, run2);
  }
  return longest;
}
function truncate(text, max) {
  if (text.length <= max) return text;
  const note = "\u2026 (truncated)";
  return text.slice(0, max - note.length) + note;
}

// src/github/summary.ts
var HTML_ESCAPES = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;"
};
var escapeHtml = (value) => value.replace(/[&<>"]/g, (ch) => HTML_ESCAPES[ch]);
var preBlock = (text) => `<pre>${escapeHtml(text).replace(/^[ \t]*$/gm, "&nbsp;")}</pre>`;
var TAIL_LINES = 60;
var SUMMARY_TAIL_BYTES = 64 * 1024;
var table = (header, rows) => [
  [
    { data: "what", header: true },
    { data: header, header: true }
  ],
  ...rows.map(([label, value]) => [label, escapeHtml(value)])
];
async function writeDryRunSummary(plan) {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await summary.addHeading("\u{1F9EA} Kedro on Dataproc \u2014 dry run", 3).addRaw("Nothing was built, uploaded or submitted. This is the plan of the run.\n\n").addTable(table("planned", planRows(plan))).addDetails("CreateBatch request", preBlock(JSON.stringify(plan.batch.request, null, 2))).write();
}
function links(outcome) {
  const { plan, batch } = outcome;
  const links2 = [
    `<a href="${escapeHtml(plan.batch.consoleUrl)}">batch in the Cloud console</a>`,
    `<a href="${escapeHtml(logsUrl(plan))}">logs in Cloud Logging</a>`
  ];
  for (const [name, url] of Object.entries(batch?.runtimeInfo?.endpoints ?? {}))
    links2.push(`<a href="${escapeHtml(url)}">${escapeHtml(name)}</a>`);
  return links2.join(" \xB7 ");
}
async function writeRunSummary(outcome, values) {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const { plan } = outcome;
  const lines = outcome.driverOutput.slice(-TAIL_LINES);
  let tail = lines.join("\n");
  if (tail.length > SUMMARY_TAIL_BYTES) tail = tail.slice(-SUMMARY_TAIL_BYTES);
  const inputs = givenInputs(values).map(([name, value]) => `${name}: ${value}`);
  const summary2 = summary.addHeading(`${stateIcon(outcome.state)} Kedro on Dataproc \u2014 ${escapeHtml(outcome.state)}`, 3).addRaw(
    `<p>${plan.env} run <code>${escapeHtml(plan.runId)}</code> of <code>${escapeHtml(plan.branch || plan.release || "")}</code></p>
`
  );
  if (outcome.stateMessage)
    summary2.addRaw(`<p><strong>${escapeHtml(outcome.stateMessage)}</strong></p>
`);
  if (outcome.note) summary2.addRaw(`<p>${escapeHtml(outcome.note)}</p>
`);
  await summary2.addTable(table("value", outcomeRows(outcome))).addRaw(`<p>${links(outcome)}</p>
`).addDetails(
    `Driver output (last ${lines.length} of ${outcome.driverOutput.length} lines)`,
    preBlock(tail)
  ).addDetails("kedro command", preBlock(kedroCommand(plan))).addDetails("Inputs", preBlock(inputs.join("\n"))).write();
}

// src/github/publish.ts
async function publish(outcome, config, context) {
  const withoutBatch = ["PLANNED", "SKIPPED"].includes(outcome.state);
  if (withoutBatch) {
    if (config.report.prComment === "always")
      await guard("pull-request comment", () => comment(outcome, config, context));
    return;
  }
  await guard("job summary", () => writeRunSummary(outcome, config.values));
  await guard("pull-request comment", () => comment(outcome, config, context));
  if (config.report.uploadArtifacts) await guard("artifact", () => artifacts(outcome, context));
}
async function guard(what, step) {
  try {
    await step();
  } catch (error) {
    log.warning(`could not write the ${what}: ${errorMessage(error)}`);
  }
}
function runUrl(context) {
  if (!context.repository || !context.runId) return void 0;
  return `${context.serverUrl}/${context.repository}/actions/runs/${context.runId}${context.runAttempt ? `/attempts/${context.runAttempt}` : ""}`;
}
function commentMarker(plan, context, env = process.env) {
  const directory = plan.code.directory.replace(env.GITHUB_WORKSPACE ?? "", ".");
  return `kedro-dataproc-action:${env.GITHUB_WORKFLOW ?? ""}:${context.job}:${plan.env}:${directory}`;
}
async function comment(outcome, config, context) {
  if (config.report.prComment === "never" || context.pullRequest === void 0) return;
  if (!config.report.githubToken) {
    log.warning("pr-comment: no github-token, so no pull-request comment was written");
    return;
  }
  const { plan } = outcome;
  const body = renderPrComment({
    state: outcome.state,
    batchId: plan.batch.id,
    consoleUrl: plan.batch.consoleUrl,
    logsUrl: logsUrl(plan),
    durationSeconds: outcome.durationSeconds ?? (outcome.batch ? batchDuration(outcome.batch) : void 0),
    runId: plan.runId,
    branch: plan.branch || plan.release || "",
    kedroCommand: kedroCommand(plan),
    image: plan.image.reference,
    runUrl: runUrl(context),
    stateMessage: outcome.stateMessage || void 0
  });
  const result = await upsertPrComment({
    token: config.report.githubToken,
    apiUrl: process.env.GITHUB_API_URL || "https://api.github.com",
    repository: context.repository,
    pullRequest: context.pullRequest,
    marker: commentMarker(plan, context),
    body
  });
  if (result.action === "skipped") log.warning(`pull-request comment skipped: ${result.reason}`);
  else log.info(`pull-request comment ${result.action}: ${result.url}`);
}
async function artifacts(outcome, context) {
  const name = `kedro-dataproc-${outcome.plan.batch.id}${context.runAttempt ? `-attempt-${context.runAttempt}` : ""}`;
  const result = await uploadRunArtifacts(name, [
    { name: "driver-output.log", content: outcome.driverOutput.map((line) => `${line}
`).join("") },
    { name: "batch.json", content: `${JSON.stringify(outcome.batch ?? null, null, 2)}
` },
    { name: "plan.json", content: `${JSON.stringify(outcome.plan, null, 2)}
` }
  ]);
  if (result.uploaded) log.info(`artifact ${result.name} uploaded`);
  else log.notice(result.reason);
}

// src/github/trust.ts
function checkForkCode(eventName, fork, allowForkCode) {
  if (!fork || allowForkCode) return;
  const { checkedOut, headSha, trustedSha, repository } = fork;
  if (checkedOut && checkedOut === trustedSha) return;
  const what = !checkedOut ? "which commit working-directory holds cannot be told (git found none)" : checkedOut === headSha ? `working-directory holds ${checkedOut.slice(0, 12)}, the head of ${repository}` : `working-directory holds ${checkedOut.slice(0, 12)}, not this workflow's commit ${trustedSha.slice(0, 12) || "(GITHUB_SHA unset)"}`;
  const event = repository ? `${eventName} from the fork ${repository}` : `${eventName} (which does not say whose code a pull request holds; it may be a fork's)`;
  throw new Error(
    `${event}: ${what}. This event runs with this repository's secrets and Google credentials, so code from outside the repository would run with them. Run fork pull requests on pull_request instead (forks get no credentials there; on-missing-credentials: skip ends those runs quietly), or check out only the commit the workflow runs here. To accept the risk after reviewing the code (e.g. behind an environment with required reviewers), set allow-fork-code: true.`
  );
}

// src/github/main.ts
var PREFIX = "kedro-dataproc-action";
var SHIPPED_ENTRYPOINT = fileURLToPath(new URL("../entrypoint/entrypoint.py", import.meta.url));
async function showPlan(plan) {
  await log.group(`Plan: ${plan.env} run ${plan.runId} \u2192 batch ${plan.batch.id}`, async () => {
    for (const line of formatRows(planRows(plan))) log.info(line);
  });
  await log.group("CreateBatch request", async () => {
    for (const line of JSON.stringify(plan.batch.request, null, 2).split("\n")) log.info(line);
  });
}
async function planned() {
  const config = parseInputs(actionInputs(), runnerFacts());
  if (config.report.githubToken) log.secret(config.report.githubToken);
  for (const warning of config.warnings) log.warning(warning);
  const gathered = await gatherRunFacts(config.workingDirectory);
  const context = { ...gathered, shippedEntrypoint: SHIPPED_ENTRYPOINT };
  checkForkCode(context.eventName, context.fork, config.allowForkCode);
  const plan = buildPlan(config, context);
  maskPlanSecrets(plan);
  return { config, context, plan };
}
async function outcomeOf(plan, abort) {
  if (plan.behaviour.dryRun) {
    await writeDryRunSummary(redactPlan(plan));
    log.info("dry-run: nothing was built, uploaded or submitted.");
    return outcomeWithoutBatch(plan, "PLANNED", "dry run: nothing was built, uploaded or submitted");
  }
  return deploy(plan, {
    abort,
    // The plan as submitted names the same batch: its name and request id never change.
    onSubmitting: () => saveSubmitting(plan),
    onSubmitted: (operation) => saveSubmitted(plan, operation),
    onSettled: saveFinished,
    onLine: log.output
  });
}
async function run() {
  setLogSink(actionsLog);
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  let started;
  let outcome;
  try {
    started = await planned();
    await showPlan(redactPlan(started.plan));
    outcome = await outcomeOf(started.plan, abort.signal);
    if (!succeeded(outcome)) {
      const message = outcome.stateMessage ? `: ${outcome.stateMessage}` : "";
      fail(`${PREFIX}: batch ${outcome.plan.batch.id} ${outcome.state.toLowerCase()}${message}`);
    }
  } catch (error) {
    const message = explainError(error, deployingIdentity());
    fail(`${PREFIX}: ${message}`);
    if (started) outcome = outcomeWithoutBatch(started.plan, "ERROR", message);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  if (!started || !outcome) return;
  const shown = redactOutcome(outcome);
  setOutputs(shown);
  const values = redactInputs(started.config.values);
  await publish(shown, { ...started.config, values }, started.context);
}

// src/index.ts
await run();
