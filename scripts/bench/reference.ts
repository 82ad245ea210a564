/**
 * Side (a): the guide's dev flow as its scripts do it (scripts/reference/submit_batches.py, run from
 * the generated repository's root), with gcloud pointed at the local stack the way a developer
 * configures it: its own configuration directory, endpoint overrides and no credentials.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Stack } from '../../emulators/stack.js'
import { lineTime, runTimed, tail } from './process.js'

export const SUBMIT_BATCHES = fileURLToPath(
  new URL('../reference/submit_batches.py', import.meta.url)
)
/** Holds the `kedro` console script the guide's entrypoint runs through a shell. */
export const REFERENCE_BIN = fileURLToPath(new URL('../reference/bin', import.meta.url))

export interface Names {
  project: string
  region: string
  submitBucket: string
  outputBucket: string
  /** Artifact Registry repository (the guide's USECASE). */
  repository: string
  serviceAccount: string
  runtimeVersion: string
  kedroRunArgs: string
}

/** The environment the guide's script runs in: gcloud configured for the stack, nothing else. */
export function referenceEnvironment(stack: Stack, names: Names, work: string): NodeJS.ProcessEnv {
  const configFile = join(work, 'project-config.json')
  writeFileSync(
    configFile,
    JSON.stringify({
      dev: {
        PROJECT_ID: names.project,
        REGION: names.region,
        DATAPROC: {
          RUN_SUBMIT_BUCKET: names.submitBucket,
          RUN_SERVICE_ACCOUNT: names.serviceAccount,
          SERVERLESS: {
            RUNTIME_VERSION: names.runtimeVersion,
            IMAGE_NAME: 'dataproc-serverless',
            USECASE: names.repository
          }
        }
      }
    })
  )
  const gcloudConfig = join(work, 'gcloud-config')
  mkdirSync(gcloudConfig, { recursive: true })
  // A developer's own CLOUDSDK_* variables would point gcloud elsewhere; only the interpreter
  // choice is kept.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !key.startsWith('CLOUDSDK_') || key.startsWith('CLOUDSDK_PYTHON')
    )
  )
  return {
    ...inherited,
    // Properties as variables: the same as `gcloud config set`, without six gcloud calls.
    CLOUDSDK_CONFIG: gcloudConfig,
    CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE: `${stack.storage}/storage/v1/`,
    CLOUDSDK_API_ENDPOINT_OVERRIDES_DATAPROC: `${stack.dataprocRest}/`,
    CLOUDSDK_AUTH_DISABLE_CREDENTIALS: 'true',
    CLOUDSDK_CORE_PROJECT: names.project,
    CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
    CLOUDSDK_CORE_DISABLE_USAGE_REPORTING: 'true',
    CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK: 'true',
    REFERENCE_PROJECT_CONFIG: configFile,
    // The script prints "Running command: …" before each step; unbuffered, each line arrives
    // when the step starts, which is what times the phases.
    PYTHONUNBUFFERED: '1'
  }
}

export interface ReferenceSample {
  /** Spawn of the script to its exit (ms). */
  endToEnd: number
  /** First prepare step (mkdir) starting to the submit command starting (ms). */
  prepare: number
  /** Spawn to the submit command starting (ms). */
  preSubmission: number
  batchId: string
  /** When the script (right after gcloud) exited, ms since the epoch. */
  exitedAt: number
  /** Each command the script ran, with its duration (ms): from its line to the next, or the exit. */
  steps: { command: string; ms: number }[]
}

export async function runReference(
  env: NodeJS.ProcessEnv,
  repo: string,
  names: Names,
  runId: string
): Promise<ReferenceSample> {
  const run = await runTimed(
    'python3',
    [SUBMIT_BATCHES, '--env', 'dev', '--run-id', runId, `--kedro-run-args=${names.kedroRunArgs}`],
    { cwd: repo, env }
  )
  if (run.code !== 0) {
    throw new Error(`the reference flow exited ${run.code}:\n${tail(run.output)}`)
  }
  const prepareStart = lineTime(run, /^Running command: \['mkdir'/, 'reference prepare start')
  const submitStart = lineTime(
    run,
    /^Running command: \['gcloud', 'dataproc', 'batches', 'submit'/,
    'reference submit'
  )
  const batchId = /Batch \[([^\]]+)\] submitted/.exec(run.output)?.[1]
  if (!batchId) throw new Error(`gcloud named no batch:\n${tail(run.output)}`)
  const starts = run.lines.filter(l => l.text.startsWith('Running command: '))
  const steps = starts.map((line, i) => ({
    command: line.text.slice('Running command: '.length),
    ms: (starts[i + 1]?.at ?? run.endedAt) - line.at
  }))
  return {
    steps,
    endToEnd: run.endedAt - run.startedAt,
    prepare: submitStart - prepareStart,
    preSubmission: submitStart - run.startedAt,
    batchId,
    exitedAt: run.endedAt
  }
}
