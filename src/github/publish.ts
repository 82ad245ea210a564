import { batchDuration, type Outcome } from '../deploy/outcome.js'
import type { ReportSettings } from '../inputs/config.js'
import type { InputValues } from '../inputs/table.js'
import { pipelineSection } from '../report/graph.js'
import { kedroCommand, logsUrl } from '../report/rows.js'
import { annotateFailedNodes } from './annotations.js'
import { uploadRunArtifacts } from './artifacts.js'
import type { ActionFacts } from './facts.js'
import { renderPrComment, upsertPrComment } from './pr-comment.js'
import { writeDryRunSummary, writeRunSummary } from './summary.js'
import { errorMessage } from '../lib/errors.js'
import { log } from '../lib/log.js'

/** What the reports need beside the outcome. */
export interface Reporting {
  /** The inputs as given (secrets redacted), which the summary lists. */
  values: InputValues
  report: ReportSettings
  facts: Facts
}

type Facts = Pick<
  ActionFacts,
  'repository' | 'runId' | 'runAttempt' | 'job' | 'serverUrl' | 'pullRequest'
>

/**
 * Everything a person reads after the run: the job summary, the sticky pull-request comment and
 * the workflow artifact. None of it may fail a run: a report that cannot be written is a warning.
 * A run that submitted nothing (a dry run, or skipped for lack of credentials) only comments,
 * and only with `pr-comment: always`; a dry run's summary shows its plan.
 */
export async function publish(outcome: Outcome, reporting: Reporting): Promise<void> {
  const { report, facts } = reporting
  const withoutBatch = ['PLANNED', 'SKIPPED'].includes(outcome.state)
  if (outcome.state === 'PLANNED')
    await guard('job summary', () => writeDryRunSummary(outcome.plan))
  if (withoutBatch) {
    if (report.prComment === 'always')
      await guard('pull-request comment', () => comment(outcome, report, facts))
    return
  }
  annotateFailedNodes(outcome)
  await guard('job summary', () => writeRunSummary(outcome, reporting.values))
  await guard('pull-request comment', () => comment(outcome, report, facts))
  if (report.uploadArtifacts) await guard('artifact', () => artifacts(outcome, facts))
}

async function guard(what: string, step: () => Promise<void>): Promise<void> {
  try {
    await step()
  } catch (error) {
    log.warning(`could not write the ${what}: ${errorMessage(error)}`)
  }
}

function runUrl(context: Facts): string | undefined {
  if (!context.repository || !context.runId) return undefined
  return `${context.serverUrl}/${context.repository}/actions/runs/${context.runId}${context.runAttempt ? `/attempts/${context.runAttempt}` : ''}`
}

/**
 * One comment per workflow, job, environment and project directory: a matrix of projects gets
 * one each, and a re-run updates its own.
 */
export function commentMarker(
  plan: Outcome['plan'],
  context: Pick<Facts, 'job'>,
  env: NodeJS.ProcessEnv = process.env
): string {
  const directory = plan.code.directory.replace(env.GITHUB_WORKSPACE ?? '', '.')
  return `kedro-dataproc-action:${env.GITHUB_WORKFLOW ?? ''}:${context.job}:${plan.env}:${directory}`
}

async function comment(outcome: Outcome, report: ReportSettings, context: Facts): Promise<void> {
  if (report.prComment === 'never' || context.pullRequest === undefined) return
  if (!report.githubToken) {
    log.warning('pr-comment: no github-token, so no pull-request comment was written')
    return
  }
  const { plan } = outcome
  const body = renderPrComment({
    state: outcome.state,
    batchId: plan.batch.id,
    consoleUrl: plan.batch.consoleUrl,
    logsUrl: logsUrl(plan),
    durationSeconds:
      outcome.durationSeconds ?? (outcome.batch ? batchDuration(outcome.batch) : undefined),
    runId: plan.runId,
    branch: plan.branch || plan.release || '',
    kedroCommand: kedroCommand(plan),
    image: plan.image.reference,
    runUrl: runUrl(context),
    stateMessage: outcome.stateMessage || undefined,
    pipeline: pipelineSection(outcome.driverOutput)
  })
  const result = await upsertPrComment({
    token: report.githubToken,
    apiUrl: process.env.GITHUB_API_URL || 'https://api.github.com',
    repository: context.repository,
    pullRequest: context.pullRequest,
    marker: commentMarker(plan, context),
    body
  })
  if (result.action === 'skipped') log.warning(`pull-request comment skipped: ${result.reason}`)
  else log.info(`pull-request comment ${result.action}: ${result.url}`)
}

async function artifacts(outcome: Outcome, context: Facts): Promise<void> {
  const name = `kedro-dataproc-${outcome.plan.batch.id}${context.runAttempt ? `-attempt-${context.runAttempt}` : ''}`
  const result = await uploadRunArtifacts(name, [
    { name: 'driver-output.log', content: outcome.driverOutput.map(line => `${line}\n`).join('') },
    { name: 'batch.json', content: `${JSON.stringify(outcome.batch ?? null, null, 2)}\n` },
    { name: 'plan.json', content: `${JSON.stringify(outcome.plan, null, 2)}\n` }
  ])
  if (result.uploaded) log.info(`artifact ${result.name} uploaded`)
  else log.notice(result.reason)
}
