import { gitFact } from '../lib/git.js'
import { localNonce, type RunFacts } from '../plan/facts.js'

/**
 * CI systems check out a detached commit and name the branch in a variable: GitLab (the merge
 * request's source branch, else the pipeline's branch), Jenkins multibranch pipelines.
 */
const ciBranch = (env: NodeJS.ProcessEnv): string | undefined =>
  env.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME || env.CI_COMMIT_BRANCH || env.BRANCH_NAME || undefined

/**
 * The facts of a run on a developer's machine or another CI: the branch and commit from the
 * local repository, asked with read-only git commands (src/lib/git.ts sets GIT_OPTIONAL_LOCKS=0
 * so not even the index is refreshed), and no workflow run: the plan then names the run and
 * batch from `localNonce`, unique to this invocation.
 */
export async function localRunFacts(
  workingDirectory: string,
  shippedEntrypoint: string,
  env: NodeJS.ProcessEnv = process.env,
  now = new Date()
): Promise<RunFacts> {
  const [branch, commit] = await Promise.all([
    gitFact(workingDirectory, ['symbolic-ref', '--short', '-q', 'HEAD']),
    gitFact(workingDirectory, ['rev-parse', 'HEAD'])
  ])
  return {
    branch: branch ?? ciBranch(env) ?? '',
    commit: commit ?? '',
    repository: '',
    runId: '',
    runNumber: '',
    runAttempt: '',
    job: '',
    step: '',
    localNonce: localNonce(now),
    shippedEntrypoint
  }
}
