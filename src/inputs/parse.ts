import { checkKedroRun } from '../kedro/run.js'
import { readBatchSettings } from './batch.js'
import { readBehaviour, readWorkingDirectory } from './behaviour.js'
import { inProject, readBuild } from './build.js'
import { buildsImage, type Config } from './config.js'
import { readCleanup } from './cleanup.js'
import { readPricing } from './pricing.js'
import { InputError, InputReader } from './reader.js'
import { parseList } from './syntax.js'
import type { InputValues } from './table.js'
import { warningsOf } from './warnings.js'
import { readWhere } from './where.js'

/** What parsing needs besides the inputs, given by the front end. */
export interface ParseFacts {
  /** What a relative working-directory is relative to. */
  workspace: string
  /** The tag the run started from: a prod run's release when the inputs name none. */
  tag?: string
  /** Read for the emulator variables (DATAPROC_EMULATOR_HOST and the like). */
  env?: NodeJS.ProcessEnv
  now?: Date
}

/**
 * Reads and checks every input before anything happens. All problems are gathered into one
 * InputError, each naming its input and the fix.
 */
export function parseInputs(values: InputValues, facts: ParseFacts): Config {
  const r = new InputReader(values, facts.env ?? process.env)
  const where = readWhere(r, facts.tag, facts.now ?? new Date())
  const workingDirectory = readWorkingDirectory(r, facts.workspace)
  const behaviour = readBehaviour(r, where.env, workingDirectory)
  const cleanup = readCleanup(r)
  // A dry run plans the build the real run does, so it needs the same files; a cleanup builds nothing.
  const building =
    !cleanup.cleanup &&
    buildsImage({ image: r.optional('image'), dryRun: false, prepare: behaviour.prepare })
  const build = readBuild(r, where.env, workingDirectory, building, behaviour.prepare)
  const batch = readBatchSettings(r)
  const pricing = readPricing(r)
  const kedroRun = checkKedroRun(r.text('kedro-run-args'), workingDirectory)
  r.problems.push(...kedroRun.problems)
  const allowSecretFiles = parseList(r.text('allow-secret-files')).map(name =>
    inProject(r, workingDirectory, 'allow-secret-files', name)
  )
  if (r.problems.length > 0) throw new InputError(r.problems)

  const { runtimeWarning, ...place } = where
  const config = {
    values,
    ...place,
    ...behaviour,
    ...build,
    ...batch,
    kedroRunArgs: kedroRun.args,
    kedro: kedroRun.kedro,
    allowSecretFiles,
    pricing,
    cleanup
  }
  return { ...config, warnings: [...kedroRun.warnings, ...warningsOf(config, runtimeWarning)] }
}
