import type { Storage } from '@google-cloud/storage'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileChecksums, type Checksums } from '../../lib/checksum.js'
import type { Plan } from '../../plan/plan.js'
import type { SecretRules } from '../secrets.js'
import { planSnapshot, type SnapshotPlan } from './snapshot.js'
import {
  ImmutableObjectError,
  remoteObject,
  RESUMABLE_FROM_BYTES,
  startStreamedUpload,
  uploadFile,
  uploadFiles,
  type OnUploadProgress,
  type Remote,
  type UploadItem,
  type UploadResult
} from './upload.js'

export interface LocalFile {
  path: string
  checksums: Checksums
}

export interface CodeArtifacts {
  code: LocalFile & { files: number; skipped: string[]; key: string }
  entrypoint: LocalFile
}

/** Stored with code.zip: the snapshot key of the tree it was made from (see planSnapshot). */
export const TREE_KEY = 'kedro-dataproc-tree'
/** Stored with code.zip: the commit the run recorded, to name it when another run is refused. */
const COMMIT_KEY = 'kedro-dataproc-commit'

// Synchronous, so that planSnapshot starts git in the same turn as its caller (see deploy).
const scratchZip = (): string =>
  join(mkdtempSync(join(process.env.RUNNER_TEMP || tmpdir(), 'kedro-code-')), 'code.zip')

async function writeArtifacts(
  planned: SnapshotPlan,
  entrypoint: LocalFile
): Promise<CodeArtifacts> {
  const snapshot = await planned.write()
  return {
    code: {
      path: snapshot.path,
      checksums: snapshot,
      files: snapshot.files,
      skipped: snapshot.skipped,
      key: planned.key
    },
    entrypoint
  }
}

/** The two files a run needs in GCS: the snapshot of the project and the main file. */
export async function snapshotCode(
  projectDir: string,
  entrypointPath: string,
  secrets: SecretRules
): Promise<CodeArtifacts> {
  const [planned, checksums] = await Promise.all([
    planSnapshot({ projectDir, outFile: scratchZip(), secrets }),
    fileChecksums(entrypointPath)
  ])
  try {
    return await writeArtifacts(planned, { path: entrypointPath, checksums })
  } finally {
    await planned.close()
  }
}

export interface DevCode {
  uploads: UploadResult[]
  skipped: string[]
}

/** A dev run's code, checked and keyed; nothing is written or uploaded until `upload`. */
export interface PlannedDevCode {
  upload(onProgress?: OnUploadProgress): Promise<DevCode>
}

/**
 * A dev run's code: when the object already there was made from the same tree (same snapshot
 * key), no zip is written and nothing but a changed entrypoint is uploaded. Otherwise a big zip
 * is uploaded while it is written.
 */
export async function planDevCode(
  storage: Storage,
  plan: Plan,
  projectDir: string,
  entrypointPath: string,
  secrets: SecretRules
): Promise<PlannedDevCode> {
  const [planned, checksums, remote, remoteEntrypoint] = await Promise.all([
    planSnapshot({ projectDir, outFile: scratchZip(), secrets }),
    fileChecksums(entrypointPath),
    remoteObject(storage, plan.storage.codeUri),
    remoteObject(storage, plan.storage.entrypointUri)
  ])
  const entrypoint = { path: entrypointPath, checksums }
  try {
    refuseOtherCode(plan, { code: remote, entrypoint: remoteEntrypoint }, planned.key, checksums)
  } catch (error) {
    await planned.close()
    throw error
  }
  return {
    upload: onProgress => uploadDevCode(storage, plan, planned, { entrypoint, remote, onProgress })
  }
}

/**
 * A dev run's folder is immutable once written: a batch may be reading it. The same run id with
 * the same code (a retry) finds its own objects; with other code it is refused here, before
 * anything is built or uploaded. The snapshot key says "same code" without writing the zip; the
 * upload's generation precondition (ifGenerationMatch=0) settles two runs that race for an
 * empty folder.
 */
function refuseOtherCode(
  plan: Plan,
  found: { code?: Remote; entrypoint?: Remote },
  key: string,
  entrypoint: Checksums
): void {
  const otherCode = found.code && found.code.metadata[TREE_KEY] !== key
  const otherEntrypoint = found.entrypoint && found.entrypoint.crc32c !== entrypoint.crc32c
  if (!otherCode && !otherEntrypoint) return
  const commit = found.code?.metadata[COMMIT_KEY]
  const what = otherCode
    ? `code.zip from other code${commit ? ` (commit ${commit.slice(0, 12)})` : ''}`
    : 'another entrypoint.py'
  throw new ImmutableObjectError(
    `run-id ${plan.runId} was already used on branch ${plan.branch}: ${plan.storage.submitPrefix} holds ${what}. ${whyImmutable(plan)}`
  )
}

/** Why a run's objects are never replaced, and what to do instead. */
function whyImmutable(plan: Plan): string {
  return plan.env === 'prod'
    ? 'A release is immutable: cut a new version, or set force: true to replace it'
    : "A run's folder is immutable once written, so that no batch runs another run's code: set a different run-id, or leave run-id unset to get one per workflow run"
}

/** What uploading a dev run's code needs besides the plan and the snapshot. */
interface CodeUpload {
  entrypoint: LocalFile
  /** The object there now, if any. */
  remote: Remote | undefined
  onProgress?: OnUploadProgress
}

async function uploadDevCode(
  storage: Storage,
  plan: Plan,
  planned: SnapshotPlan,
  { entrypoint, remote, onProgress }: CodeUpload
): Promise<DevCode> {
  const entrypointUpload = uploadFiles(
    storage,
    codeUploads(plan, { entrypoint }),
    false,
    onProgress
  )
  let code: Promise<UploadResult>
  if (remote && remote.metadata[TREE_KEY] === planned.key) {
    code = Promise.resolve({ uri: plan.storage.codeUri, bytes: remote.size, uploaded: false })
  } else if (planned.bytes >= RESUMABLE_FROM_BYTES) {
    code = streamCode(storage, plan, planned, { entrypoint, remote, onProgress })
  } else {
    code = uploadFromFile(storage, plan, planned, { entrypoint, remote, onProgress })
  }
  const [entrypointResults, codeResult] = await Promise.all([
    entrypointUpload,
    code.finally(() => planned.close())
  ])
  return { uploads: [...entrypointResults, codeResult], skipped: planned.skipped }
}

/**
 * A big code.zip goes straight from the snapshot into the upload; only when that fails is it
 * written to a file and uploaded from there, with retries.
 */
async function streamCode(
  storage: Storage,
  plan: Plan,
  planned: SnapshotPlan,
  { entrypoint, remote, onProgress }: CodeUpload
): Promise<UploadResult> {
  const progress = onProgress && { onProgress, expectedBytes: planned.bytes }
  const streamed = startStreamedUpload(storage, codeTarget(plan, planned.key), remote, progress)
  const fromFile = (): Promise<UploadResult> =>
    uploadFromFile(storage, plan, planned, { entrypoint, remote, onProgress })
  let checksums: Checksums
  try {
    checksums = await planned.stream(streamed.stream)
  } catch {
    // The upload failed, or the snapshot did: writing the file says which, again if need be.
    return fromFile()
  }
  return streamed.finish(checksums, fromFile)
}

/** code.zip written to a file, then uploaded from it with retries and preconditions. */
async function uploadFromFile(
  storage: Storage,
  plan: Plan,
  planned: SnapshotPlan,
  { entrypoint, onProgress }: CodeUpload
): Promise<UploadResult> {
  const artifacts = await writeArtifacts(planned, entrypoint)
  return uploadFile(storage, codeUpload(plan, artifacts.code), false, onProgress)
}

/** Where code.zip goes and what it carries, known before its bytes exist. */
function codeTarget(plan: Plan, key: string): Omit<UploadItem, 'localPath' | 'checksums'> {
  return {
    uri: plan.storage.codeUri,
    contentType: 'application/zip',
    immutable: whyImmutable(plan),
    metadata: { [TREE_KEY]: key, [COMMIT_KEY]: plan.commit }
  }
}

function codeUpload(plan: Plan, code: CodeArtifacts['code']): UploadItem {
  return { ...codeTarget(plan, code.key), localPath: code.path, checksums: code.checksums }
}

/** The upload of the entrypoint, and of code.zip when it is given. */
export function codeUploads(
  plan: Plan,
  artifacts: Pick<CodeArtifacts, 'entrypoint'> & Partial<CodeArtifacts>
): UploadItem[] {
  const entrypoint: UploadItem = {
    localPath: artifacts.entrypoint.path,
    uri: plan.storage.entrypointUri,
    contentType: 'text/x-python',
    checksums: artifacts.entrypoint.checksums,
    immutable: whyImmutable(plan)
  }
  return artifacts.code ? [entrypoint, codeUpload(plan, artifacts.code)] : [entrypoint]
}
