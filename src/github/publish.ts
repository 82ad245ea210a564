import * as core from '@actions/core'
import type { RunContext } from './context.js'
import type { Config } from '../inputs/inputs.js'
import {
  batchDuration,
  logsUrl,
  inputRows,
  quoteForDisplay,
  writeRunSummary,
  type RunReport
} from '../report/report.js'
import { uploadRunArtifacts } from './artifacts.js'
import { renderPrComment, upsertPrComment } from './pr-comment.js'

/**
 * Everything a person reads after the run: the job summary, the sticky pull-request comment and
 * the workflow artifact. None of it may fail a run: a report that cannot be written is a warning.
 */
export async function publishReport(
  report: RunReport,
  config: Config,
  context: RunContext
): Promise<void> {
  await guard('job summary', () => writeRunSummary(report, inputRows(config)))
  await guard('pull-request comment', () => comment(report, config, context))
  if (config.uploadArtifacts) await guard('artifact', () => artifacts(report, context))
}

/**
 * A run that submitted nothing (a dry run, or skipped for lack of credentials) comments on the pull
 * request only with `pr-comment: always`.
 */
export async function publishWithoutBatch(
  report: RunReport,
  config: Config,
  context: RunContext
): Promise<void> {
  if (config.prComment === 'always')
    await guard('pull-request comment', () => comment(report, config, context))
}

async function guard(what: string, step: () => Promise<void>): Promise<void> {
  try {
    await step()
  } catch (error) {
    core.warning(`could not write the ${what}: ${(error as Error).message}`)
  }
}

function runUrl(context: RunContext): string | undefined {
  if (!context.repository || !context.runId) return undefined
  return `${context.serverUrl}/${context.repository}/actions/runs/${context.runId}${context.runAttempt ? `/attempts/${context.runAttempt}` : ''}`
}

async function comment(report: RunReport, config: Config, context: RunContext): Promise<void> {
  if (config.prComment === 'never' || context.pullRequest === undefined) return
  if (!config.githubToken) {
    core.warning('pr-comment: no github-token, so no pull-request comment was written')
    return
  }
  const { plan } = report
  const body = renderPrComment({
    state: report.state,
    batchId: plan.batch.id,
    consoleUrl: plan.batch.consoleUrl,
    logsUrl: logsUrl(plan),
    durationSeconds:
      report.durationSeconds ?? (report.batch ? batchDuration(report.batch) : undefined),
    runId: plan.runId,
    branch: plan.branch || plan.release || '',
    kedroCommand: quoteForDisplay(['kedro', 'run', ...plan.kedroRunArgs]),
    image: report.image,
    runUrl: runUrl(context),
    stateMessage: report.stateMessage || undefined
  })
  const result = await upsertPrComment({
    token: config.githubToken,
    apiUrl: process.env.GITHUB_API_URL || 'https://api.github.com',
    repository: context.repository,
    pullRequest: context.pullRequest,
    // One comment per workflow, job and run configuration: a matrix of projects gets one each.
    marker: `kedro-dataproc-action:${process.env.GITHUB_WORKFLOW ?? ''}:${context.job}:${plan.env}:${config.workingDirectory.replace(process.env.GITHUB_WORKSPACE ?? '', '.')}`,
    body
  })
  if (result.action === 'skipped') core.warning(`pull-request comment skipped: ${result.reason}`)
  else core.info(`pull-request comment ${result.action}: ${result.url}`)
}

async function artifacts(report: RunReport, context: RunContext): Promise<void> {
  const name = `kedro-dataproc-${report.plan.batch.id}${context.runAttempt ? `-attempt-${context.runAttempt}` : ''}`
  const result = await uploadRunArtifacts(name, [
    { name: 'driver-output.log', content: report.driverOutput.map(line => `${line}\n`).join('') },
    { name: 'batch.json', content: `${JSON.stringify(report.batch ?? null, null, 2)}\n` },
    { name: 'plan.json', content: `${JSON.stringify(report.plan, null, 2)}\n` }
  ])
  if (result.uploaded) core.info(`artifact ${result.name} uploaded`)
  else core.notice(result.reason)
}
