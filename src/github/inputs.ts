import * as core from '@actions/core'
import type { ParseFacts } from '../inputs/parse.js'
import { readValues, type InputValues } from '../inputs/table.js'

/** The step's inputs as the runner passes them (`INPUT_*`, with action.yml's defaults filled in). */
export const actionInputs = (): InputValues => readValues(name => core.getInput(name))

/** What parsing needs from the runner: the workspace, and the tag a tag push started from. */
export function runnerFacts(env: NodeJS.ProcessEnv = process.env): ParseFacts {
  return {
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    tag: env.GITHUB_REF_TYPE === 'tag' ? env.GITHUB_REF_NAME : undefined,
    env
  }
}
