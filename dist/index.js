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
} from "./chunks/chunk-Q5DS7M7E.js";
import {
  getInput,
  setOutput,
  summary
} from "./chunks/chunk-7UHJAPSN.js";
import "./chunks/chunk-EZPIEO5R.js";
import {
  batchDuration,
  buildPlan,
  cleanupLines,
  costUsd,
  errorOutcome,
  failedNodes,
  failureMessage,
  formatRows,
  gitFact,
  givenInputs,
  kedroCommand,
  kedroPreflight,
  localNonce,
  logsUrl,
  maskPlanSecrets,
  outcomeRows,
  parseInputs,
  pipelineReport,
  planRows,
  readValues,
  redactInputs,
  redactOutcome,
  redactPlan,
  runCleanup,
  runPlan
} from "./chunks/chunk-V75D2GUH.js";
import "./chunks/chunk-RGANAITH.js";
import {
  deployingIdentity,
  log,
  setLogSink
} from "./chunks/chunk-QT2O4U7V.js";
import "./chunks/chunk-YU4TNTCD.js";
import "./chunks/chunk-TXJMAUJD.js";
import "./chunks/chunk-ELYQ5VLN.js";
import "./chunks/chunk-6VP2FVX6.js";
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

// src/report/markdown.ts
function escapeMarkdown(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/[\\`*_[\]()#|~!]/g, "\\$&").replace(/\s+/g, " ");
}

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
    `### ${icon} Kedro on Dataproc: ${escapeMarkdown(input.state)}${duration}`,
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
  if (input.pipeline) lines.push(input.pipeline);
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

// src/report/graph.ts
var MAX_DRAWN_NODES = 40;
var MAX_GRAPH_CHARS = 3e4;
var SLOWEST = 5;
var CLASS = {
  completed: "completed",
  failed: "failed",
  "not run": "notrun"
};
var ICON = { completed: "\u2705", failed: "\u274C", "not run": "\u23F8\uFE0F" };
function mermaidLabel(text) {
  return [...text].map((ch) => /[\p{L}\p{N} _.,:/-]/u.test(ch) ? ch : `#${ch.codePointAt(0)};`).join("");
}
function formatSeconds(seconds) {
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)}s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, "0")}s`;
}
var isParameter = (name) => name === "parameters" || name.startsWith("params:");
function drawn(nodes) {
  if (nodes.length <= MAX_DRAWN_NODES) return [...nodes];
  const failed = nodes.filter((node) => node.status === "failed");
  const room = Math.max(0, MAX_DRAWN_NODES - failed.length);
  const kept = /* @__PURE__ */ new Set([
    ...nodes.filter((node) => node.status !== "failed").slice(0, room),
    ...failed
  ]);
  return nodes.filter((node) => kept.has(node));
}
function nodeLine(node, id) {
  const time = node.seconds === void 0 ? "" : `<br/>${formatSeconds(node.seconds)}`;
  return `  ${id}["${ICON[node.status]} ${mermaidLabel(node.name)}${time}"]:::${CLASS[node.status]}`;
}
function flowchart(nodes, withDatasets) {
  const lines = [
    "flowchart LR",
    "  classDef completed fill:#dafbe1,stroke:#1a7f37,color:#0f5323",
    "  classDef failed fill:#ffebe9,stroke:#cf222e,color:#82071e,stroke-width:3px",
    "  classDef notrun fill:#f6f8fa,stroke:#8c959f,color:#57606a,stroke-dasharray:4 3",
    "  classDef dataset fill:#ffffff,stroke:#d0d7de,color:#57606a"
  ];
  const datasets = /* @__PURE__ */ new Map();
  const dataset = (name) => {
    let id = datasets.get(name);
    if (id === void 0) {
      id = `d${datasets.size}`;
      datasets.set(name, id);
      lines.push(`  ${id}[("${mermaidLabel(name)}")]:::dataset`);
    }
    return id;
  };
  const producers = /* @__PURE__ */ new Map();
  nodes.forEach((node, index) => node.outputs.forEach((out) => producers.set(out, `n${index}`)));
  nodes.forEach((node, index) => {
    const id = `n${index}`;
    lines.push(nodeLine(node, id));
    for (const input of node.inputs.filter((name) => !isParameter(name))) {
      if (withDatasets) lines.push(`  ${dataset(input)} --> ${id}`);
      else if (producers.has(input)) lines.push(`  ${producers.get(input)} --> ${id}`);
    }
    if (withDatasets)
      for (const output of node.outputs) lines.push(`  ${id} --> ${dataset(output)}`);
  });
  return lines.join("\n");
}
function pipelineGraph(report) {
  const nodes = drawn(report.nodes);
  const full = flowchart(nodes, true);
  return full.length <= MAX_GRAPH_CHARS ? full : flowchart(nodes, false);
}
function counts(report) {
  const by = (status) => report.nodes.filter((node) => node.status === status).length;
  const parts = [
    `${by("completed")} completed`,
    `${by("failed")} failed`,
    `${by("not run")} not run`
  ];
  const hidden = report.total - Math.min(report.nodes.length, MAX_DRAWN_NODES);
  return `${parts.join(", ")} of ${report.total} nodes${hidden > 0 ? ` (${hidden} not drawn)` : ""}`;
}
function pipelineMarkdown(report) {
  const timed = report.nodes.filter((node) => node.seconds !== void 0).sort((a, b) => b.seconds - a.seconds).slice(0, SLOWEST);
  const table2 = timed.length ? [
    "| slowest nodes | outcome | time |",
    "| --- | --- | --- |",
    ...timed.map(
      (node) => `| ${escapeMarkdown(node.name)} | ${ICON[node.status]} ${node.status} | ${formatSeconds(node.seconds)} |`
    )
  ] : [];
  return [
    "",
    `**Pipeline**: ${counts(report)}`,
    "",
    "```mermaid",
    pipelineGraph(report),
    "```",
    "",
    ...table2,
    ""
  ].join("\n");
}
function pipelineSection(driverOutput) {
  const report = pipelineReport(driverOutput);
  return report && pipelineMarkdown(report);
}

// src/github/annotations.ts
import { isAbsolute, join, relative, sep } from "node:path";
function repositoryPath(projectDirectory, file, workspace) {
  if (isAbsolute(file)) return void 0;
  const path = relative(workspace, join(projectDirectory, file));
  if (!path || path.startsWith("..") || isAbsolute(path)) return void 0;
  return path.split(sep).join("/");
}
function annotateFailedNodes(outcome, workspace = process.env.GITHUB_WORKSPACE || process.cwd()) {
  for (const node of failedNodes(pipelineReport(outcome.driverOutput))) {
    const file = node.file === void 0 ? void 0 : repositoryPath(outcome.plan.code.directory, node.file, workspace);
    const message = `Kedro node ${node.name} failed: ${node.error ?? "see the driver output"}`;
    log.error(message, file && node.line ? { file, line: node.line } : void 0);
  }
}

// src/github/artifacts.ts
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join as join2 } from "node:path";
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
  const dir = await mkdtemp(join2(tmpdir(), "kedro-dataproc-artifact-"));
  try {
    const paths = await Promise.all(
      files.map(async (file) => {
        const path = join2(dir, file.name);
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
  summary2.addTable(table("value", outcomeRows(outcome)));
  const pipeline = pipelineSection(outcome.driverOutput);
  if (pipeline) summary2.addRaw(`${pipeline}
`);
  await summary2.addRaw(`<p>${links(outcome)}</p>
`).addDetails(
    `Driver output (last ${lines.length} of ${outcome.driverOutput.length} lines)`,
    preBlock(tail)
  ).addDetails("kedro command", preBlock(kedroCommand(plan))).addDetails("Inputs", preBlock(inputs.join("\n"))).write();
}

// src/github/publish.ts
async function publish(outcome, reporting) {
  const { report, facts } = reporting;
  const withoutBatch = ["PLANNED", "SKIPPED"].includes(outcome.state);
  if (outcome.state === "PLANNED")
    await guard("job summary", () => writeDryRunSummary(outcome.plan));
  if (withoutBatch) {
    if (report.prComment === "always")
      await guard("pull-request comment", () => comment(outcome, report, facts));
    return;
  }
  annotateFailedNodes(outcome);
  await guard("job summary", () => writeRunSummary(outcome, reporting.values));
  await guard("pull-request comment", () => comment(outcome, report, facts));
  if (report.uploadArtifacts) await guard("artifact", () => artifacts(outcome, facts));
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
async function comment(outcome, report, context) {
  if (report.prComment === "never" || context.pullRequest === void 0) return;
  if (!report.githubToken) {
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
    stateMessage: outcome.stateMessage || void 0,
    pipeline: pipelineSection(outcome.driverOutput)
  });
  const result = await upsertPrComment({
    token: report.githubToken,
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

// src/github/cleanup.ts
async function cleanupStep(plan, config, context) {
  const result = await runCleanup(plan, "branch");
  const lines = cleanupLines(result);
  for (const line of lines) log.info(line);
  const title = `\u{1F9F9} Kedro on Dataproc \u2014 branch ${plan.branch} ${result.dryRun ? "would be cleaned up (dry run)" : "cleaned up"}`;
  if (process.env.GITHUB_STEP_SUMMARY)
    await summary.addHeading(title, 3).addList(lines).write();
  const { githubToken, prComment } = config.report;
  if (prComment === "never" || context.pullRequest === void 0 || !githubToken) return;
  const comment2 = await upsertPrComment({
    token: githubToken,
    apiUrl: process.env.GITHUB_API_URL || "https://api.github.com",
    repository: context.repository,
    pullRequest: context.pullRequest,
    marker: commentMarker(plan, context),
    body: [`### ${title}`, "", ...lines.map((line) => `- ${line}`)].join("\n")
  });
  if (comment2.action === "skipped") log.warning(`pull-request comment skipped: ${comment2.reason}`);
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
var usdText = (usd) => usd === void 0 ? "" : String(Number(usd.toFixed(6)));
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
    cost: usdText(costUsd(outcome)),
    plan: JSON.stringify(plan)
  };
  for (const [name, value] of Object.entries(outputs)) setOutput(name, value);
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
var holdsForkCode = (fork) => fork !== void 0 && (!fork.checkedOut || fork.checkedOut !== fork.trustedSha);

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
  const facts = await gatherRunFacts(config.workingDirectory);
  checkForkCode(facts.eventName, facts.fork, config.allowForkCode);
  const plan = buildPlan(config, { ...facts, shippedEntrypoint: SHIPPED_ENTRYPOINT });
  maskPlanSecrets(plan);
  return { config, facts, plan };
}
function hooks(plan, abort) {
  return {
    abort,
    // The plan as submitted names the same batch: its name and request id never change.
    onSubmitting: () => saveSubmitting(plan),
    onSubmitted: (operation) => saveSubmitted(plan, operation),
    onSettled: saveFinished,
    onLine: log.output
  };
}
async function checkedRun(started, abort) {
  const { config, facts, plan } = started;
  await showPlan(redactPlan(plan));
  try {
    await kedroPreflight(config, plan, !holdsForkCode(facts.fork));
  } catch (error) {
    return errorOutcome(plan, error);
  }
  return runPlan(plan, hooks(plan, abort));
}
async function plannedOrFailed() {
  try {
    return await planned();
  } catch (error) {
    fail(`${PREFIX}: ${explainError(error, deployingIdentity())}`);
    return void 0;
  }
}
async function cleanedOrFailed({ config, facts, plan }) {
  try {
    await cleanupStep(plan, config, facts);
  } catch (error) {
    fail(`${PREFIX}: ${explainError(error, deployingIdentity())}`);
  }
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
    started = await plannedOrFailed();
    if (started?.plan.cleanup.cleanup) return await cleanedOrFailed(started);
    if (started) outcome = await checkedRun(started, abort.signal);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  if (!started || !outcome) return;
  const failure = failureMessage(outcome);
  if (failure !== void 0) fail(`${PREFIX}: ${failure}`);
  const shown = redactOutcome(outcome);
  setOutputs(shown);
  const values = redactInputs(started.config.values);
  await publish(shown, { values, report: started.config.report, facts: started.facts });
}

// src/index.ts
await run();
