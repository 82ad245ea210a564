/** The action with `cleanup: true`: the branch cleaned up, said in the log, the summary and the comment. */
import * as core from '@actions/core'
import { cleanupLines } from '../cleanup/clean.js'
import { runCleanup } from '../cleanup/run.js'
import type { Config } from '../inputs/config.js'
import { log } from '../lib/log.js'
import type { Plan } from '../plan/plan.js'
import type { ActionFacts } from './facts.js'
import { upsertPrComment } from './pr-comment.js'
import { commentMarker } from './publish.js'

export async function cleanupStep(
  plan: Plan,
  config: Config,
  context: Pick<ActionFacts, 'pullRequest' | 'repository' | 'job'>
): Promise<void> {
  const result = await runCleanup(plan, 'branch')
  const lines = cleanupLines(result)
  for (const line of lines) log.info(line)
  const title = `🧹 Kedro on Dataproc — branch ${plan.branch} ${result.dryRun ? 'would be cleaned up (dry run)' : 'cleaned up'}`
  if (process.env.GITHUB_STEP_SUMMARY)
    await core.summary.addHeading(title, 3).addList(lines).write()
  const { githubToken, prComment } = config.report
  if (prComment === 'never' || context.pullRequest === undefined || !githubToken) return
  const comment = await upsertPrComment({
    token: githubToken,
    apiUrl: process.env.GITHUB_API_URL || 'https://api.github.com',
    repository: context.repository,
    pullRequest: context.pullRequest,
    marker: commentMarker(plan, context),
    body: [`### ${title}`, '', ...lines.map(line => `- ${line}`)].join('\n')
  })
  if (comment.action === 'skipped') log.warning(`pull-request comment skipped: ${comment.reason}`)
}
