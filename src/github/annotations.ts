import { isAbsolute, join, relative, sep } from 'node:path'
import type { Outcome } from '../deploy/outcome.js'
import { log } from '../lib/log.js'
import { failedNodes, pipelineReport } from '../report/pipeline.js'

/**
 * A path the driver reported inside the unpacked code (relative to the project directory), as
 * the runner wants it: relative to the repository; undefined when it would leave it.
 */
export function repositoryPath(
  projectDirectory: string,
  file: string,
  workspace: string
): string | undefined {
  if (isAbsolute(file)) return undefined
  const path = relative(workspace, join(projectDirectory, file))
  if (!path || path.startsWith('..') || isAbsolute(path)) return undefined
  return path.split(sep).join('/')
}

/**
 * Each failed Kedro node as an error annotation on the line of the project's code that raised,
 * which GitHub shows on the pull request's diff.
 */
export function annotateFailedNodes(
  outcome: Outcome,
  workspace = process.env.GITHUB_WORKSPACE || process.cwd()
): void {
  for (const node of failedNodes(pipelineReport(outcome.driverOutput))) {
    const file =
      node.file === undefined
        ? undefined
        : repositoryPath(outcome.plan.code.directory, node.file, workspace)
    const message = `Kedro node ${node.name} failed: ${node.error ?? 'see the driver output'}`
    log.error(message, file && node.line ? { file, line: node.line } : undefined)
  }
}
