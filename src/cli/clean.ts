/** `kedro-dataproc clean --branch NAME`: what a branch left behind, removed (or listed with --dry-run). */
import { cleanupItems, cleanupLines } from '../cleanup/clean.js'
import { runCleanup } from '../cleanup/run.js'
import { parseInputs } from '../inputs/parse.js'
import { parseBoolean } from '../inputs/syntax.js'
import { valueOf } from '../inputs/table.js'
import { buildPlan } from '../plan/plan.js'
import { localRunFacts } from './facts.js'
import type { Result } from './result.js'
import type { RunCommandOptions } from './run.js'
import { checkCredentials, valuesOf } from './session.js'

export async function cleanCommand(options: RunCommandOptions, branch?: string): Promise<Result> {
  const { settings, terminal, env, cwd } = options
  const values = valuesOf(settings)
  // A cleanup builds nothing, so the build's files need not exist.
  const config = parseInputs({ ...values, cleanup: 'true' }, { workspace: cwd, env })
  const dryRun = parseBoolean(valueOf(values, 'dry-run')) ?? false
  const facts = await localRunFacts(config.workingDirectory, options.shippedEntrypoint, env)
  const plan = buildPlan(config, { ...facts, branch: branch || facts.branch })
  if (plan.credentials.needed) await checkCredentials()
  const result = await runCleanup(plan, 'branch', dryRun)
  terminal.info(terminal.out.bold(`clean ${plan.branch}${result.dryRun ? ' (dry run)' : ''}`))
  for (const line of cleanupLines(result)) terminal.info(`  ${line}`)
  const { leftovers } = result
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
  }
}
