import type { Storage } from '@google-cloud/storage'
import { log } from '../lib/log.js'
import { pinImage, type Plan, type ProdPlan } from '../plan/plan.js'
import { codeUploads, planDevCode, snapshotCode, type CodeArtifacts } from '../steps/code/code.js'
import {
  ImmutableObjectError,
  uploadFiles,
  type OnUploadProgress,
  type UploadResult
} from '../steps/code/upload.js'
import { readBuildContext, type BuildContext } from '../steps/image/build-context.js'
import { checkSecretsBuilder } from '../steps/image/docker-build.js'
import { buildImage, tagImage } from '../steps/image/image.js'
import {
  objectsDiffer,
  readManifest,
  releaseConflict,
  sameContent,
  writeManifest,
  type ReleaseManifest
} from '../steps/release/manifest.js'
import type { SecretRules } from '../steps/secrets.js'
import { ACTION_VERSION } from '../version.js'

/** What preparing needs: the plan and the clients, nothing else. */
export interface Preparation<P extends Plan = Plan> {
  plan: P
  storage: Storage
  /** For a registry that needs Google credentials. */
  accessToken?: string
  /** Hears how far each upload has got (the command's progress bar). */
  onUploadProgress?: OnUploadProgress
  /** Which credentials and private keys may not ship: the same for the code and the image. */
  secrets: SecretRules
  /** Stops the build when the run is stopped (a signal). */
  signal?: AbortSignal
}

/**
 * The build context, read and checked for private keys before anything is built or uploaded;
 * undefined when this run builds no image.
 */
async function buildContext({ plan, secrets }: Preparation): Promise<BuildContext | undefined> {
  if (!plan.build) return undefined
  await checkSecretsBuilder(plan.build.secrets)
  const context = await readBuildContext(plan.build.context, plan.build.dockerfile, secrets)
  for (const left of context.leftOut) log.info(`not in the image build context: ${left}`)
  return context
}

interface PreparedImage<P extends Plan> {
  /** The plan with the image the build pushed, pinned by digest; unchanged for a prebuilt image. */
  plan: P
  /** Points the branch or release tag at it: last, once every check has passed. */
  tag(): Promise<void>
}

/** The image, built or reused under its fingerprint tag; the plan's own tag is not moved yet. */
async function image<P extends Plan>(
  p: Preparation<P>,
  context: BuildContext | undefined
): Promise<PreparedImage<P>> {
  const { plan } = p
  if (!context || !plan.build || plan.image.prebuilt) return { plan, tag: () => Promise.resolve() }
  const { repository, tag } = plan.image
  const request = {
    ...plan.build,
    context,
    repository,
    tag,
    accessToken: p.accessToken,
    signal: p.signal
  }
  const result = await buildImage(request)
  return {
    plan: pinImage(plan, result.pinned, result.digest),
    tag: () => tagImage(request, result)
  }
}

/** The image built beside another step: when that step fails, the build stops and pushes nothing. */
function besideImage<P extends Plan, T>(
  p: Preparation<P>,
  context: BuildContext | undefined,
  other: Promise<T>
): Promise<[PreparedImage<P>, T]> {
  const stop = new AbortController()
  const signal = p.signal ? AbortSignal.any([p.signal, stop.signal]) : stop.signal
  const failed = (error: unknown): never => {
    stop.abort()
    throw error
  }
  return Promise.all([image({ ...p, signal }, context), other.catch(failed)])
}

function logUploads(uploads: UploadResult[], skipped: string[]): void {
  for (const upload of uploads)
    log.info(
      `${upload.uploaded ? 'uploaded' : 'unchanged, not uploaded'}: ${upload.uri} (${upload.bytes} bytes)`
    )
  for (const name of skipped) log.info(`not in code.zip: ${name}`)
}

/**
 * Dev: the branch's image and code, built and uploaded side by side once both have been read
 * and checked, so a refused file stops the run before either has a side effect.
 */
export async function prepareDev(p: Preparation): Promise<Plan> {
  const { plan, storage } = p
  const [context, code] = await Promise.all([
    buildContext(p),
    planDevCode(storage, plan, plan.code.directory, plan.code.entrypoint, p.secrets)
  ])
  const [built, uploaded] = await besideImage(p, context, code.upload(p.onUploadProgress))
  logUploads(uploaded.uploads, uploaded.skipped)
  await built.tag()
  return built.plan
}

function manifestOf(plan: ProdPlan, artifacts: CodeArtifacts): ReleaseManifest {
  return {
    version: plan.release,
    commit: plan.commit,
    image: plan.image.reference,
    imageDigest: plan.image.digest,
    createdAt: new Date().toISOString(),
    actionVersion: ACTION_VERSION,
    code: {
      uri: plan.storage.codeUri,
      crc32c: artifacts.code.checksums.crc32c,
      bytes: artifacts.code.checksums.bytes
    },
    entrypoint: { uri: plan.storage.entrypointUri, crc32c: artifacts.entrypoint.checksums.crc32c }
  }
}

/**
 * Prod: a release is prepared once and then immutable. Identical content prepares again as a
 * no-op; other content is refused before anything is built or uploaded, unless `force`.
 * `release.json` is the commit marker, written last: without it nothing was released, so what an
 * earlier prepare left (it failed in the build, say) is replaced, each object exactly at the
 * generation looked at. The release tag is pushed only once the code is uploaded, just before it.
 */
export async function prepareRelease(p: Preparation<ProdPlan>): Promise<ProdPlan> {
  const { plan, storage } = p
  const { manifestUri } = plan.storage
  const force = plan.behaviour.force
  const [artifacts, context, existing] = await Promise.all([
    snapshotCode(plan.code.directory, plan.code.entrypoint, p.secrets),
    buildContext(p),
    readManifest(storage, manifestUri)
  ])
  const { code, entrypoint } = artifacts
  const identical = existing && sameContent(existing.manifest, code.checksums, entrypoint.checksums)
  const differ = identical ? await objectsDiffer(storage, existing.manifest) : undefined
  if (identical && !differ) {
    log.info(
      `release ${plan.release} is already prepared with identical content: nothing built or uploaded`
    )
    return pinnedByManifest(plan, existing.manifest)
  }
  if (existing && !identical && !force) throw releaseConflict(existing.manifest)
  if (differ) log.warning(`release ${plan.release}: ${differ}; uploading it again`)
  else if (existing)
    log.warning(
      `force: true: replacing release ${plan.release} (prepared ${existing.manifest.createdAt})`
    )
  const uploads = uploadFiles(storage, codeUploads(plan, artifacts), true, p.onUploadProgress)
  const [built, uploaded] = await besideImage(p, context, uploads)
  logUploads(uploaded, code.skipped)
  await built.tag()
  await writeManifest(storage, manifestUri, manifestOf(built.plan, artifacts), existing?.generation)
  log.info(`release ${plan.release} prepared: ${manifestUri}`)
  return built.plan
}

const pinnedByManifest = (plan: ProdPlan, manifest: ReleaseManifest): ProdPlan =>
  pinImage(plan, manifest.image, manifest.imageDigest)

/** A trigger runs exactly what the release's manifest pins. */
export async function releaseToRun({ plan, storage }: Preparation<ProdPlan>): Promise<ProdPlan> {
  const stored = await readManifest(storage, plan.storage.manifestUri)
  if (!stored)
    throw new Error(
      `release ${plan.release} was never prepared (no ${plan.storage.manifestUri}): run this action with prepare: true for it first, e.g. on the tag push`
    )
  const differ = await objectsDiffer(storage, stored.manifest)
  if (differ)
    throw new ImmutableObjectError(
      `release ${plan.release}: ${differ} (two prepares of it ran at once): prepare it again from its commit ${stored.manifest.commit || '(unknown)'}; nothing was submitted`
    )
  return pinnedByManifest(plan, stored.manifest)
}
