import { checkRunArgs } from './check.js'
import { formatVersion } from './options.js'
import { initVersionProblem, projectKedro, type ProjectKedro } from './project.js'
import { splitWords } from '../lib/words.js'
import { errorMessage } from '../lib/errors.js'

/** `kedro-run-args` read and checked against the project's own Kedro. */
export interface KedroRun {
  /** The arguments for `kedro run`, one argv item each. */
  args: string[]
  kedro: ProjectKedro
  /** Each names its input. */
  problems: string[]
  warnings: string[]
}

export function checkKedroRun(text: string, projectDir: string): KedroRun {
  const problems: string[] = []
  let args: string[] = []
  try {
    args = splitWords(text)
  } catch (error) {
    problems.push(`kedro-run-args: ${errorMessage(error)}`)
  }
  const kedro = projectKedro(projectDir)
  const checked = checkRunArgs(args, kedro.version)
  const against = `(checked against Kedro ${formatVersion(kedro.version)}: ${kedro.reason})`
  problems.push(...checked.problems.map(problem => `kedro-run-args: ${problem} ${against}`))
  const mismatch = initVersionProblem(kedro)
  if (mismatch) problems.push(`working-directory: ${mismatch}`)
  return {
    args,
    kedro,
    problems,
    warnings: checked.warnings.map(warning => `kedro-run-args: ${warning}`)
  }
}
