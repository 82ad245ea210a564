import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Storage } from '@google-cloud/storage'
import { fileChecksums } from '../checksum.js'
import type { Plan } from '../plan.js'
import { snapshotWorkingTree } from './snapshot.js'
import { uploadFiles, type UploadResult } from './upload.js'

export interface CodeResult {
  uploads: UploadResult[]
  files: number
  skipped: string[]
}

/** Snapshots the project and uploads the archive with the entrypoint, skipping unchanged objects. */
export async function prepareCode(
  storage: Storage,
  plan: Plan,
  projectDir: string,
  entrypointPath: string
): Promise<CodeResult> {
  const dir = await mkdtemp(join(process.env.RUNNER_TEMP || tmpdir(), 'kedro-code-'))
  const [snapshot, entrypointSums] = await Promise.all([
    snapshotWorkingTree({ projectDir, outFile: join(dir, 'code.zip') }),
    fileChecksums(entrypointPath)
  ])
  const uploads = await uploadFiles(storage, [
    {
      localPath: entrypointPath,
      uri: plan.storage.entrypointUri,
      contentType: 'text/x-python',
      checksums: entrypointSums
    },
    {
      localPath: snapshot.path,
      uri: plan.storage.codeUri,
      contentType: 'application/zip',
      checksums: snapshot
    }
  ])
  return { uploads, files: snapshot.files, skipped: snapshot.skipped }
}
