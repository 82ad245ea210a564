import type { Storage } from '@google-cloud/storage'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileChecksums, type Checksums } from '../checksum.js'
import type { Plan } from '../plan.js'
import { planSnapshot, type SnapshotPlan } from './snapshot.js'
import { remoteObject, uploadFiles, type UploadItem, type UploadResult } from './upload.js'

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

const scratchZip = async (): Promise<string> =>
  join(await mkdtemp(join(process.env.RUNNER_TEMP || tmpdir(), 'kedro-code-')), 'code.zip')

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
  entrypointPath: string
): Promise<CodeArtifacts> {
  const [planned, checksums] = await Promise.all([
    planSnapshot({ projectDir, outFile: await scratchZip() }),
    fileChecksums(entrypointPath)
  ])
  return writeArtifacts(planned, { path: entrypointPath, checksums })
}

export interface DevCode {
  uploads: UploadResult[]
  skipped: string[]
}

/**
 * A dev run's code: when the object already there was made from the same tree (same snapshot
 * key), no zip is written and nothing but a changed entrypoint is uploaded.
 */
export async function prepareDevCode(
  storage: Storage,
  plan: Plan,
  projectDir: string,
  entrypointPath: string
): Promise<DevCode> {
  const [planned, checksums, remote] = await Promise.all([
    planSnapshot({ projectDir, outFile: await scratchZip() }),
    fileChecksums(entrypointPath),
    remoteObject(storage, plan.storage.codeUri)
  ])
  const entrypoint = { path: entrypointPath, checksums }
  if (remote && remote.metadata[TREE_KEY] === planned.key) {
    const uploads = await uploadFiles(storage, codeUploads(plan, { entrypoint }))
    uploads.push({ uri: plan.storage.codeUri, bytes: remote.size, uploaded: false })
    return { uploads, skipped: planned.skipped }
  }
  const artifacts = await writeArtifacts(planned, entrypoint)
  return {
    uploads: await uploadFiles(storage, codeUploads(plan, artifacts)),
    skipped: planned.skipped
  }
}

/** The upload of the entrypoint, and of code.zip when it is given. */
export function codeUploads(
  plan: Plan,
  artifacts: Pick<CodeArtifacts, 'entrypoint'> & Partial<CodeArtifacts>
): UploadItem[] {
  const immutable = plan.env === 'prod'
  const items: UploadItem[] = [
    {
      localPath: artifacts.entrypoint.path,
      uri: plan.storage.entrypointUri,
      contentType: 'text/x-python',
      checksums: artifacts.entrypoint.checksums,
      immutable
    }
  ]
  if (artifacts.code) {
    items.push({
      localPath: artifacts.code.path,
      uri: plan.storage.codeUri,
      contentType: 'application/zip',
      checksums: artifacts.code.checksums,
      immutable,
      metadata: { [TREE_KEY]: artifacts.code.key }
    })
  }
  return items
}
