import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseOutputFile } from '../../scripts/runner-files.js'
import { runNode, type ChildRun } from './child.js'

export { parseOutputFile }

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
/**
 * The bundle under test: the integration project's setup builds one from the current sources
 * (__tests__/helpers/bundle-setup.mjs); outside it, the committed dist/.
 */
export const BUNDLE = process.env.KEDRO_DATAPROC_TEST_BUNDLE ?? join(ROOT, 'dist')
export const DIST = join(BUNDLE, 'index.js')

export interface ActionRun extends ChildRun {
  outputs: Record<string, string>
  /** What the step saved for its post step (the runner hands it over as STATE_* variables). */
  state: Record<string, string>
  summary: string
}

export interface ActionOptions {
  inputs: Record<string, string>
  env?: Record<string, string>
  event?: unknown
  /** Called once the process runs, e.g. to send it a signal. */
  onStart?: (child: ReturnType<typeof spawn>) => void
  script?: string
}

/**
 * Runs the bundled action the way the runner does: `node dist/index.js` with `INPUT_*`
 * variables, an event payload, and files for outputs and the job summary.
 */
export async function runAction(options: ActionOptions): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'action-run-'))
  const outputFile = join(dir, 'output')
  const summaryFile = join(dir, 'summary')
  const eventFile = join(dir, 'event.json')
  const stateFile = join(dir, 'state')
  for (const file of [outputFile, summaryFile, stateFile]) writeFileSync(file, '')
  writeFileSync(eventFile, JSON.stringify(options.event ?? {}))
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_STATE: stateFile,
    RUNNER_TEMP: dir,
    ...options.env
  }
  for (const [name, value] of Object.entries(options.inputs))
    env[`INPUT_${name.toUpperCase()}`] = value
  const run = await runNode(options.script ?? DIST, [], { env, onStart: options.onStart })
  return {
    ...run,
    outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
    state: parseOutputFile(readFileSync(stateFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8')
  }
}

/** Resolves once the running action has printed text matching `pattern`. */
export function waitForOutput(child: ReturnType<typeof spawn>, pattern: RegExp): Promise<void> {
  return new Promise(resolve => {
    let seen = ''
    const listener = (chunk: Buffer): void => {
      seen += chunk.toString()
      if (pattern.test(seen)) {
        child.stdout?.off('data', listener)
        resolve()
      }
    }
    child.stdout?.on('data', listener)
  })
}

export interface WorkflowRun {
  workspace: string
  runNumber: number
  event?: string
  ref: string
  refType?: 'branch' | 'tag'
  sha?: string
}

/** The variables the runner sets for a workflow run, for a push unless told otherwise. */
export function workflowEnv(run: WorkflowRun): Record<string, string> {
  const env: Record<string, string> = {
    GITHUB_EVENT_NAME: run.event ?? 'push',
    GITHUB_REF_NAME: run.ref,
    GITHUB_REF_TYPE: run.refType ?? 'branch',
    GITHUB_REPOSITORY: 'acme/pipelines',
    GITHUB_RUN_ID: String(run.runNumber),
    GITHUB_RUN_NUMBER: String(run.runNumber),
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKSPACE: run.workspace
  }
  if (run.sha) env.GITHUB_SHA = run.sha
  return env
}

/** What the runner hands a post step: the main step's saved state as STATE_* variables. */
export function postStepEnv(main: ActionRun): Record<string, string> {
  return Object.fromEntries(
    Object.entries(main.state).map(([key, value]) => [`STATE_${key}`, value])
  )
}
