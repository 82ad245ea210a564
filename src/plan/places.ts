/** Where a run's files and image go: named from the inputs and the branch, checked before use. */
import { objectNameProblem } from '../dataproc/rules.js'
import type { Config } from '../inputs/config.js'
import { imageTag } from './naming.js'

/** Tells a failure of the plan (e.g. no branch to name a dev run by) from a bug. */
export class PlanError extends Error {}

export interface Folders {
  submitPrefix: string
  entrypointUri: string
  codeUri: string
  runOutputUri: string
  /** prod: the release manifest. */
  manifestUri?: string
}

/** The image the batch runs: one the user gave, or one the run builds or the release pins. */
export type PlannedImage =
  | {
      /** The reference the batch runs: a tag until a build pins it by digest. */
      reference: string
      /** Set once a build has pushed the image: what the batch was submitted with. */
      digest?: string
      /** Nothing is built: the user gave the image, or a trigger runs the one release.json pins. */
      prebuilt: true
      repository?: undefined
      tag?: undefined
    }
  | {
      reference: string
      digest?: string
      prebuilt: false
      repository: string
      tag: string
    }

/** A prod run's release (the inputs require one), or undefined for a dev run. */
export const releaseOf = (config: Config): string | undefined =>
  config.env === 'prod' ? config.release : undefined

export function foldersOf(config: Config, slug: string, runId: string): Folders {
  const release = releaseOf(config)
  const folder = release ? `release/${release}` : slug
  const submitPrefix = `gs://${config.runSubmitBucket}/${release ? folder : `${slug}/${runId}`}/`
  return {
    submitPrefix,
    entrypointUri: `${submitPrefix}entrypoint.py`,
    codeUri: `${submitPrefix}code.zip`,
    // No trailing slash: catalogs append `/path` to it.
    runOutputUri: `gs://${config.runOutputBucket}/${folder}/${runId}`,
    manifestUri: release ? `${submitPrefix}release.json` : undefined
  }
}

/**
 * Every object the run writes fits Cloud Storage's 1,024 bytes, checked before anything is
 * built: a dev folder is named after the branch, which no input limits.
 */
export function checkObjectNames(storage: Folders, branch: string): void {
  const written = [
    storage.entrypointUri,
    storage.codeUri,
    storage.manifestUri,
    `${storage.runOutputUri}/`
  ]
  const problem = written.map(uri => uri && objectNameProblem(uri)).find(Boolean)
  if (problem)
    throw new PlanError(
      `${problem}: the folder is named after the branch (${branch.length} characters) and the run id; use a shorter branch name or run-id`
    )
}

export function imageOf(config: Config, slug: string, manifestUri?: string): PlannedImage {
  if (config.image) return { reference: config.image, prebuilt: true }
  // A trigger without a repository: the image is the one release.json pins, read when it runs.
  if (!config.artifactRepository && manifestUri && !config.prepare)
    return { reference: `the image ${manifestUri} pins`, prebuilt: true }
  const repository = `${config.artifactRegistry}/${config.projectId}/${config.artifactRepository}/${config.imageName}`
  const tag = config.imageTag ?? imageTag(releaseOf(config) ?? slug)
  return { reference: `${repository}:${tag}`, prebuilt: false, repository, tag }
}
