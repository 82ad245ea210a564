import type { ProjectKedro } from '../kedro/project.js'
import type { Endpoint } from './syntax.js'
import type { BatchSettings } from './batch.js'
import type { Build } from './build.js'
import type { CleanupSettings } from './cleanup.js'
import type { Pricing } from './pricing.js'
import type { InputValues } from './table.js'
import type { RunEnv, Where } from './where.js'

export type { RunEnv }

/** The inputs, read and checked: what the plan is made from. */
export interface Config extends Omit<Where, 'runtimeWarning'>, Build, BatchSettings {
  /** The inputs as given, for the configuration key and the summary. */
  values: InputValues
  kedroRunArgs: string[]
  /** The Kedro the arguments were checked against, and why that one. */
  kedro: ProjectKedro
  workingDirectory: string
  endpoints: Endpoints
  dryRun: boolean
  wait: boolean
  timeoutSeconds?: number
  cancelOnAbort: boolean
  onMissingCredentials: 'fail' | 'skip'
  /** prod: build, push and upload the release's artifacts. */
  prepare: boolean
  /** prod: run a batch of the release. */
  submit: boolean
  /** prod: replace a release prepared from other content. */
  force: boolean
  /** Absolute paths of files that may ship although they hold a private key. */
  allowSecretFiles: string[]
  /** Run code from a fork on pull_request_target, workflow_run and issue_comment. */
  allowForkCode: boolean
  /** Check the Kedro project before anything is built (src/kedro/preflight.ts). */
  preflight: boolean
  /** What only the GitHub front end reads. */
  report: ReportSettings
  /** The user's prices and the spending guard. */
  pricing: Pricing
  /** Cleaning up the branch, and the run folders it keeps. */
  cleanup: CleanupSettings
  /** Allowed but risky: shown as warnings. */
  warnings: string[]
}

export interface ReportSettings {
  githubToken: string
  prComment: 'auto' | 'always' | 'never'
  uploadArtifacts: boolean
}

/** Where the clients talk to; undefined means Google's own endpoint. */
export interface Endpoints {
  dataproc?: Endpoint
  storage?: Endpoint
  /** Cloud Logging's REST API, where runtime 3.0 and later write the driver output. */
  logging?: Endpoint
}

/** The image is built only by a run that prepares, is not a dry run, and was given no image. */
export const buildsImage = (config: Pick<Config, 'image' | 'dryRun' | 'prepare'>): boolean =>
  !config.image && !config.dryRun && config.prepare
